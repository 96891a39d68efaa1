/**
 * One synth measurement, run in a fresh process by `npm run bench`:
 *   node --import tsx scripts/bench/synth-child.ts CONFIG OUT [--no-overview]
 * does what `npm run synth -- --config CONFIG --out OUT` does (load → render → write, the same
 * functions), timing each phase, and prints one JSON line (a `ChildReport`) on stdout.
 * `--no-overview` leaves FLEET.md out (RenderOptions.overview), to measure the clusters alone.
 */
import { childReport } from './usage.ts';

const [config, out, flag] = process.argv.slice(2);
if (!config || !out || (flag !== undefined && flag !== '--no-overview')) {
  process.stderr.write('usage: node --import tsx scripts/bench/synth-child.ts CONFIG OUT [--no-overview]\n');
  process.exit(2);
}
const started = performance.now();
// Imported here, not at the top, so that import time is measured on its own.
const [{ loadFleet }, { renderFleet }, { writeTree }] = await Promise.all([
  import('../../config/load.ts'),
  import('../../clusters/render.ts'),
  import('../lib/write-tree.ts'),
]);
const imported = performance.now();
const fleet = loadFleet(config);
const loaded = performance.now();
const rendered = renderFleet(fleet, { distInRepo: 'dist', overview: flag !== '--no-overview' });
const renderedAt = performance.now();
const summary = writeTree(out, rendered.files);
const written = performance.now();

process.stdout.write(`${JSON.stringify(childReport({
  startMs: started,
  importMs: imported - started,
  phases: { load: loaded - imported, render: renderedAt - loaded, write: written - renderedAt },
  objects: [...rendered.objects.values()].reduce((a, b) => a + b, 0),
  files: rendered.files.size,
  written: summary.written.length,
}))}\n`);
