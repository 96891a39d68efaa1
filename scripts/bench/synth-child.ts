/**
 * One synth measurement, run in a fresh process by `npm run bench` (bundled, see children.ts):
 *   node synth-child.mjs CONFIG OUT [--no-overview] [--incremental CACHE_ROOT]
 * runs what `meshfleet synth --config CONFIG --out OUT` runs (`synthesize`: load → render →
 * write), timing each phase, and prints one JSON line (a `ChildReport`) on stdout.
 * `--no-overview` leaves FLEET.md out (RenderOptions.overview), to measure the clusters alone;
 * `--incremental` uses and keeps the synth cache under CACHE_ROOT, as synth does: only clusters
 * whose inputs changed since the last run are rendered, the config is parsed from its last parse
 * where it can. Without it nothing is cached: every file parsed, every cluster rendered.
 */
import { parseArgs } from 'node:util';
import { childReport } from './usage.ts';

const { values: flags, positionals: [config, out] } = parseArgs({
  allowPositionals: true,
  options: { 'no-overview': { type: 'boolean' }, incremental: { type: 'string' } },
});
if (!config || !out) {
  process.stderr.write('usage: node synth-child.mjs CONFIG OUT [--no-overview] [--incremental CACHE_ROOT]\n');
  process.exit(2);
}
/** The code fingerprint the bench's caches are made with: one build of the code for the whole run. */
const SALT = 'bench';

async function main(): Promise<void> {
  const started = performance.now();
  // Imported here, not at the top, so that import time is measured on its own.
  const [{ loadFleet }, { synthesize }] = await Promise.all([import('../../config/load.ts'), import('../lib/synthesize.ts')]);
  const imported = performance.now();
  const ended = new Map<string, number>();
  const { rendered, summary } = await synthesize({
    config,
    out,
    load: loadFleet,
    distInRepo: 'dist',
    overview: !flags['no-overview'],
    cache: flags.incremental ? { salt: SALT, root: flags.incremental } : undefined,
    phaseDone: (phase) => ended.set(phase, performance.now()),
  });
  const [loaded, renderedAt, written] = ['load', 'render', 'write'].map((phase) => ended.get(phase)!);

  process.stdout.write(`${JSON.stringify(childReport({
    startMs: started,
    importMs: imported - started,
    phases: { load: loaded - imported, render: renderedAt - loaded, write: written - renderedAt },
    objects: [...rendered.objects.values()].reduce((a, b) => a + b, 0),
    files: rendered.files.size,
    written: summary.written.length,
    writtenPaths: summary.written,
    rendered: rendered.clusters.size - rendered.reused.length,
  }))}\n`);
}

// No top-level await: the child is bundled as a script, like the CLI (children.ts).
void main();
