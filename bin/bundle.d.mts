// Types of bin/bundle.mjs, for the TypeScript that imports it (scripts/bench/children.ts, tests).
import type { BuildOptions } from 'esbuild';

export declare const NODE_BUNDLE_OPTIONS: BuildOptions;
export declare const CLI_BUNDLE_OPTIONS: BuildOptions;
export declare function ensureBundle(options?: { force?: boolean }): Promise<string>;
export declare function pruneBuilds(prefix: string, current: string, keep: number): void;
