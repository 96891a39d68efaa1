/**
 * The repository's paths and its commands run as child processes: what the CLI tests need, and
 * nothing that loads the render code, so a test process of CLI tests (test/groups/cli.ts) starts
 * as a plain tsx process (test/helpers.ts re-exports all of it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.ts';

export { tempDir };

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_FLEET = join(ROOT, 'config/fleet.yaml');
export const EXAMPLES = ['multi-network', 'multi-primary', 'global-frontends', 'three-regions', 'waves', 'istio-canary'].map((name) => join(ROOT, `config/examples/${name}.yaml`));

/** The `meshfleet` bin, which runs the prebuilt bundle (rebuilt when a source is newer). */
export const MESHFLEET_BIN = join(ROOT, 'bin/meshfleet.mjs');

/** What a command run printed, and its exit code. */
export interface CommandRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/meshfleet.mjs <command> ARGS…` from `cwd` (`npm run <command>` runs the same file
 * through sh, which also leaves NODE_EXTRA_CA_CERTS out of node's start; the tests' environment has
 * none). Asynchronous, so the
 * tests of a suite with `{ concurrency: true }` run their commands side by side.
 */
export function runCommand(command: string, args: string[], cwd = ROOT, env?: NodeJS.ProcessEnv): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MESHFLEET_BIN, command, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/**
 * Git settings for the throwaway repositories of tests (as `GIT_CONFIG_*` variables, which every
 * git a test or a command under test runs inherits): no automatic `gc` or `maintenance` after a
 * push, commit or fetch; a test repository never grows enough to need them, and they were two of
 * every five git processes a push made.
 */
export const QUIET_GIT_ENV: Readonly<Record<string, string>> = {
  GIT_CONFIG_COUNT: '3',
  GIT_CONFIG_KEY_0: 'gc.auto', GIT_CONFIG_VALUE_0: '0',
  GIT_CONFIG_KEY_1: 'maintenance.auto', GIT_CONFIG_VALUE_1: 'false',
  GIT_CONFIG_KEY_2: 'receive.autogc', GIT_CONFIG_VALUE_2: 'false',
};

/**
 * Makes `remote` a bare repository (branch main) to push to, whose receive-pack starts no
 * `git gc --auto` after each push: settings in the environment do not reach a local remote (git
 * clears them for it), so this one is in its config.
 */
export function bareRemote(remote: string, env: NodeJS.ProcessEnv = process.env): void {
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote], { env, stdio: 'pipe' });
  appendFileSync(join(remote, 'config'), '[receive]\n\tautogc = false\n');
}

/**
 * A fresh temporary copy of `template`, a folder a test built once (a git repository, a rendered
 * dist): copying costs no process, building it again costs several. In the files of `rewrite`
 * (relative to the folder) the template's path becomes the copy's: a clone's .git/config names
 * its remote by absolute path, and the copy must push to its own.
 */
export function copyOf(template: string, rewrite: readonly string[] = [], prefix?: string): string {
  const dir = tempDir(prefix);
  cpSync(template, dir, { recursive: true, preserveTimestamps: true });
  for (const file of rewrite) writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replaceAll(template, dir));
  return dir;
}

/** Runs `npm run synth` as a user would; returns exit code and output. */
export const runSynth = (args: string[], cwd = ROOT) => runCommand('synth', args, cwd);
