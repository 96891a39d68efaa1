/**
 * The `meshfleet` bin: one command with subcommands, run from the prebuilt CommonJS bundle
 * (bin/bundle.mjs) through V8's code cache (bin/run-bundle.cjs).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { ensureBundle } from '../bin/bundle.mjs';
import { endWhenWritten } from '../scripts/lib/cli.ts';
import { MESHFLEET_BIN, ROOT, runCommand, tempDir } from './commands.ts';

const RUN_BUNDLE = pathToFileURL(join(ROOT, 'bin/run-bundle.cjs')).href;

/** Runs `entry` through runBundle as the bin does, with `args` as the command line. */
function runThroughCache(entry: string, args: string[]) {
  const bin = join(dirname(entry), 'bin.mjs');
  writeFileSync(bin, `import { runBundle } from ${JSON.stringify(RUN_BUNDLE)};\nrunBundle(${JSON.stringify(entry)});\n`);
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, MESHFLEET_DEBUG: '1' } });
  const cache = /code cache (\w+) \((.*)\)/.exec(run.stderr);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, cache: cache?.[1], cacheFile: cache?.[2] };
}

/** A small CommonJS bundle that uses what a bundle may: require, __filename, import.meta.url's define, exit codes. */
function tinyBundle(): string {
  const dir = join(tempDir(), 'cli-test');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'cli.cjs');
  writeFileSync(entry, [
    "const __meshfleetImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
    "const { basename } = require('node:path');",
    'const [command, code] = process.argv.slice(2);',
    'console.log(`${command} from ${basename(__filename)} at ${__meshfleetImportMetaUrl.startsWith("file://")}`);',
    'process.exitCode = Number(code ?? 0);',
  ].join('\n'));
  return entry;
}

describe('meshfleet bin', () => {
  test('--help lists every command; an unknown command is exit 2 and names the list', async () => {
    const help = await runCommand('--help', []);
    assert.equal(help.status, 0);
    for (const command of ['synth', 'check', 'diff', 'provision', 'bootstrap', 'promote', 'bench']) assert.match(help.stdout, new RegExp(`^  ${command} +\\S`, 'm'));
    const none = spawnSync(process.execPath, [MESHFLEET_BIN], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stdout, /^Usage: meshfleet <command>/);
    const unknown = await runCommand('synthesize', []);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'meshfleet: unknown command "synthesize" (expected one of synth, check, diff, provision, bootstrap, promote, bench)\nRun `meshfleet --help` for the list.\n');
  });

  test('the bundle is one CommonJS script, the same entry for the same sources', async () => {
    const entry = await ensureBundle();
    assert.match(entry, /cli-[0-9a-f]{16}[/\\]cli\.cjs$/);
    assert.equal(await ensureBundle(), entry);
    assert.doesNotMatch(readFileSync(entry, 'utf8').slice(0, 4096), /^import |^export /m);
  });

  test('run as a program or through sh, every command but provision starts node without NODE_EXTRA_CA_CERTS, and help too', async () => {
    // The bin's shell line execs `node` from PATH: a fake one shows the environment it was given.
    const fakeBin = tempDir();
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s|%s" "${NODE_EXTRA_CA_CERTS-unset}" "${MESHFLEET_NODE_EXTRA_CA_CERTS-unset}"\n', { mode: 0o755 });
    const env = (extra: NodeJS.ProcessEnv) => ({ ...extra, PATH: `${fakeBin}:${process.env.PATH}` });
    // As a program (npx, npm link) and as the npm scripts run it, through sh.
    const startedWith = (args: string[], extra: NodeJS.ProcessEnv) => [
      spawnSync(MESHFLEET_BIN, args, { encoding: 'utf8', env: env(extra) }).stdout,
      spawnSync('sh', [MESHFLEET_BIN, ...args], { encoding: 'utf8', env: env(extra) }).stdout,
    ];
    // Commands whose node process opens TLS connections itself, and needs the extra CAs to trust a proxy.
    const opensTls = new Set(['provision']);
    const commands = [...(await runCommand('--help', [])).stdout.matchAll(/^ {2}([a-z]+) +\S/gm)].map((m) => m[1]!);
    assert.ok(commands.includes('synth') && commands.includes('provision'), commands.join(' '));
    for (const args of [...commands.map((c) => [c, '--config', 'x.yaml']), ['--help'], ['-h'], ['help'], [], ['synthesize']]) {
      const keeps = opensTls.has(args[0]!) || args[0] === 'synthesize';
      const expected = keeps ? '/etc/corp-ca.pem|unset' : 'unset|/etc/corp-ca.pem';
      assert.deepEqual(startedWith(args, { NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem' }), [expected, expected], `meshfleet ${args.join(' ')}: a new command that opens no TLS connection belongs in the bin's list`);
      assert.deepEqual(startedWith(args, {}), ['unset|unset', 'unset|unset'], `meshfleet ${args.join(' ')} without the variable`);
    }
    // A shell with `set -u` exported to it (SHELLOPTS) runs the line too.
    assert.deepEqual(spawnSync('bash', [MESHFLEET_BIN], { encoding: 'utf8', env: { ...env({}), SHELLOPTS: 'nounset' } }).stdout, 'unset|unset');
  });

  test('the processes a command starts get NODE_EXTRA_CA_CERTS back; node itself did not load it', () => {
    // `diff` runs git first: a fake git records what it was given. The node of this run first.
    const fakeBin = tempDir();
    const seen = join(fakeBin, 'seen');
    writeFileSync(join(fakeBin, 'git'), `#!/bin/sh\nprintf "%s|%s" "\${NODE_EXTRA_CA_CERTS-unset}" "\${MESHFLEET_NODE_EXTRA_CA_CERTS-unset}" > ${JSON.stringify(seen)}\nexit 128\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${fakeBin}:${dirname(process.execPath)}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: join(fakeBin, 'no-such-ca.pem') };
    const diff = spawnSync(MESHFLEET_BIN, ['diff'], { encoding: 'utf8', env });
    assert.equal(diff.status, 2, diff.stderr);
    assert.equal(readFileSync(seen, 'utf8'), `${env.NODE_EXTRA_CA_CERTS}|unset`);
    assert.doesNotMatch(diff.stderr, /extra certs/);
    // Node 20 reads the file at start, and warns that it does not exist; later versions read it
    // only when TLS is first used, and then neither run loads it.
    const readsAtStart = /extra certs/.test(spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env }).stderr);
    const provision = spawnSync(MESHFLEET_BIN, ['provision', '--help'], { encoding: 'utf8', env });
    assert.equal(provision.status, 0);
    if (readsAtStart) assert.match(provision.stderr, /Ignoring extra certs from .*no-such-ca\.pem/);
  });

  test('a finished command ends the process at once only when stdout and stderr have nothing left to write', () => {
    const exits: string[] = [];
    const exit = (label: string) => () => exits.push(label);
    endWhenWritten([{ writableLength: 0 }, { writableLength: 0 }], exit('drained'));
    // Pipes are written asynchronously on macOS: a pending write must drain, with node's natural end.
    endWhenWritten([{ writableLength: 0 }, { writableLength: 17 }], exit('stderr pending'));
    endWhenWritten([{ writableLength: 4096 }, { writableLength: 0 }], exit('stdout pending'));
    assert.deepEqual(exits, ['drained']);
  });
});

describe('code cache (bin/run-bundle.cjs)', () => {
  test('the first real run writes it, the next uses it; a damaged cache is rejected and replaced', () => {
    const entry = tinyBundle();
    const first = runThroughCache(entry, ['synth', '0']);
    assert.equal(first.stdout, 'synth from cli.cjs at true\n');
    assert.equal(first.cache, 'none');
    assert.equal(first.cacheFile, `${entry}.synth.v8cache`);
    assert.ok(existsSync(first.cacheFile!), 'written when the run exits');
    assert.equal(runThroughCache(entry, ['synth', '0']).cache, 'used');
    writeFileSync(first.cacheFile!, 'not a code cache');
    assert.equal(runThroughCache(entry, ['synth', '0']).cache, 'rejected');
    const again = runThroughCache(entry, ['synth', '0']);
    assert.equal(again.cache, 'used');
    assert.equal(again.stdout, first.stdout, 'the same output from the cache');
  });

  test('bad usage and unknown commands write no cache; a run that fails on its input (exit 1) does', () => {
    const entry = tinyBundle();
    for (const args of [['check', '2'], ['checkk', '2'], ['Check!', '2']]) {
      const run = runThroughCache(entry, args);
      assert.equal(run.status, 2);
      assert.ok(!existsSync(run.cacheFile!), `${args.join(' ')}: no ${run.cacheFile}`);
    }
    const failed = runThroughCache(entry, ['check', '1']);
    assert.equal(failed.status, 1);
    assert.equal(failed.cacheFile, `${entry}.check.v8cache`);
    assert.ok(existsSync(failed.cacheFile!));
  });

  test('every help run shares one help cache, never a command\'s; help that ends in bad usage writes none', () => {
    const entry = tinyBundle();
    const help = `${entry}.help.v8cache`;
    assert.equal(runThroughCache(entry, ['--help', '2']).cacheFile, help);
    assert.ok(!existsSync(help), 'exit 2: not written');
    const first = runThroughCache(entry, ['check', '0', '--help']);
    assert.deepEqual([first.status, first.cache, first.cacheFile], [0, 'none', help]);
    assert.ok(existsSync(help), 'written by the first help run');
    assert.ok(!existsSync(`${entry}.check.v8cache`), 'check --help leaves check\'s own cache alone');
    for (const args of [['--help', '0'], ['help', '0'], ['synth', '0', '-h']]) {
      const run = runThroughCache(entry, args);
      assert.deepEqual([run.cache, run.cacheFile], ['used', help], args.join(' '));
    }
  });

  test('"help" as an option\'s value, or after --, is a real run of the command, with the command\'s cache', () => {
    const entry = tinyBundle();
    for (const args of [['check', '0', '--out', 'help'], ['check', '0', '--', '--help']]) {
      const run = runThroughCache(entry, args);
      assert.deepEqual([run.status, run.cacheFile], [0, `${entry}.check.v8cache`], args.join(' '));
    }
    assert.ok(existsSync(`${entry}.check.v8cache`));
    assert.ok(!existsSync(`${entry}.help.v8cache`), 'the help cache holds help runs only');
  });

  test('a command line with no command uses the help cache but writes none, even when it exits 0', () => {
    const entry = tinyBundle();
    const run = runThroughCache(entry, []);
    assert.deepEqual([run.status, run.cacheFile], [0, `${entry}.help.v8cache`]);
    assert.ok(!existsSync(run.cacheFile!));
  });

  test('a run that printed a command\'s help, however asked (`synth -qh`), writes no cache for the command', async () => {
    // A copy of the real bundle with no cache yet, inside the project so that it finds its root.
    const bundle = await ensureBundle();
    const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/meshfleet-test-'));
    try {
      const entry = join(dir, 'cli.cjs');
      copyFileSync(bundle, entry);
      const run = runThroughCache(entry, ['synth', '-qh']);
      assert.deepEqual([run.status, run.cache, run.cacheFile], [0, 'none', `${entry}.synth.v8cache`]);
      assert.match(run.stdout, /^Usage: npm run synth/);
      assert.ok(!existsSync(run.cacheFile!), 'the code help compiled is not synth\'s');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the real CLI starts from its cache once a run of the command wrote it, with the same output', async () => {
    const env = { ...process.env, MESHFLEET_DEBUG: '1' };
    const first = await runCommand('check', ['--config', 'config/fleet.yaml'], ROOT, env);
    const second = await runCommand('check', ['--config', 'config/fleet.yaml'], ROOT, env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(second.stderr, /code cache used \(.*cli\.cjs\.check\.v8cache\)/);
    assert.equal(second.stdout, first.stdout);
  });
});
