/**
 * One synth measurement, run in a fresh process by `npm run bench` (bundled, see children.ts):
 *   node synth-child.mjs CONFIG OUT [--no-overview] [--incremental CACHE_ROOT]
 * does what `meshfleet synth --config CONFIG --out OUT` does (load → render → write, the same
 * functions), timing each phase, and prints one JSON line (a `ChildReport`) on stdout.
 * `--no-overview` leaves FLEET.md out (RenderOptions.overview), to measure the clusters alone;
 * `--incremental` renders only clusters whose inputs changed since the last run with the same
 * CACHE_ROOT, and parses the config from its last parse where it can (the cache synth keeps,
 * read before loading, as synth does), and saves the cache for the next.
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
  const [{ loadFleet }, { renderFleet }, { writeTree }, cache] = await Promise.all([
    import('../../config/load.ts'),
    import('../../clusters/render.ts'),
    import('../lib/write-tree.ts'),
    import('../lib/render-cache.ts'),
  ]);
  const imported = performance.now();
  const cacheRoot = flags.incremental;
  const last = cacheRoot ? cache.loadRenderCache(out, SALT, cacheRoot) : undefined;
  const fleet = loadFleet(config, { memos: last?.memos });
  const loaded = performance.now();
  const incremental = last ? { salt: SALT, previous: last.clusters, previousRouting: last.routing } : undefined;
  const rendered = renderFleet(fleet, { distInRepo: 'dist', overview: !flags['no-overview'], incremental });
  const renderedAt = performance.now();
  const summary = writeTree(out, rendered.files, { known: last ? cache.knownFiles(last) : undefined });
  if (cacheRoot) cache.saveRenderCache(out, { clusters: rendered.clusters, memos: last!.memos, routing: rendered.routing!, stamps: summary.stamps }, SALT, cacheRoot);
  const written = performance.now();

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
