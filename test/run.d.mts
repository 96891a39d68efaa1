// Types of run.mjs, for groups.test.ts.
/** Each group's weight in the packing, by group name: tuned so that the processes end together (see run.mjs). */
export declare const GROUP_WEIGHTS: Record<string, number>;
/** `groups` (file names in test/groups/) packed into `count` lists of about equal weight. */
export declare function packGroups(groups: string[], count: number): string[][];
/** The bundles of the groups, `count` packs of them (default: one per core, at least two), built first when a source changed. */
export declare function groupBundles(count?: number): Promise<string[]>;
/** Whether `folder` is on a tmpfs (false when it does not exist). */
export declare function isTmpfs(folder: string): boolean;
/** A fresh TMPDIR for the tests in `shm` when that is a writable tmpfs and `env` sets no TMPDIR, else undefined. */
export declare function scratchTmpdir(env?: Record<string, string | undefined>, shm?: string): string | undefined;
/** The test processes' environment: `env` without NODE_EXTRA_CA_CERTS, with TMPDIR `tmpdir` when given. */
export declare function testEnv(env: Record<string, string | undefined>, tmpdir?: string): Record<string, string | undefined>;
