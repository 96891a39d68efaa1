/**
 * One test process for these test files (README.md § Test): synth's write: hostile outputs, locks,
 * writers under stress and killed ones (child processes).
 */
import '../write-tree.test.ts';
import '../write-tree-concurrency.test.ts';
