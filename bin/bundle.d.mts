// Types of bin/bundle.mjs, for the TypeScript that imports it (scripts/bench/children.ts, tests).
import type { BuildOptions } from 'esbuild';

export declare const NODE_BUNDLE_OPTIONS: BuildOptions;
export declare const CLI_BUNDLE_OPTIONS: BuildOptions;
export declare function ensureBundle(options?: { force?: boolean }): Promise<string>;
export declare function publishBuild(options: {
  dir: string;
  prefix: string;
  keep: number;
  ready: () => boolean;
  build: (tmp: string) => Promise<unknown>;
  replace?: boolean;
}): Promise<void>;
