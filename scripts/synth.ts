/**
 * npm run synth -- [--config FILE] [--out DIR] [--full] [--quiet]
 * Renders the fleet into per-cluster GitOps folders (see README and DESIGN.md § dist contract).
 */
import { relative, resolve } from 'node:path';
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import { parseCli, runMain } from './lib/cli.ts';
import { withSignalsHeld } from './lib/signals.ts';
import { checkOutput } from './lib/write-tree.ts';

const USAGE = `Usage: npm run synth -- [--config FILE] [--out DIR] [--full] [--quiet]

Renders the fleet described in FILE into DIR: one Flux entry folder per cluster
(DIR/clusters/<cluster>/) and an overview (DIR/FLEET.md).

Options:
  -c, --config FILE  fleet file (default: ${DEFAULT_FLEET_FILE})
  -o, --out DIR      output directory (default: dist); a symlink is written through.
                     Changed files are renamed over the old ones, so DIR and every
                     file in it always exist, old or new, never half-written; files
                     no longer rendered are removed; nothing is written if nothing
                     changed or the config is invalid. Refused if DIR holds files
                     meshfleet did not write. One synth per DIR at a time: a second
                     one stops with exit 1 (lock file .DIR.synth-lock beside DIR).
  --full             parse and validate every config file, render every cluster and
                     read every file in DIR; by default a cluster whose inputs and the
                     renderer's code did not change since the last synth into DIR is
                     taken from the render cache (node_modules/.cache/meshfleet/), in a
                     cluster rendered again a document that did not change keeps its
                     text, a config file edited inside one entry is parsed from its last
                     parse kept there and one not edited is not validated again, and a
                     file in DIR whose size, times and inode are what the last synth
                     left is not read again: byte for byte what a full render gives
  -q, --quiet        print nothing on success
  -h, --help         show this help

Exit codes: 0 rendered, 1 invalid config or write error, 2 bad usage; 130/143 after
SIGINT/SIGTERM (during the write, once the write has finished).`;

export const main = (): Promise<void> => runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    config: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q' },
    full: { type: 'boolean' },
  }, USAGE);
  const out = args.out ?? 'dist';
  // An output the write would refuse (--out /, a file, read-only) fails before any work.
  checkOutput(out);
  // The loader and renderer load once the options and the output are checked: `synth --help` and
  // a usage error print without initializing them (zod's schemas, cdk8s), ≈ 0.1 s of a start.
  const [{ loadFleetForCommand }, { codeFingerprint }, { synthesize }] = await Promise.all([
    import('./lib/load-config.ts'), import('./lib/render-cache.ts'), import('./lib/synthesize.ts'),
  ]);
  // Date.now, not performance.now: the `performance` global loads perf_hooks, a few ms of every start.
  const started = Date.now();
  // Flux paths are repository paths; dist inside the repo gives them, elsewhere the default applies.
  const rel = relative(process.cwd(), resolve(out));
  const distInRepo = rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : 'dist';
  const { fleet, rendered, summary } = await synthesize({
    config: args.config ?? DEFAULT_FLEET_FILE,
    out,
    load: loadFleetForCommand,
    distInRepo,
    // With --full nothing of the last synth is used: every file parsed, every cluster rendered.
    cache: { salt: codeFingerprint(), read: !args.full },
    // Ctrl-C while rendering stops at once (nothing is written yet); during the write it waits for
    // the last file, so the output is never left half old, half new.
    write: (write) => withSignalsHeld(write, (finished) => `synth: interrupted${finished ? `; ${out} was written in full first` : ''}`),
  });
  if (!args.quiet) {
    const objects = [...rendered.objects.values()].reduce((a, b) => a + b, 0);
    const perCluster = [...rendered.objects].map(([c, n]) => `${c} ${n}`).join(', ');
    const ms = Date.now() - started;
    console.log(`synth: ${fleet.clusters.length} clusters, ${objects} objects (${perCluster}), ${rendered.files.size} files → ${out}`);
    const renderedNow = fleet.clusters.length - rendered.reused.length;
    const rest = renderedNow < fleet.clusters.length ? ', the rest unchanged since the last synth' : '';
    console.log(`       ${summary.written.length} written, ${summary.unchanged} unchanged, ${summary.removed.length} removed in ${ms} ms (${renderedNow} of ${fleet.clusters.length} clusters rendered${rest})`);
    const added = new Set(summary.added);
    for (const path of summary.written) console.log(`  ${added.has(path) ? '+' : '~'} ${path}`);
    for (const path of summary.removed) console.log(`  - ${path}`);
  }
});
