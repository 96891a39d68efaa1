/**
 * One test process for these test files (README.md § Test): the fleet's whole lifecycle against
 * every fake (the longest single file, so a group of its own).
 */
import '../lifecycle.test.ts';
