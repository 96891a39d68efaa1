// The meshfleet CLI bundle: scripts/cli.ts and what it imports, bundled by esbuild into one
// CommonJS script in node_modules/.cache/meshfleet/ (never committed). Built by `npm ci` (the
// `prepare` script) and rebuilt by bin/meshfleet.mjs whenever a source file is newer
// (bin/bundle-path.cjs): the TypeScript sources stay the truth, and every command starts
// without compiling them. One script,
// not ES modules, because only a script can start from V8's code cache on Node 20
// (bin/run-bundle.cjs).
// Usage: node bin/bundle.mjs [--force]   (prints the bundle's entry file)
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentBundle, OUT, ROOT } from './bundle-path.cjs';

/** Packages that read files next to their own code at run time (protos, esbuild's binary): loaded from node_modules. */
const EXTERNAL = ['@google-cloud/container', '@grpc/grpc-js', '@grpc/proto-loader', 'google-gax', 'esbuild'];
const KEEP = 3;

/** An ES module bundle for node, for code that is not the CLI (a test's worker process). */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  logLevel: 'error',
  // Bundled CommonJS packages call require() for node's own modules.
  banner: { js: "import { createRequire as __meshfleetRequire } from 'node:module'; const require = __meshfleetRequire(import.meta.url);" },
};

/**
 * The CLI and the benchmark's children: one CommonJS script each, which bin/run-bundle.cjs runs
 * through V8's code cache.
 */
export const CLI_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  // Every start reads the whole script: without comments and indentation it is a third smaller,
  // and in ASCII (escapes for the rest) it reads as one-byte text, not decoded UTF-8
  // (bin/run-bundle.cjs). Names stay, so stack traces still name their functions.
  minifyWhitespace: true,
  charset: 'ascii',
  // The sources are ES modules; in a script, import.meta.url is the bundle file's own URL.
  define: { 'import.meta.url': '__meshfleetImportMetaUrl' },
  banner: { js: "const __meshfleetImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** The entry file of an up-to-date bundle, building one first when the sources changed. */
export async function ensureBundle({ force = false } = {}) {
  const { key, dir, entry, built } = currentBundle();
  if (!force && built) return entry;
  const { build } = await import('esbuild');
  await publishBuild({
    dir,
    prefix: 'cli-',
    keep: KEEP,
    replace: force,
    ready: () => existsSync(entry),
    build: (tmp) => build({
      ...CLI_BUNDLE_OPTIONS,
      // The render cache's code fingerprint (scripts/lib/render-cache.ts) is this key.
      define: { ...CLI_BUNDLE_OPTIONS.define, __MESHFLEET_SOURCE_KEY__: JSON.stringify(key) },
      entryPoints: [join(ROOT, 'scripts/cli.ts')],
      outfile: join(tmp, 'cli.cjs'),
      external: EXTERNAL,
      sourcemap: 'linked',
    }),
  });
  return entry;
}

/**
 * Makes the build folder `dir` (OUT/`prefix`<key>): `build(tmp)` writes a temporary folder beside
 * it, which is then renamed into place, so a reader never sees half a build. When another process
 * built the same sources first (`ready()` says its folder is complete), that one is used; with
 * `replace`, an existing `dir` is replaced. Then keeps the newest `keep` folders of `prefix`.
 */
export async function publishBuild({ dir, prefix, keep, ready, build, replace = false }) {
  mkdirSync(OUT, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build(tmp);
  if (replace) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!ready()) throw err;
  }
  pruneBuilds(prefix, dir, keep);
}

/**
 * Keeps the newest `keep` build folders named `prefix`<key> in OUT, `current` among them: a
 * process still running from an older one keeps its files.
 */
function pruneBuilds(prefix, current, keep) {
  const old = readdirSync(OUT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix) && join(OUT, e.name) !== current && !e.name.includes('.tmp-'))
    .map((e) => ({ path: join(OUT, e.name), mtime: statSync(join(OUT, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path } of old.slice(keep - 1)) rmSync(path, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // No top-level await: the benchmark imports this module, and the CLI bundle around it is a script.
  void ensureBundle({ force: process.argv.includes('--force') }).then((entry) => process.stdout.write(`${relative(process.cwd(), entry)}\n`));
}
