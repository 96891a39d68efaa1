/**
 * The benchmark's child processes, bundled with esbuild as the `meshfleet` command is
 * (bin/bundle.mjs: one CommonJS script each) and started the same way, from V8's code cache
 * (bin/run-bundle.cjs; the first run of each child writes it): synth and floor then start as the
 * CLI does, with no TypeScript to compile, and the comparison measures the work, not tsx.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CLI_BUNDLE_OPTIONS } from '../../bin/bundle.mjs';
import { ROOT } from './measure.ts';

export interface Children {
  /** Each child's starter (`node STARTER args`), which runs its bundle through the code cache. */
  readonly synth: string;
  readonly floor: string;
}

export async function bundleChildren(dir: string): Promise<Children> {
  const starters: Record<string, string> = {};
  for (const name of ['synth-child', 'floor-child']) {
    const bundle = join(dir, `${name}.cjs`);
    await build({ ...CLI_BUNDLE_OPTIONS, entryPoints: [join(ROOT, `scripts/bench/${name}.ts`)], outfile: bundle });
    const starter = join(dir, `${name}.mjs`);
    const runBundle = pathToFileURL(join(ROOT, 'bin/run-bundle.cjs')).href;
    writeFileSync(starter, `import { runBundle } from ${JSON.stringify(runBundle)};\nrunBundle(${JSON.stringify(bundle)}, { name: 'child', keep: true });\n`);
    starters[name] = starter;
  }
  return { synth: starters['synth-child']!, floor: starters['floor-child']! };
}
