// npm test: the groups of test/groups/ run by node's test runner from bundles, packed into one
// process per core (at least two). The groups of a pack and everything they import of ours are
// bundled by esbuild into one ES module (packages stay in node_modules), kept in
// node_modules/.cache/meshfleet/tests-<key>-<packs>/ and built again only when a source or test
// file changes. A pack then starts as a plain node process: under tsx, each one resolved and
// compiled some 200 TypeScript files on every run. Fewer, larger processes also compile and
// optimize the render code fewer times: on two cores, two packs ran the suite in 52–56 s and
// 98–104 CPU-s where six processes took 58–59 s and 109–111 (interleaved runs).
// Usage: node test/run.mjs [node --test options, e.g. --test-name-pattern=REGEX]
//        MESHFLEET_TEST_PROCESSES=N node test/run.mjs   (N processes instead of one per core)
// One file alone, without bundling: node --import tsx --test test/FILE.test.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI_SOURCES, OUT, ROOT, sourceKey } from '../bin/bundle-path.cjs';
import { ensureBundle, NODE_BUNDLE_OPTIONS, publishBuild } from '../bin/bundle.mjs';

const GROUPS = join(ROOT, 'test/groups');
/** What the bundles are made of: the CLI's sources, and the tests with their helpers (this file among them). */
const TEST_SOURCES = { dirs: [...CLI_SOURCES.dirs, 'test'], pattern: /\.(ts|mts|mjs|cjs|json)$/, files: CLI_SOURCES.files };
/** Bundle folders kept: this run's and the one before (a run still going from it). */
const KEEP = 2;

/**
 * Each group's weight in the packing, so that the two processes of the 2-core machine end
 * together. The figures began as the CPU seconds of each group's own process; the child
 * processes a group starts run beside it, on the other core, and count for less. Session 6: with
 * render+rollout+cli against provision+review+config (render 30, config 14), the first ended
 * 3.7 s after the second; with config's parse-memo tests moved from render, render+config+cli
 * against provision+review+rollout ended 0.3 s apart (2.8 s on a slower run). Weighed by the
 * groups' CPU alone, children included (render 29, config 20, cli 19, provision 18, rollout 17,
 * review 14), the suite ran 50–51 s where those ran 45–50 s. Session 9, measured by the end time
 * of each process: provision+review+rollout ended 1.2–2.8 s after render+config+cli in five runs;
 * with review at 8 and cli at 18 the packs are render+config+review against
 * provision+cli+rollout, which ended 0.4–1.7 s apart, and the later one 0.5–4.9 s sooner (three
 * interleaved rounds: 42.2 s against 44.7 on average). A new group needs a figure here
 * (test/groups.test.ts).
 */
export const GROUP_WEIGHTS = { render: 27, provision: 19, cli: 18, config: 17, rollout: 15, review: 8 };

/**
 * `groups` (file names in test/groups/) packed into `count` lists of about equal weight: the
 * heaviest first, each into the lightest pack so far.
 */
export function packGroups(groups, count) {
  const weight = (g) => GROUP_WEIGHTS[g.replace(/\.ts$/, '')] ?? 10;
  const packs = Array.from({ length: Math.min(count, groups.length) }, () => ({ groups: [], weight: 0 }));
  for (const group of [...groups].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1))) {
    const lightest = packs.reduce((min, p) => (p.weight < min.weight ? p : min));
    lightest.groups.push(group);
    lightest.weight += weight(group);
  }
  return packs.map((p) => p.groups);
}

/**
 * Processes to run the groups in: MESHFLEET_TEST_PROCESSES when set, else one per core and at
 * least two (a process spends part of its time waiting on its child processes).
 */
function packCount() {
  const asked = process.env.MESHFLEET_TEST_PROCESSES;
  if (asked === undefined) return Math.max(2, availableParallelism());
  if (!/^[1-9][0-9]?$/.test(asked)) throw new Error(`MESHFLEET_TEST_PROCESSES must be a number of processes from 1 to 99 (got ${JSON.stringify(asked)})`);
  return Number(asked);
}

/** A pack's entry: a module that imports its groups (esbuild plugin, namespace `pack`). */
const PACK_PREFIX = 'meshfleet-pack:';
const packEntries = {
  name: 'pack-entries',
  setup(build) {
    build.onResolve({ filter: /^meshfleet-pack:/ }, (args) => ({ path: args.path.slice(PACK_PREFIX.length), namespace: 'pack' }));
    build.onLoad({ filter: /.*/, namespace: 'pack' }, (args) => ({
      contents: args.path.split('+').map((g) => `import './${g}.ts';`).join('\n'),
      resolveDir: GROUPS,
      loader: 'ts',
    }));
  },
};

/**
 * Each module keeps its own `import.meta.url`: a bundle is one file elsewhere, and the tests and
 * sources find their fixtures and the project next to themselves. The URL becomes a constant of
 * the module that esbuild's `define` points `import.meta.url` at (code only, not strings).
 */
const OWN_URL = '__meshfleetOwnUrl';
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    // Our CommonJS files (bin/*.cjs) read __dirname: loaded from where they are, not bundled.
    build.onResolve({ filter: /\.cjs$/ }, (args) => (args.resolveDir.includes('/node_modules/') ? undefined : { path: join(args.resolveDir, args.path), external: true }));
    build.onLoad({ filter: /\.(ts|mts|mjs)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return {
        contents: `const ${OWN_URL} = ${JSON.stringify(pathToFileURL(args.path).href)};\n${text}`,
        loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js',
      };
    });
  },
};

/**
 * The bundles of the groups, `count` packs of them (default: one per core, at least two), for the
 * sources as they are now, built first when needed. A bundle is named after its groups
 * (`render+cli.mjs`).
 */
export async function groupBundles(count = packCount()) {
  const groups = readdirSync(GROUPS).filter((f) => f.endsWith('.ts')).sort();
  const packs = packGroups(groups, count).map((pack) => pack.map((g) => g.replace(/\.ts$/, '')).join('+'));
  const dir = join(OUT, `tests-${sourceKey(TEST_SOURCES)}-${packs.length}`);
  const bundles = packs.map((p) => join(dir, `${p}.mjs`));
  if (bundles.every((b) => existsSync(b))) return bundles;
  const { build } = await import('esbuild');
  const started = Date.now();
  await publishBuild({
    dir,
    prefix: 'tests-',
    keep: KEEP,
    ready: () => bundles.every((b) => existsSync(b)),
    build: (tmp) => build({
      ...NODE_BUNDLE_OPTIONS,
      entryPoints: Object.fromEntries(packs.map((p) => [p, `${PACK_PREFIX}${p}`])),
      outdir: tmp,
      packages: 'external',
      define: { 'import.meta.url': OWN_URL },
      plugins: [packEntries, ownUrl],
      // Failures point at the TypeScript lines (node --enable-source-maps). The maps leave the
      // sources out: node needs only the mappings, and each process keeps the maps it loaded.
      sourcemap: 'linked',
      sourcesContent: false,
    }),
  });
  process.stderr.write(`test: bundled ${groups.length} groups into ${packs.length} processes in ${Date.now() - started} ms\n`);
  return bundles;
}

const TMPFS_MAGIC = 0x01021994;

/** Whether `folder` is on a tmpfs (false when it does not exist: macOS has no /dev/shm). */
export function isTmpfs(folder) {
  try {
    return statfsSync(folder).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/**
 * Where the tests' temporary folders go: `TMPDIR` for the test processes and every process they
 * start. An explicit TMPDIR is kept (returns undefined); else a fresh folder in `shm` when that is
 * a writable tmpfs (Linux's /dev/shm), else undefined (the system's temp folder). The tests create
 * and delete many files. On ext4 without a journal, as on the 2-core machine, a new file skips
 * every inode of its group freed in the last minute or more, one inode-table lookup each: after a
 * test run, creating a file in /tmp took 0.3–1.7 ms of CPU, and 0.025 ms in /dev/shm (`synth
 * write` tests: 11–15 CPU-s in /tmp, 7.7 in /dev/shm).
 */
export function scratchTmpdir(env = process.env, shm = '/dev/shm') {
  if (env.TMPDIR || !isTmpfs(shm)) return undefined;
  try {
    return mkdtempSync(join(shm, 'meshfleet-test-'));
  } catch {
    return undefined; // not writable
  }
}

/**
 * The environment of the test processes and of every process they start: `env` with TMPDIR set to
 * `tmpdir` when given, and without NODE_EXTRA_CA_CERTS. Node 20 reads and parses that bundle at
 * every start, before any code runs: `node -e 0` took 90–130 ms CPU with it set to the system's
 * bundle (as on the 2-core machine) and 40 ms without, and the tests start some ninety node
 * processes. No test talks TLS to anything but the local fakes, which need no public CA.
 */
export function testEnv(env, tmpdir) {
  const { NODE_EXTRA_CA_CERTS, ...rest } = env;
  return tmpdir ? { ...rest, TMPDIR: tmpdir } : rest;
}

/** Runs node's test runner on the group bundles, with `options` (node --test options). */
async function run(options) {
  // The spec reporter unless the options name one (node takes one reporter per destination).
  const reporter = options.some((o) => o.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
  // The CLI's bundle too (what `npm ci` builds, and the bin after any source change): else the
  // first tests to start the CLI after an edit each build it, at once. The first run after an
  // edit took 56.4 s that way, 46.1 s with the bundle built first.
  const [bundles] = await Promise.all([groupBundles(), ensureBundle()]);
  const tmpdir = scratchTmpdir();
  const env = testEnv(process.env, tmpdir);
  // node --test passes its node and V8 options on to the test processes. Semi-spaces of up to
  // 64 MB (V8's default stops at 16) scavenge less often in processes that render and parse all
  // along: in interleaved runs of the suite, 32 MB took 4.4 CPU-s less than the default (mean of
  // three pairs), and 64 MB 3 CPU-s less than 32 (two rounds), about 91 CPU-s in a slow phase.
  // One V8 worker thread instead of four: two test processes and their children already keep
  // the cores busy; 45.3 s against 47.1 (means of six interleaved runs each, 41–50 s), 1.6 s less
  // system CPU.
  const child = spawn(process.execPath, ['--v8-pool-size=1', '--max-semi-space-size=64', '--enable-source-maps', '--test', `--test-concurrency=${bundles.length}`, ...reporter, ...options, ...bundles], { stdio: 'inherit', env });
  // A signal sent to this process alone (kill PID) reaches the runner too; Ctrl-C reaches both.
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    // The test processes remove their own folders; this takes what a killed one left.
    if (tmpdir) rmSync(tmpdir, { recursive: true, force: true });
    if (signal) {
      // Ended by the signal: so does this process, with the signal's exit status.
      for (const s of ['SIGINT', 'SIGTERM']) process.off(s, forward);
      process.kill(process.pid, signal);
    } else {
      process.exitCode = code ?? 1;
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run(process.argv.slice(2));
