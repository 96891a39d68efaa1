/** The benchmark's results as Markdown tables, the targets, and the machine they ran on. */
import { cpus, loadavg, totalmem } from 'node:os';
import type { ChildReport } from './usage.ts';

export type Measured = ChildReport & { readonly wallMs: number };

export interface SizeResult {
  readonly clusters: number;
  readonly services: number;
  readonly synth: Measured;
  readonly floor: Measured;
  /** Files written by a re-synth into the synth's own output, and its wall time. */
  readonly resynth: { readonly written: number; readonly wallMs: number };
}

/** A size whose synth did not finish within the time limit. */
export interface TimedOut {
  readonly clusters: number;
  readonly services: number;
  readonly timeoutMs: number;
}

export type SizeOutcome = SizeResult | TimedOut;

const finished = (r: SizeOutcome): r is SizeResult => 'synth' in r;

export interface CliResult {
  /** `node --import tsx scripts/synth.ts` of the default fleet into a fresh directory, tsx cache warm. */
  readonly coldMs: number;
  /** The same with TSX_DISABLE_CACHE=1 (every TypeScript file transformed again). */
  readonly coldNoCacheMs: number;
  /** `npm run synth` (npm, then tsx's CLI), when npm is on PATH. */
  readonly npmRunMs?: number;
  /** `node --import tsx -e 0`. */
  readonly nodeTsxMs: number;
  /** `node --import tsx --input-type=module -e "await import('cdk8s-plus-27')"`. */
  readonly plusImportMs: number;
  /** Re-synth with nothing changed: files written per its summary, files whose inode or mtime changed, wall time. */
  readonly resynthWritten: number;
  readonly resynthTouched: number;
  readonly resynthMs: number;
}

export interface Target {
  readonly name: string;
  readonly measured: string;
  readonly met: boolean;
}

const ms = (v: number) => `${Math.round(v)} ms`;
const mb = (v: number) => `${Math.round(v)} MB`;
const x = (v: number) => `${v.toFixed(2)}×`;
const us = (v: number) => `${Math.round(v)} µs`;
const fleetName = (r: SizeOutcome) => `${r.clusters} × ${r.services}`;
const timedOut = (r: TimedOut) => `> ${Math.round(r.timeoutMs / 1000)} s (stopped)`;

/** Synth work (in-process load + render + write) per object, µs. */
export const perObjectUs = (r: SizeResult): number => (r.synth.workMs * 1000) / r.synth.objects;

export function sizesTable(results: readonly SizeOutcome[]): string {
  const rows = [
    '| fleet | objects | files | synth wall | synth CPU | synth peak RSS | floor wall | floor peak RSS | **ratio (wall)** | ratio (work) | synth work per object | re-synth: files rewritten, wall |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (!finished(r)) {
      rows.push(`| ${fleetName(r)} | | | ${timedOut(r)} | | | | | | | | |`);
      continue;
    }
    const { synth: s, floor: f } = r;
    rows.push(`| ${fleetName(r)} | ${s.objects} | ${s.files} | ${ms(s.wallMs)} | ${ms(s.cpuMs)} | ${mb(s.maxRssMB)} | ${ms(f.wallMs)} | ${mb(f.maxRssMB)} | **${x(s.wallMs / f.wallMs)}** | ${x(s.workMs / f.workMs)} | ${us(perObjectUs(r))} | ${r.resynth.written}, ${ms(r.resynth.wallMs)} |`);
  }
  return rows.join('\n');
}

export function phasesTable(results: readonly SizeOutcome[]): string {
  const rows = [
    '| fleet | synth: start · import · load · render · write | floor: start · import · read · serialize + write |',
    '|---|---|---|',
  ];
  for (const r of results.filter(finished)) {
    const { synth: s, floor: f } = r;
    rows.push(`| ${fleetName(r)} | ${[s.startMs, s.importMs, s.phases.load!, s.phases.render!, s.phases.write!].map(ms).join(' · ')} | ${[f.startMs, f.importMs, f.phases.read!, f.phases.serialize!].map(ms).join(' · ')} |`);
  }
  return rows.join('\n');
}

export function cliTable(cli: CliResult): string {
  return [
    '| `synth` of the default fleet (2 clusters) | wall |',
    '|---|---:|',
    `| \`node --import tsx scripts/synth.ts\`, cold: fresh process and output directory (tsx's transform cache warm) | ${ms(cli.coldMs)} |`,
    `| the same with tsx's cache off (\`TSX_DISABLE_CACHE=1\`) | ${ms(cli.coldNoCacheMs)} |`,
    ...(cli.npmRunMs !== undefined ? [`| \`npm run synth\` (npm, then tsx's CLI, which starts a second node) | ${ms(cli.npmRunMs)} |`] : []),
    `| re-synth, nothing changed: ${cli.resynthWritten} files written, ${cli.resynthTouched} with a new inode or mtime | ${ms(cli.resynthMs)} |`,
    `| for reference: \`node --import tsx -e 0\` | ${ms(cli.nodeTsxMs)} |`,
    `| for reference: \`node --import tsx\`, \`await import('cdk8s-plus-27')\` | ${ms(cli.plusImportMs)} |`,
  ].join('\n');
}

export function targets(results: readonly SizeOutcome[], cli: CliResult | undefined): Target[] {
  const out: Target[] = [];
  const big = results.find((r) => r.clusters === 100 && r.services === 20);
  if (big && !finished(big)) {
    out.push({ name: '100 × 20 synthesizes in at most 1.5× the floor (wall)', measured: timedOut(big), met: false });
    out.push({ name: '100 × 20 peak RSS under 400 MB', measured: 'not measured (stopped)', met: false });
  } else if (big) {
    const ratio = big.synth.wallMs / big.floor.wallMs;
    out.push({ name: '100 × 20 synthesizes in at most 1.5× the floor (wall)', measured: `${x(ratio)} (${ms(big.synth.wallMs)} / ${ms(big.floor.wallMs)})`, met: ratio <= 1.5 });
    out.push({ name: '100 × 20 peak RSS under 400 MB', measured: mb(big.synth.maxRssMB), met: big.synth.maxRssMB < 400 });
  }
  if (cli) {
    out.push({ name: 'default fleet `synth`, cold, process start included, under 1.2 s', measured: `${ms(cli.coldMs)} (tsx cache off: ${ms(cli.coldNoCacheMs)}${cli.npmRunMs !== undefined ? `; via \`npm run\`: ${ms(cli.npmRunMs)}` : ''})`, met: cli.coldMs < 1200 });
  }
  const done = results.filter(finished);
  const rewritten = done.reduce((n, r) => n + r.resynth.written, 0) + (cli ? cli.resynthWritten + cli.resynthTouched : 0);
  out.push({ name: 're-synth with nothing changed rewrites no file', measured: `${rewritten} files rewritten`, met: rewritten === 0 });
  if (done.length > 1) {
    const per = done.map(perObjectUs);
    const spread = Math.max(...per) / Math.min(...per);
    // Between consecutive sizes: what each added object cost, fixed per-process costs left out.
    const marginal = done.slice(1).map((r, i) => ((r.synth.workMs - done[i]!.synth.workMs) * 1000) / (r.synth.objects - done[i]!.synth.objects));
    out.push({
      name: `time per object flat within 20% from ${done[0]!.clusters} to ${done.at(-1)!.clusters} clusters (synth work per object)`,
      measured: `${per.map(us).join(' / ')} (max / min ${x(spread)}); per added object between sizes: ${marginal.map(us).join(' / ')}`,
      met: spread <= 1.2 && done.length === results.length,
    });
  }
  return out;
}

export function targetsTable(list: readonly Target[]): string {
  return ['| target | measured | met |', '|---|---|---|', ...list.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`)].join('\n');
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
