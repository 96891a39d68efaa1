/**
 * npm run diff -- [--base REF] [--format text|markdown] [--config FILE] [--report-url URL]
 * What a change does to the fleet, per cluster and Flux layer, object by object (see README and
 * DESIGN.md § CLI contract). Exit codes follow `git diff --exit-code`: 0 no change, 1 changes, 2 error.
 */
import { relative, resolve, sep } from 'node:path';
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import type { Fleet } from '../config/model.ts';
import type { SourceMemos } from '../config/source.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { parseCli, runMain } from './lib/cli.ts';
import type { Finding } from './review/findings.ts';

const USAGE = `Usage: npm run diff -- [--base REF] [--format text|markdown] [--config FILE] [--report-url URL]

Shows what a change does to the fleet: renders the fleet file as it is in REF and as it
is in the working tree, and compares the two renders per cluster and Flux layer, object
by object: objects added and removed, and changed fields as paths with old → new values
(HelmRelease values included). A change that is the same in several clusters is shown
once, with the clusters that make it. Changes to dist/FLEET.md are listed as "overview",
with the request paths whose cross-region hops, estimated added latency or
intercontinental calls change.

Only config comes from REF: the fleet file and the app definitions it names. Both sides
are rendered with the working tree's code, so a change to the code itself is not what
this shows (for that, run npm run synth and look at git diff -- dist).

Options:
  -b, --base REF       git revision to compare against (default: HEAD)
  -f, --format FORMAT  text (default; the full report) or markdown: a PR comment that
                       starts with the hidden marker <!-- meshfleet-diff --> and is cut
                       to fit GitHub's 65,536 characters, biggest changes first
  -r, --report-url URL where the full report is (markdown only): the comment links it
                       when it is cut (default: it says to run npm run diff)
  -c, --config FILE    fleet file (default: ${DEFAULT_FLEET_FILE}); the same path is read
                       from REF. If it does not exist there, everything is "added".
  -h, --help           show this help

Exit codes: 0 no change, 1 changes, 2 error (unknown revision, invalid config in REF
or in the working tree, bad usage).`;

/** An error already printed; the exit code is 2. */
class Reported extends Error {}

export const main = (): Promise<void> => runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    base: { type: 'string', short: 'b' },
    format: { type: 'string', short: 'f' },
    config: { type: 'string', short: 'c' },
    'report-url': { type: 'string', short: 'r' },
  }, USAGE);
  const format = args.format ?? 'text';
  if (format !== 'text' && format !== 'markdown') {
    process.stderr.write(`--format must be text or markdown (got ${JSON.stringify(format)})\n\n${USAGE.split('\n')[0]}\nRun with --help for details.\n`);
    return 2;
  }
  const base = args.base ?? 'HEAD';
  const config = args.config ?? DEFAULT_FLEET_FILE;
  // The loader, renderer and review code load once the options are read: `diff --help` and a
  // usage error print without them.
  const [{ loadFleet }, { loadFleetForCommand }, { fleetAt }, { renderSides }] = await Promise.all([
    import('../config/load.ts'), import('./lib/load-config.ts'), import('./review/git-ref.ts'), import('./review/render-sides.ts'),
  ]);
  const [{ diffRendered, hasChanges, isChanged }, { formatMarkdown, formatText }, { istioStepFindings }, { rolloutNote }] = await Promise.all([
    import('./review/fleet-diff.ts'), import('./review/format-diff.ts'), import('./review/istio-steps.ts'), import('./review/rollout-note.ts'),
  ]);
  try {
    // The working tree's parse memos serve the files REF has the same or nearly (fleetAt).
    const memos: SourceMemos = new Map();
    const revision = fleetAt(config, base, 'diff', memos);
    // Both configs load before either renders: a config that does not load fails at once.
    const headFleet = loadSide(() => loadFleetForCommand(config, { memos }), 'the working tree');
    const baseFleet = await revision.use((file, dir, baseMemos) => loadSide(() => loadFleet(file, { memos: baseMemos }), base, dir));
    const { head, base: baseSide } = renderSides(headFleet, baseFleet, { head: 'the working tree', base });
    const diff = diffRendered(baseSide.files, head.files, { base: baseSide.paths, head: head.paths }, { base: baseSide.documents, head: head.documents });
    const rollout = [
      ...rolloutNote(baseSide.fleet, head.fleet!, diff.clusters.filter(isChanged).map((c) => c.cluster)),
      ...(baseSide.fleet ? istioStepFindings(baseSide.fleet, head.fleet!).map(stepNote) : []),
    ];
    const labels = { base, head: 'working tree', config, rollout };
    process.stdout.write(format === 'markdown' ? formatMarkdown(diff, labels, { reportUrl: args['report-url'] }) : formatText(diff, labels));
    return hasChanges(diff) ? 1 : 0;
  } catch (err) {
    if (!(err instanceof Reported)) process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
});

/** A step finding as a line of the report's rollout notes: `Error: <where>: …; fix: …`. */
function stepNote(f: Finding): string {
  return `${f.severity === 'error' ? 'Error: unsafe Istio upgrade step' : 'Warning: Istio upgrade step'}, ${f.where}: ${f.message} (fix: ${f.fix}).`;
}

/**
 * Loads one side's fleet. Config problems are printed as the loader formats them; for REF, the
 * temporary checkout's path is shown as `REF:path`, the way git names a file in a revision.
 */
function loadSide(load: () => Fleet, label: string, checkoutDir?: string): Fleet {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      const file = checkoutDir && resolve(p.file).startsWith(checkoutDir) ? `${label}:${relative(checkoutDir, resolve(p.file)).split(sep).join('/')}` : p.file;
      process.stderr.write(`${formatProblem({ ...p, file })}\n`);
    }
    process.stderr.write(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in the config of ${label}; nothing to compare.\n`);
    throw new Reported();
  }
}
