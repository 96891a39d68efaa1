/**
 * npm run check -- [--config FILE] [--dist DIR]
 * Fleet-level analysis of the config and what it renders (see README and DESIGN.md § Fleet checks).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { renderFleet } from '../clusters/render.ts';
import { DEFAULT_FLEET_FILE } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { ConfigError, type Problem } from '../config/problems.ts';
import { configSummary, parseCli, printProblems, runMain } from './lib/cli.ts';
import { loadFleetPrintingWarnings } from './lib/load-config.ts';
import { listFiles } from './lib/write-tree.ts';
import { CHECKS, checkDistFresh, countFindings, formatFinding, hasErrors, runChecks, type Finding } from './review/checks.ts';
import { parseRendered } from './review/objects.ts';

const USAGE = `Usage: npm run check -- [--config FILE] [--dist DIR]

Fleet-level analysis: renders the fleet in memory and checks what no single-cluster
tool can see. Each finding names the file or object and the fix.

Checks:
${CHECKS.map((c) => `  ${c.id.padEnd(20)}${c.title}`).join('\n')}
  ${'dist-fresh'.padEnd(20)}the rendered dist on disk is what synth renders now

Options:
  -c, --config FILE  fleet file (default: ${DEFAULT_FLEET_FILE})
  -d, --dist DIR     rendered dist to compare with a fresh render (default: dist, when
                     it exists and FILE is the default fleet; other fleets are not
                     compared unless --dist is given)
  -h, --help         show this help

Output: config warnings (settings accepted but without effect) on stderr as
"FILE:LINE:COL path: warning: <message>"; then one line per finding,
"error|warning <where>: <message> (fix: <fix>)", and a summary line that counts both.

Exit codes: 0 no error (warnings allowed), 1 errors or invalid config, 2 bad usage.`;

await runMain(() => {
  const args = parseCli(process.argv.slice(2), {
    config: { type: 'string', short: 'c' },
    dist: { type: 'string', short: 'd' },
  }, USAGE);
  const config = args.config ?? DEFAULT_FLEET_FILE;
  const dist = args.dist ?? (resolve(config) === resolve(DEFAULT_FLEET_FILE) && existsSync('dist') ? 'dist' : undefined);
  if (args.dist !== undefined && !(existsSync(args.dist) && statSync(args.dist).isDirectory())) {
    process.stderr.write(`--dist ${args.dist}: no such directory\n`);
    return 2;
  }

  let fleet: Fleet;
  let configWarnings: readonly Problem[];
  try {
    ({ fleet, warnings: configWarnings } = loadFleetPrintingWarnings(config));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    printProblems([...err.problems, ...err.warnings]);
    process.stderr.write(`${configSummary(err)}; no check ran.\n`);
    return 1;
  }

  // Flux paths are repository paths: dist inside the repository gives them, as in synth.
  const rel = dist ? relative(process.cwd(), resolve(dist)) : '';
  const distInRepo = rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : 'dist';
  const files = renderFleet(fleet, { distInRepo }).files;
  const findings: Finding[] = runChecks(fleet, files, { distInRepo });
  if (dist) {
    const onDisk = new Map([...listFiles(dist)].map(([path, abs]) => [path, readFileSync(abs, 'utf8')]));
    findings.push(...checkDistFresh(onDisk, files, dist.replace(/\/+$/, ''), fleet.file));
  }

  for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
  const objects = parseRendered(files).length;
  const ran = `${CHECKS.length} checks${dist ? ` + ${dist} freshness` : ''}`;
  process.stdout.write(`check: ${fleet.file}, ${fleet.clusters.length} clusters, ${objects} objects, ${ran}: ${countFindings(findings, configWarnings.length)}\n`);
  return hasErrors(findings) ? 1 : 0;
});
