// Types of run.mjs, for groups.test.ts.
/** The bundle of each group of test/groups/, in file order, built first when a source changed. */
export declare function groupBundles(): Promise<string[]>;
