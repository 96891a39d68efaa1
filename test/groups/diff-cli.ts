/**
 * One test process for these test files (README.md § Test): `npm run diff` as a child process in
 * throwaway git repositories (mostly waiting for its children, so a group of its own).
 */
import '../review-diff-cli.test.ts';
