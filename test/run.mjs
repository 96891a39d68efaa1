// npm test: the groups of test/groups/ run by node's test runner, one process each, from bundles.
// Each group and everything it imports of ours is bundled by esbuild into one ES module
// (packages stay in node_modules), kept in node_modules/.cache/meshfleet/tests-<key>/ and built
// again only when a source or test file changes. A group then starts as a plain node process:
// under tsx, each one resolved and compiled some 200 TypeScript files on every run.
// Usage: node test/run.mjs [node --test options, e.g. --test-name-pattern=REGEX]
// One file alone, without bundling: node --import tsx --test test/FILE.test.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI_SOURCES, OUT, ROOT, sourceKey } from '../bin/bundle-path.cjs';
import { NODE_BUNDLE_OPTIONS, pruneBuilds } from '../bin/bundle.mjs';

const GROUPS = join(ROOT, 'test/groups');
/** What the bundles are made of: the CLI's sources, the tests and their helpers, and this file. */
const TEST_SOURCES = { dirs: [...CLI_SOURCES.dirs, 'test'], pattern: /\.(ts|mts|mjs|cjs|json)$/, files: [...CLI_SOURCES.files] };
/** Bundle folders kept: this run's and the one before (a run still going from it). */
const KEEP = 2;

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

/** The bundles of every group for the sources as they are now, built first when needed. */
export async function groupBundles() {
  const groups = readdirSync(GROUPS).filter((f) => f.endsWith('.ts')).sort();
  const dir = join(OUT, `tests-${sourceKey(TEST_SOURCES)}`);
  const bundles = groups.map((g) => join(dir, g.replace(/\.ts$/, '.mjs')));
  if (bundles.every((b) => existsSync(b))) return bundles;
  const { build } = await import('esbuild');
  const started = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    ...NODE_BUNDLE_OPTIONS,
    entryPoints: groups.map((g) => join(GROUPS, g)),
    outdir: tmp,
    packages: 'external',
    define: { 'import.meta.url': OWN_URL },
    plugins: [ownUrl],
    // Failures point at the TypeScript lines (node --enable-source-maps).
    sourcemap: 'linked',
  });
  mkdirSync(OUT, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another run built the same sources first: use its bundles.
    rmSync(tmp, { recursive: true, force: true });
    if (!bundles.every((b) => existsSync(b))) throw err;
  }
  pruneBuilds('tests-', dir, KEEP);
  process.stderr.write(`test: bundled ${groups.length} groups in ${Date.now() - started} ms\n`);
  return bundles;
}

/** Runs node's test runner on the group bundles, with `options` (node --test options). */
async function run(options) {
  // The spec reporter unless the options name one (node takes one reporter per destination).
  const reporter = options.some((o) => o.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
  const bundles = await groupBundles();
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=9', ...reporter, ...options, ...bundles], { stdio: 'inherit' });
  // A signal sent to this process alone (kill PID) reaches the runner too; Ctrl-C reaches both.
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('exit', (code, signal) => {
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
