/**
 * A group of test files (README.md § Test): config and what is derived from it: the loader's
 * rules and its parse memos, locality, routing and its costs, FLEET.md, the global entry,
 * promotion waves; that every test file is in one group; and synth's write: hostile outputs,
 * locks, writers under stress and killed ones (child processes).
 */
import '../chart-keys.test.ts';
import '../check-documents.test.ts';
import '../config-rules.test.ts';
import '../engines.test.ts';
import '../global-entry.test.ts';
import '../groups.test.ts';
import '../ingress-routes.test.ts';
import '../loader.test.ts';
import '../locality.test.ts';
import '../overview.test.ts';
import '../promote-config.test.ts';
import '../routing.test.ts';
import '../routing-costs.test.ts';
import '../schema.test.ts';
import '../source-memo.test.ts';
import '../validation-memo.test.ts';
import '../write-tree.test.ts';
import '../write-tree-concurrency.test.ts';
