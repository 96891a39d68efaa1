// Where the CLI bundle of the sources as they are now lives (bin/bundle.mjs builds it), and
// whether it is built: what every command asks before it starts. CommonJS, as is
// bin/run-bundle.cjs: bin/meshfleet.mjs requires both, so a start builds no ES module wrappers
// around node's own modules, and the source check below is plain string work.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const ROOT = dirname(__dirname);
const OUT = join(ROOT, 'node_modules', '.cache', 'meshfleet');
const SOURCE_DIRS = ['scripts', 'charts', 'clusters', 'config', 'imports'];
/** Besides the sources: the lockfile (the bundled packages) and how the bundle is built. */
const SOURCE_FILES = ['package-lock.json', 'bin/bundle.mjs', 'bin/bundle-path.cjs'];

/** The CLI's sources: which folders, which files in them, which files besides. */
const CLI_SOURCES = { dirs: SOURCE_DIRS, pattern: /\.(ts|json)$/, files: SOURCE_FILES };

/** The paths relative to ROOT of `files` and of the files in `dirs` whose names match `pattern`, sorted. */
function sources({ dirs, pattern, files: besides }) {
  const files = [...besides];
  for (const dir of dirs) {
    for (const e of readdirSync(`${ROOT}/${dir}`, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && pattern.test(e.name)) files.push(`${e.parentPath.slice(ROOT.length + 1)}/${e.name}`);
    }
  }
  return files.sort();
}

/** A key of the sources (default: the CLI's) as they are now: path, size and mtime of each. */
function sourceKey(of = CLI_SOURCES) {
  const hash = createHash('sha256');
  for (const file of sources(of)) {
    const s = statSync(`${ROOT}/${file}`, { throwIfNoEntry: false });
    hash.update(`${file}\0${s?.size ?? -1}\0${s?.mtimeMs ?? -1}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The bundle of the sources as they are now: its key, folder and entry file, and whether it is built. */
function currentBundle() {
  const key = sourceKey();
  const dir = join(OUT, `cli-${key}`);
  const entry = join(dir, 'cli.cjs');
  return { key, dir, entry, built: existsSync(entry) };
}

module.exports = { ROOT, OUT, CLI_SOURCES, currentBundle, sourceKey };
