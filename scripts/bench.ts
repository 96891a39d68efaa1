/**
 * npm run bench -- [--sizes LIST] [--runs N] [--no-overview] [--no-cli] [--timeout S] [--work-dir DIR] [--no-write] [--report FILE]
 * Synth at fleet scale against the serialization floor (DESIGN.md § Performance). For each size,
 * a synthetic fleet (scripts/bench/synthetic-fleet.ts) is synthesized in fresh processes, and the
 * same objects are written again by a process that only serializes them with `yaml` (the floor).
 * The children start without NODE_EXTRA_CA_CERTS, as the `meshfleet` bin starts synth. Then the
 * default fleet's `synth` CLI run as a program, cold and re-run, against a `node -e 0` started the
 * same way (where NODE_EXTRA_CA_CERTS is set, also both as node starts with it). Prints the tables
 * and writes them, with the machine and the targets, into docs/benchmarks.md.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { bundleChildren, type Children } from './bench/children.ts';
import { floorInput } from './bench/floor.ts';
import { AS_THE_BIN_STARTS_SYNTH, limits, median, medianReport, ROOT, run, runChild, runNode, TimeoutError } from './bench/measure.ts';
import { cliTable, loadAverage, machine, phasesTable, sizesTable, targets, targetsTable, type CliResult, type EditResult, type Measured, type SizeOutcome } from './bench/report.ts';
import { parseSize, sizeLabel, writeSyntheticFleet, type SyntheticFleetSize } from './bench/synthetic-fleet.ts';
import { parseCli, runMain } from './lib/cli.ts';
import { listFiles } from './lib/write-tree.ts';

const DEFAULT_SIZES = '2x8,20x20,100x20,500x20';
const DEFAULT_REPORT = 'docs/benchmarks.md';

const USAGE = `Usage: npm run bench -- [--sizes LIST] [--runs N] [--no-overview] [--no-cli] [--timeout S] [--work-dir DIR] [--no-write] [--report FILE]

Measures synth against the serialization floor on synthetic fleets, each run in a fresh
process (bundled and started from V8's code cache, as the meshfleet command is): wall time,
CPU time, peak RSS, objects and files; and the floor, a process that writes the same
objects into the same files with \`yaml\` alone. For each fleet of more than one cluster,
a one-cluster edit re-synthesized from the synth cache. Then \`synth\` of the default
fleet, run as a program, cold and re-run with nothing changed, against \`node -e 0\` started
as the bin starts synth: without NODE_EXTRA_CA_CERTS, which node 20 reads at every start (where
it is set, also \`node -e 0\` and \`node bin/meshfleet.mjs synth\` with it). Prints medians
and writes them, with the machine and the targets, into the report.

Options:
  --sizes LIST     CLUSTERSxSERVICES, comma-separated (default: ${DEFAULT_SIZES})
  --runs N         runs per measurement, medians reported (default: 3; the cold synth
                   and \`node -e 0\` run at least 11 times each)
  --no-overview    leave FLEET.md out of synth and floor alike: the cluster folders only
  --no-cli         skip the default fleet's synth CLI measurements
  --timeout S      stop a process after S seconds; its size is reported as stopped (default: 300)
  --work-dir DIR   where fleets and outputs are written (default: /dev/shm when there is one,
                   so that disk time, the same for synth and floor, neither hides nor adds
                   noise to the difference; else the system's temporary directory)
  --no-write       print only; leave the report file alone
  --report FILE    report to update (default: ${DEFAULT_REPORT}); only its section for
                   this mode (with or without FLEET.md) is replaced
  -h, --help       show this help

Run it on an otherwise idle machine: the load average is printed before and after.
Exit codes: 0 measured (whether or not the targets are met), 1 error, 2 bad usage.`;


export const main = (): Promise<void> => runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    sizes: { type: 'string' },
    runs: { type: 'string' },
    'no-overview': { type: 'boolean' },
    'no-cli': { type: 'boolean' },
    timeout: { type: 'string' },
    'work-dir': { type: 'string' },
    'no-write': { type: 'boolean' },
    report: { type: 'string' },
  }, USAGE);
  const sizes = (args.sizes ?? DEFAULT_SIZES).split(',').map(parseSize);
  const runs = Number(args.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number >= 1 (got ${args.runs})`);
  const timeout = Number(args.timeout ?? 300);
  if (!(timeout > 0)) throw new Error(`--timeout: a number of seconds > 0 (got ${args.timeout})`);
  limits.timeoutMs = timeout * 1000;
  const overview = !args['no-overview'];
  const mode = overview ? 'synth as the CLI runs it, FLEET.md included' : 'cluster folders only (`--no-overview`: no FLEET.md, in synth and floor alike)';

  const workDir = resolve(args['work-dir'] ?? defaultWorkDir());

  const loadBefore = loadAverage();
  console.log(`machine: ${machine()}`);
  console.log(`load average before: ${loadBefore}; ${runs} run${runs === 1 ? '' : 's'} per measurement, medians; ${mode}; written below ${workDir}`);
  mkdirSync(workDir, { recursive: true });
  const work = mkdtempSync(join(workDir, 'meshfleet-bench-'));
  const cleanups: (() => void)[] = [];
  try {
    // Inside the project, as the meshfleet bundle is: the children find the project root from there.
    const childrenDir = join(ROOT, 'node_modules', '.cache', 'meshfleet', `bench-children-${process.pid}`);
    cleanups.push(() => rmSync(childrenDir, { recursive: true, force: true }));
    const children = await bundleChildren(childrenDir);
    const results = sizes.map((size) => measureSize(join(work, sizeLabel(size)), size, runs, overview, children));
    const cli = args['no-cli'] ? undefined : measureCli(join(work, 'cli'), runs);
    const report = [
      `Machine: ${machine()}. Load average (1, 5, 15 min) before / after: ${loadBefore} / ${loadAverage()}.`,
      `${runs} run${runs === 1 ? '' : 's'} per measurement${cli ? ` (the cold synth and \`node -e 0\`: ${Math.max(runs, COLD_RUNS)} each)` : ''}, medians. Fleets: ${mode}. Files written below ${workDir}.`,
      '',
      sizesTable(results),
      '',
      'Where the time goes (medians, in-process; *start* is node and the bundle\'s loading before the first line runs):',
      '',
      phasesTable(results),
      ...(cli ? ['', cliTable(cli)] : []),
      '',
      targetsTable(targets(results, cli)),
    ].join('\n');
    console.log(`\n${report}\n`);
    if (!args['no-write']) {
      const file = resolve(ROOT, args.report ?? DEFAULT_REPORT);
      const command = `npm run bench -- --sizes ${sizes.map(sizeLabel).join(',')} --runs ${runs}${overview ? '' : ' --no-overview'}${args['no-cli'] ? ' --no-cli' : ''}`;
      writeReport(file, overview ? 'with-overview' : 'no-overview', `Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\`.\n\n${report}`);
      console.log(`wrote ${file}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const cleanup of cleanups) cleanup();
  }
});

/** /dev/shm (memory) when writable, else the system's temporary directory. */
function defaultWorkDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * Synth, floor and (for a fleet of more than one cluster) a one-cluster edit, `runs` times each,
 * interleaved, so that the machine's slow and fast phases fall on all three alike and their ratios
 * hold; then one re-synth into the last output.
 */
function measureSize(dir: string, size: SyntheticFleetSize, runs: number, overview: boolean, children: Children): SizeOutcome {
  const config = writeSyntheticFleet(join(dir, 'config'), size);
  const flags = overview ? [] : ['--no-overview'];
  const floorFile = join(dir, 'floor-input.json');
  const synths: Measured[] = [];
  const floors: Measured[] = [];
  let out = '';
  try {
    const edits = size.clusters > 1 ? new OneClusterEdits(dir, config, flags, children) : undefined;
    for (let i = 0; i < runs; i++) {
      if (out) rmSync(out, { recursive: true, force: true });
      out = join(dir, `synth-${i}`);
      synths.push(runChild(children.synth, [config, out, ...flags]));
      if (i === 0) {
        // The floor's input: the objects synth just wrote, read back from its files.
        const input = floorInput(out);
        if (input.objects !== synths[0]!.objects || input.files.length !== synths[0]!.files) {
          throw new Error(`floor input has ${input.objects} objects in ${input.files.length} files, synth wrote ${synths[0]!.objects} in ${synths[0]!.files}`);
        }
        writeFileSync(floorFile, JSON.stringify(input));
      }
      const floorOut = join(dir, `floor-${i}`);
      floors.push(runChild(children.floor, [floorFile, floorOut]));
      rmSync(floorOut, { recursive: true, force: true });
      edits?.next();
    }
    const again = runChild(children.synth, [config, out, ...flags]);
    const synth = medianReport(synths);
    const floor = medianReport(floors);
    const edit = edits?.result();
    console.log(`${sizeLabel(size)}: ${synth.objects} objects, synth ${Math.round(synth.wallMs)} ms, floor ${Math.round(floor.wallMs)} ms (${(synth.wallMs / floor.wallMs).toFixed(2)}×)${edit ? `, one-cluster edit ${Math.round(edit.wallMs)} ms` : ''}`);
    return { clusters: size.clusters, services: size.services, synth, floor, resynth: { written: again.written, wallMs: again.wallMs }, edit };
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    console.log(`${sizeLabel(size)}: ${err.message}; stopped`);
    return { clusters: size.clusters, services: size.services, timeoutMs: err.limitMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The edits' own fleet file, beside the one the full synths read (its app files are found from there). */
const EDITED_FLEET_FILE = 'fleet-edited.yaml';

/**
 * Incremental synths after a one-cluster edit, in a copy of the fleet file beside it (so the full
 * synths keep theirs): a first synth fills the render cache, then each `next()` changes one
 * placement's replicas (3, 4, 3, …) in the middle cluster, the most common edit, and synthesizes
 * again, rendering only what that edit touches. `result()`: the wall time median, the clusters
 * rendered, and whether every written file is that cluster's (or FLEET.md).
 */
class OneClusterEdits {
  private readonly config: string;
  private readonly args: readonly string[];
  private readonly doc: ReturnType<typeof parseDocument>;
  private readonly cluster: string;
  private readonly placement: readonly string[];
  private readonly edits: Measured[] = [];

  constructor(dir: string, fleetFile: string, flags: readonly string[], private readonly children: Children) {
    this.config = join(dirname(fleetFile), EDITED_FLEET_FILE);
    const text = readFileSync(fleetFile, 'utf8');
    writeFileSync(this.config, text);
    this.args = [this.config, join(dir, 'incremental'), ...flags, '--incremental', join(dir, 'cache')];
    this.doc = parseDocument(text);
    const clusters = (this.doc.getIn(['clusters']) as { items: { get(key: string): unknown }[] }).items.map((c) => String(c.get('name')));
    this.cluster = clusters[clusters.length >> 1]!;
    const placement = ['apps', 'shop', 'placement', this.cluster];
    const workload = String((this.doc.getIn(placement) as { items: { key: { value: unknown } }[] }).items[0]!.key.value);
    this.placement = [...placement, workload];
    runChild(children.synth, this.args);
  }

  next(): void {
    this.doc.setIn(this.placement, { replicas: 3 + (this.edits.length % 2) });
    writeFileSync(this.config, this.doc.toString());
    this.edits.push(runChild(this.children.synth, this.args));
  }

  result(): EditResult {
    const { edits, cluster } = this;
    const paths = edits.flatMap((e) => e.writtenPaths ?? []);
    return {
      cluster,
      wallMs: median(edits.map((e) => e.wallMs)),
      rendered: median(edits.map((e) => e.rendered ?? 0)),
      written: median(edits.map((e) => e.written)),
      onlyThatCluster: paths.length > 0 && paths.every((p) => p === 'FLEET.md' || p.startsWith(`clusters/${cluster}/`)),
    };
  }
}

/** Runs of the cold synth and of `node -e 0` at least (`--runs` for the rest). */
const COLD_RUNS = 11;

/** The default fleet through the real CLI: the `meshfleet` bin (prebuilt bundle), via npm, through tsx, re-synth. */
function measureCli(dir: string, runs: number): CliResult {
  mkdirSync(dir, { recursive: true });
  // Run as a program, as npx, `npm link` and `npm run` run it: its shell line starts the `node`
  // on PATH, which is this one's.
  const bin = join(ROOT, 'bin/meshfleet.mjs');
  const asProgram = { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const synth = (out: string, quiet = true) => ['synth', '--config', 'config/fleet.yaml', ...(quiet ? ['--quiet'] : []), '--out', out];
  run(process.execPath, [join(ROOT, 'bin/bundle.mjs')]); // the bundle exists, as after `npm ci`
  run(bin, synth(join(dir, 'first-run')), asProgram); // and synth ran once, which stores its code cache
  const cold: number[] = [];
  const npm: number[] = [];
  const tsx: number[] = [];
  const bare: number[] = [];
  const hasNpm = (() => {
    try {
      run('npm', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  // Node 20 reads and parses NODE_EXTRA_CA_CERTS at every start, before any code runs (about
  // 85 ms on the 2-core machine, whose environment sets it), and the bin starts synth without it.
  // The cold synth is compared with a `node -e 0` started the same way; where the variable is
  // set, `node -e 0` with it and `node bin/meshfleet.mjs synth` (node reads it, then runs the
  // bin) are measured too, so that the report shows what it costs.
  const withCa = process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.NODE_EXTRA_CA_CERTS !== '';
  const bareWithCa: number[] = [];
  const coldWithCa: number[] = [];
  let out = '';
  // The cold synth and `node -e 0` take a few hundred ms each, and this machine's speed drifts
  // over seconds: at least COLD_RUNS pairs, side by side, give a steadier median and ratio.
  for (let i = 0; i < Math.max(runs, COLD_RUNS); i++) {
    out = join(dir, `cold-${i}`);
    cold.push(run(bin, synth(out), asProgram).wallMs);
    bare.push(run(process.execPath, ['-e', '0'], AS_THE_BIN_STARTS_SYNTH).wallMs);
    if (withCa) {
      coldWithCa.push(run(process.execPath, [bin, ...synth(join(dir, `cold-node-${i}`))]).wallMs);
      bareWithCa.push(run(process.execPath, ['-e', '0']).wallMs);
    }
    if (i >= runs) continue;
    if (hasNpm) npm.push(run('npm', ['run', '--silent', 'synth', '--', '--quiet', '--out', join(dir, `npm-${i}`)]).wallMs);
    tsx.push(runNode(['scripts/cli.ts', 'synth', '--config', 'config/fleet.yaml', '--quiet', '--out', join(dir, `tsx-${i}`)]).wallMs);
  }
  const snapshot = () => new Map([...listFiles(out)].map(([rel, abs]) => [rel, `${statSync(abs).ino}:${statSync(abs).mtimeMs}:${readFileSync(abs, 'utf8')}`]));
  const before = snapshot();
  const again = run(bin, synth(out, false), asProgram);
  const written = /(\d+) written/.exec(again.stdout);
  if (!written) throw new Error(`no summary in synth's output:\n${again.stdout}`);
  const after = snapshot();
  const touched = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).length;
  return {
    coldMs: median(cold),
    nodeMs: median(bare),
    ...(withCa ? { withExtraCaCerts: { coldMs: median(coldWithCa), nodeMs: median(bareWithCa) } } : {}),
    npmRunMs: hasNpm ? median(npm) : undefined,
    tsxMs: median(tsx),
    resynthWritten: Number(written[1]),
    resynthTouched: touched,
    resynthMs: again.wallMs,
  };
}

/**
 * Replaces this mode's generated section of the report (between its bench markers), keeping
 * everything else; a missing section is appended.
 */
function writeReport(file: string, mode: string, generated: string): void {
  const begin = `<!-- bench:begin ${mode} (generated by \`npm run bench\`; replaced up to bench:end) -->`;
  const end = `<!-- bench:end ${mode} -->`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const section = `${begin}\n${generated}\n${end}`;
  if (from >= 0 && to > from) text = `${text.slice(0, from)}${section}${text.slice(to + end.length)}`;
  else text = `${text.trimEnd()}\n\n${section}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
