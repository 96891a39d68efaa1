/**
 * One test process for these test files (README.md § Test): `npm run synth` as a child process,
 * the CI workflow, the test helpers' own processes.
 */
import '../helpers.test.ts';
import '../synth-cli.test.ts';
import '../workflow.test.ts';
