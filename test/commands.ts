/**
 * The repository's paths and its commands run as child processes: what the CLI tests need, and
 * nothing that loads the render code, so a test process of CLI tests (test/groups/cli.ts) starts
 * as a plain tsx process (test/helpers.ts re-exports all of it).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { tempDir } from './temp-dir.ts';

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
 * Runs `meshfleet <command> ARGS…` (what `npm run <command>` runs) from `cwd`. Asynchronous, so the
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

/** Runs `npm run synth` as a user would; returns exit code and output. */
export const runSynth = (args: string[], cwd = ROOT) => runCommand('synth', args, cwd);
