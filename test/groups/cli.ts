/**
 * A group of test files (README.md § Test): the commands as child processes:
 * the `meshfleet` bin and its code cache, `npm run synth`, and `npm run diff` in throwaway git
 * repositories; the CI workflow. Mostly waiting for children, whose CPU is theirs; these files use
 * test/commands.ts, not helpers.ts, so this process does not load the render code.
 */
import '../bundle-path.test.ts';
import '../cli-bundle.test.ts';
import '../review-diff-cli.test.ts';
import '../synth-cli.test.ts';
import '../workflow.test.ts';
