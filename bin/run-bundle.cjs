// Runs the CLI bundle (bin/bundle.mjs) the way node runs a CommonJS module, but from V8's code
// cache: Node 20 has no compile cache for modules, so without one every command would parse and
// compile the 3.7 MB bundle again, and then each function it calls once more on first use.
//
// There is one cache per command (`cli.cjs.<command>.v8cache` beside the bundle), written when
// that command's first real run exits: V8 then includes every function the run compiled, so the
// next run of the same command compiles almost nothing. Help (`meshfleet --help`, `meshfleet
// <command> --help`) has a cache of its own (`cli.cjs.help.v8cache`), a few hundred KB where a
// command's is over a MB: help then starts in about 0.05 s more than node itself, where from a
// command's cache, which V8 reads whole, or from none it took 0.15–0.25 s more. A run that stopped
// on bad usage (exit 2) writes none, and one that printed a command's help however it was asked
// (`synth -qh`) writes no command's cache, so a command's cache always holds its real work and
// unknown commands leave no files. A cache V8 rejects (another Node version or other flags) is
// ignored and replaced; a new bundle lives in a new folder, with no cache yet.
//
// CommonJS, as is bin/bundle-path.cjs: bin/meshfleet.mjs requires both, so a command's start
// builds no ES module wrappers around node's own modules.
const { isAscii } = require('node:buffer');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/** Exit codes after which a run's compiled code is worth keeping: done (0) or failed on input (1). */
const REAL_RUN_EXITS = new Set([0, 1]);
/**
 * Set on globalThis by the CLI when it printed a command's help (parseCli, scripts/lib/cli.ts,
 * which names the same symbol): that run compiled help's code, not the command's, whatever its
 * command line looked like (`synth -qh`), so it writes no command's cache. The command line can
 * only guess which cache to read (cacheOf); the mark says what the run was.
 */
const HELP_SHOWN = Symbol.for('meshfleet.helpShown');
/** What asks for help: as the command (`meshfleet help`), or as an option (`synth --help`). */
const HELP_COMMANDS = new Set(['-h', '--help', 'help']);
const HELP_OPTIONS = new Set(['-h', '--help']);

/**
 * Which cache a command line uses, and whether its run may write one: a command's own, or `help`
 * for every run that asks for help (`synth --help` too; `synth --out help` is a real run) and for
 * a command line that names no command (`meshfleet` alone prints the usage and writes none).
 * Options after `--` are not the command's to read.
 */
function cacheOf([command = '', ...rest]) {
  const end = rest.indexOf('--');
  const options = end < 0 ? rest : rest.slice(0, end);
  if (HELP_COMMANDS.has(command) || options.some((o) => HELP_OPTIONS.has(o))) return { name: 'help', keep: true };
  const named = /^[a-z][a-z-]{0,30}$/.test(command);
  return { name: named ? command : 'help', keep: named };
}

/**
 * Runs the bundle at `entry` for process.argv, starting from its code cache when there is one;
 * `cache` names it (default: after the command, see cacheOf). With MESHFLEET_DEBUG set, says on
 * stderr whether the cache was used, written or rejected.
 */
function runBundle(entry, cache = cacheOf(process.argv.slice(2))) {
  const cacheFile = `${entry}.${cache.name}.v8cache`;
  const worthKeeping = cache.keep;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run writes it.
  }
  const script = new vm.Script(Module.wrap(readSource(entry)), {
    filename: entry,
    cachedData,
    // A dynamic import() in the bundle loads like one in any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const state = cachedData === undefined ? 'none' : script.cachedDataRejected === false ? 'used' : 'rejected';
  if (process.env.MESHFLEET_DEBUG) process.stderr.write(`meshfleet: code cache ${state} (${cacheFile})\n`);
  if (state !== 'used' && worthKeeping) {
    process.once('exit', (code) => {
      if (REAL_RUN_EXITS.has(code) && (cache.name === 'help' || !globalThis[HELP_SHOWN])) saveCache(script, cacheFile);
    });
  }
  const module = { exports: {}, filename: entry, id: entry, loaded: false };
  script.runInThisContext()(module.exports, createRequire(entry), module, entry, dirname(entry));
}

/**
 * The bundle's text. It is ASCII (bin/bundle.mjs), and ASCII read as latin1 is the same text made
 * without decoding UTF-8: a few ms instead of tens for a script of megabytes.
 */
function readSource(entry) {
  const bytes = readFileSync(entry);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Writes the cache beside the bundle, renamed into place so a reader never sees half of it. */
function saveCache(script, cacheFile) {
  const tmp = `${cacheFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only node_modules only costs speed.
  }
}

module.exports = { runBundle };
