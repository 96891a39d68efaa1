/**
 * One test process for these test files (README.md § Test): `npm run synth` as a child process,
 * the `meshfleet` bin and its code cache, the CI workflow, the test helpers' own processes.
 */
import '../cli-bundle.test.ts';
import '../helpers.test.ts';
import '../synth-cli.test.ts';
import '../workflow.test.ts';
