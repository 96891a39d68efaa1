/**
 * A group of test files (README.md § Test): bootstrap (plan, run, units, mesh CA)
 * and promote, against the fake CLIs and throwaway git repositories.
 */
import '../bootstrap-ca.test.ts';
import '../bootstrap-plan.test.ts';
import '../bootstrap-run.test.ts';
import '../bootstrap-units.test.ts';
import '../promote.test.ts';
