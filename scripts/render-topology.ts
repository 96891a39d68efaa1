/**
 * npx tsx scripts/render-topology.ts [--out DIR] [--mmdc FILE] [--chromium FILE] [--fleet FILE]…
 * Renders the Mermaid topology of FLEET.md to PNG, to look at it as a reader would: for the
 * default fleet, every example and a synthetic 8-cluster fleet unless fleet files are given.
 * A manual check (see docs/review.md), not part of `npm test` or CI, and not an npm dependency:
 * mermaid-cli and a Chromium are installed outside the repository, e.g.
 *   mkdir -p /tmp/mmdc && cd /tmp/mmdc && npm i @mermaid-js/mermaid-cli   (PUPPETEER_SKIP_DOWNLOAD=1)
 *   apt-get install -y chromium
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { renderOverview } from '../clusters/overview.ts';
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import { loadFleet } from '../config/load.ts';
import { writeSyntheticFleet } from './bench/synthetic-fleet.ts';
import { parseCli, runMain } from './lib/cli.ts';

const USAGE = `Usage: npx tsx scripts/render-topology.ts [--out DIR] [--mmdc FILE] [--chromium FILE] [--fleet FILE]...

Renders the Mermaid topology diagram of each fleet's FLEET.md to DIR/<fleet>.png (and the
diagram's source to DIR/<fleet>.mmd) with mermaid-cli in headless Chromium. Without --fleet:
${DEFAULT_FLEET_FILE}, every config/examples/*.yaml and a synthetic 8-cluster fleet.

Options:
  -f, --fleet FILE     a fleet file to render (repeat for several)
  -o, --out DIR        where the PNGs go (default: /tmp/meshfleet-topology)
  -m, --mmdc FILE      mermaid-cli's mmdc (default: /tmp/mmdc/node_modules/.bin/mmdc)
  -c, --chromium FILE  the browser puppeteer starts (default: /usr/bin/chromium)
  -h, --help           show this help

Exit codes: 0 every diagram rendered, 1 a fleet or mmdc failed, 2 bad usage.`;

await runMain(() => {
  const args = parseCli(process.argv.slice(2), {
    out: { type: 'string', short: 'o' },
    mmdc: { type: 'string', short: 'm' },
    chromium: { type: 'string', short: 'c' },
    fleet: { type: 'string', short: 'f', multiple: true },
  }, USAGE);
  const out = resolve(args.out ?? '/tmp/meshfleet-topology');
  mkdirSync(out, { recursive: true });
  const puppeteer = join(out, 'puppeteer.json');
  // Chromium refuses to start as root without --no-sandbox; this is a local look, not a service.
  writeFileSync(puppeteer, JSON.stringify({ executablePath: args.chromium ?? '/usr/bin/chromium', args: ['--no-sandbox'] }));
  const fleets = args.fleet ?? defaultFleets();
  for (const file of fleets) {
    const base = basename(file).replace(/\.ya?ml$/, '');
    const name = file === DEFAULT_FLEET_FILE ? 'default' : base === 'fleet' ? basename(resolve(file, '..')) : base;
    const mermaid = mermaidOf(renderOverview(loadFleet(file)));
    const source = join(out, `${name}.mmd`);
    writeFileSync(source, mermaid);
    execFileSync(args.mmdc ?? '/tmp/mmdc/node_modules/.bin/mmdc', ['-i', source, '-o', join(out, `${name}.png`), '-p', puppeteer, '-b', 'white', '-s', '2'], { stdio: 'inherit' });
    process.stdout.write(`${join(out, `${name}.png`)}\n`);
  }
  return 0;
});

/** The first ```mermaid block of a Markdown text. */
function mermaidOf(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!match) throw new Error('FLEET.md has no mermaid block');
  return match[1]!;
}

function defaultFleets(): string[] {
  const examples = readdirSync('config/examples').filter((f) => f.endsWith('.yaml')).sort().map((f) => join('config/examples', f));
  const synthetic = writeSyntheticFleet(join(mkdtempSync(join(tmpdir(), 'meshfleet-topology-')), 'synthetic-8'), { clusters: 8, services: 4 });
  return [DEFAULT_FLEET_FILE, ...examples, synthetic];
}
