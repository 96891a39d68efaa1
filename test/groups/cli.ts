/**
 * One test process for these test files (README.md § Test): the commands as child processes:
 * `npm run synth`, and `npm run diff` in throwaway git repositories; the CI workflow; the test
 * helpers' own processes. Mostly waiting for children, whose CPU is theirs, not this process's.
 */
import '../helpers.test.ts';
import '../review-diff-cli.test.ts';
import '../synth-cli.test.ts';
import '../workflow.test.ts';
