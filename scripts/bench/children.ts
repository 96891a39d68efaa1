/**
 * The benchmark's child processes as plain ES modules, bundled with esbuild the way the
 * `meshfleet` command is (bin/bundle.mjs): synth and floor then start alike, with no TypeScript to
 * compile, and the comparison measures the work, not tsx.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../../bin/bundle.mjs';
import { ROOT } from './measure.ts';

export interface Children {
  readonly synth: string;
  readonly floor: string;
}

export async function bundleChildren(dir: string): Promise<Children> {
  await build({
    ...NODE_BUNDLE_OPTIONS,
    entryPoints: { 'synth-child': join(ROOT, 'scripts/bench/synth-child.ts'), 'floor-child': join(ROOT, 'scripts/bench/floor-child.ts') },
    outdir: dir,
  });
  return { synth: join(dir, 'synth-child.mjs'), floor: join(dir, 'floor-child.mjs') };
}
