/**
 * npm run check -- [--config FILE] [--dist DIR] [--base REF]
 * Fleet-level analysis of the config and what it renders (see README and DESIGN.md § Fleet checks).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import type { Fleet } from '../config/model.ts';
import { ConfigError, type Problem } from '../config/problems.ts';
import type { SourceMemos } from '../config/source.ts';
import { configSummary, parseCli, printProblems, runMain } from './lib/cli.ts';
import { CHECKS, checkDistFresh, checkInput, countFindings, formatFinding, hasErrors, runChecksOn, type Finding } from './review/checks.ts';
import { ISTIO_STEPS } from './review/findings.ts';
import type { FleetAtRevision } from './review/git-ref.ts';

const USAGE = `Usage: npm run check -- [--config FILE] [--dist DIR] [--base REF]

Fleet-level analysis: renders the fleet in memory and checks what no single-cluster
tool can see. Each finding names the file or object and the fix.

Checks:
${CHECKS.map((c) => `  ${c.id.padEnd(20)}${c.title}`).join('\n')}
  ${'dist-fresh'.padEnd(20)}the rendered dist on disk is what synth renders now
  ${ISTIO_STEPS.padEnd(20)}with --base: the step from REF's config is a safe Istio upgrade step

Options:
  -c, --config FILE  fleet file (default: ${DEFAULT_FLEET_FILE})
  -d, --dist DIR     rendered dist to compare with a fresh render (default: dist, when
                     it exists and FILE is the default fleet; other fleets are not
                     compared unless --dist is given)
  -b, --base REF     also check the step from the fleet file as it is in the git
                     revision REF (e.g. origin/main) to this one: a tag may only move
                     to a revision REF already runs, a revision may only go once no
                     tag of REF points at it, and no revision changes minor release in
                     place (docs/istio-upgrade.md). With rollout waves, also that no
                     remote of the first wave (which a merge reaches at once) would send
                     pods to a revision its primary's wave (REMOTE/meshfleet/<wave>, REMOTE
                     taken from REF, else origin) does not run. Default: no step check.
  -h, --help         show this help

Output: config warnings (settings accepted but without effect) on stderr as
"FILE:LINE:COL path: warning: <message>"; then one line per finding,
"error|warning <where>: <message> (fix: <fix>)", and a summary line that counts both.

Exit codes: 0 no error (warnings allowed), 1 errors or invalid config, 2 bad usage
(or REF unknown, or its config invalid).`;

export const main = (): Promise<void> => runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    config: { type: 'string', short: 'c' },
    dist: { type: 'string', short: 'd' },
    base: { type: 'string', short: 'b' },
  }, USAGE);
  const config = args.config ?? DEFAULT_FLEET_FILE;
  const dist = args.dist ?? (resolve(config) === resolve(DEFAULT_FLEET_FILE) && existsSync('dist') ? 'dist' : undefined);
  if (args.dist !== undefined && !(existsSync(args.dist) && statSync(args.dist).isDirectory())) {
    process.stderr.write(`--dist ${args.dist}: no such directory\n`);
    return 2;
  }

  // The config loader, the renderer and git load once the options are read: `check --help` and a
  // usage error print without initializing them (zod's schemas, cdk8s-plus-27). The checks load
  // with this module, as the help lists them.
  const [{ renderFleet }, { loadFleet }, { loadFleetPrintingWarnings }, { listFiles }] = await Promise.all([
    import('../clusters/render.ts'), import('../config/load.ts'), import('./lib/load-config.ts'), import('./lib/write-tree.ts'),
  ]);
  const [{ firstCommit, fleetAt, GitRefError }, istioSteps] = await Promise.all([import('./review/git-ref.ts'), import('./review/istio-steps.ts')]);
  let fleet: Fleet;
  let configWarnings: readonly Problem[];
  // With --base, the parse memos of this load serve REF's files that are the same or nearly (fleetAt).
  const memos: SourceMemos | undefined = args.base !== undefined ? new Map() : undefined;
  try {
    ({ fleet, warnings: configWarnings } = loadFleetPrintingWarnings(config, { memos }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    printProblems([...err.problems, ...err.warnings]);
    process.stderr.write(`${configSummary(err)}; no check ran.\n`);
    return 1;
  }

  // The base revision is found before any work, so a ref that names nothing fails at once.
  let revision: FleetAtRevision | undefined;
  if (args.base !== undefined) {
    try {
      revision = fleetAt(config, args.base, 'check', memos);
    } catch (err) {
      if (!(err instanceof GitRefError)) throw err;
      process.stderr.write(`--base ${args.base}: ${err.message}\n`);
      return 2;
    }
  }

  // Flux paths are repository paths: dist inside the repository gives them, as in synth.
  const rel = dist ? relative(process.cwd(), resolve(dist)) : '';
  const distInRepo = rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : 'dist';
  const { files, documents } = renderFleet(fleet, { distInRepo, documents: true });
  const input = checkInput(fleet, files, { distInRepo, documents });
  const findings: Finding[] = runChecksOn(input);
  if (dist) {
    const onDisk = new Map([...listFiles(dist)].map(([path, abs]) => [path, readFileSync(abs, 'utf8')]));
    findings.push(...checkDistFresh(onDisk, files, dist.replace(/\/+$/, ''), fleet.file));
  }

  let stepChecked = false;
  if (args.base !== undefined && revision) {
    try {
      const base = await revision.use((file, _dir, baseMemos) => loadFleet(file, { memos: baseMemos }));
      if (base) findings.push(...istioSteps.istioStepFindings(base, fleet));
      stepChecked = base !== undefined;
      // A merge reaches the first wave at once; the later waves run what their branches hold.
      if (istioSteps.wavesSplitControlPlanes(fleet)) {
        const remote = args.base.includes('/') ? args.base.split('/')[0] : 'origin';
        const first = fleet.waves[0]!.name;
        const configOf = istioSteps.waveConfigs(fleet, (w) => (w.name === first ? 'head' : firstCommit([`${remote}/${w.ref}`, w.ref], process.cwd())), process.cwd(), 'this change');
        findings.push(...istioSteps.waveSkewFindings(fleet, configOf));
      }
    } catch (err) {
      if (err instanceof GitRefError) {
        process.stderr.write(`--base ${args.base}: ${err.message}\n`);
        return 2;
      }
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`--base ${args.base}: the fleet file there is invalid (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}; npm run diff -- --base ${args.base} lists them), so the step cannot be checked\n`);
      return 2;
    }
  }

  for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
  const objects = input.objects.length;
  const ran = `${CHECKS.length} checks${dist ? ` + ${dist} freshness` : ''}${stepChecked ? ` + the step from ${args.base}` : ''}`;
  process.stdout.write(`check: ${fleet.file}, ${fleet.clusters.length} clusters, ${objects} objects, ${ran}: ${countFindings(findings, configWarnings.length)}\n`);
  return hasErrors(findings) ? 1 : 0;
});
