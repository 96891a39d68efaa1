/**
 * Runs the gcloud CLI through zx for the network steps and the global entry's fleet features and
 * IAM bindings. @google-cloud/compute's current major and current googleapis need Node 22,
 * @google-cloud/gke-hub is not in the registry used here, and gcloud is what platform engineers
 * already have and trust.
 */
import { $, which } from 'zx';
import type { ComputeTarget } from './endpoints.ts';

/** What the gcloud steps need from gcloud. */
export interface Gcloud {
  /** The resource as JSON, or undefined when gcloud reports it does not exist. */
  describe(args: readonly string[]): Promise<Record<string, unknown> | undefined>;
  /** The resources a `list --format=json` prints. */
  list(args: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Runs a command; throws a one-line `GcloudError` when it fails. */
  run(args: readonly string[]): Promise<void>;
}

/** How long gcloud may take. */
export interface GcloudTimeouts {
  /**
   * A read (describe, list): one API call, plus gcloud's own start-up (seconds on a busy machine)
   * and its own retries. @default 60000
   */
  readonly readMs?: number;
  /** A write: gcloud waits for the operation it starts. @default 3600000 */
  readonly writeMs?: number;
}

/** A failed gcloud command; the message is gcloud's own error, on one line. */
export class GcloudError extends Error {}

/**
 * The environment gcloud runs with. For an emulator: the documented endpoint override
 * (`api_endpoint_overrides/compute`) and `auth/disable_credentials`, so no account is needed.
 * Prompts are always off: a hidden prompt would hang a parallel step.
 */
export function gcloudEnv(target: ComputeTarget, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' };
  if (target.mode === 'emulator') {
    env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE = target.url;
    env.CLOUDSDK_AUTH_DISABLE_CREDENTIALS = 'true';
  }
  return env;
}

/** Creates the runner; `bin` defaults to `gcloud` on PATH. */
export function createGcloud(target: ComputeTarget, base: NodeJS.ProcessEnv = process.env, bin = 'gcloud', timeouts: GcloudTimeouts = {}): Gcloud {
  const env = gcloudEnv(target, base);
  const where = target.mode === 'emulator' ? `${target.url} (COMPUTE_EMULATOR_HOST)` : 'Google Cloud';
  const exec = async (args: readonly string[], timeoutMs: number) => {
    const out = await $({ quiet: true, nothrow: true, env, timeout: timeoutMs })`${bin} ${[...args]}`;
    // Killed at the deadline: a server that takes the connection and never answers.
    if (out.exitCode === null) throw new GcloudError(`${errorSummary(args, '').replace(/: failed with no message$/, '')} at ${where}: no answer in ${(timeoutMs / 1000).toFixed(1)}s; check that the server is up, or give a slow one more time with --call-timeout SECONDS`);
    return out;
  };
  const read = async (args: readonly string[]) => {
    const out = await exec(args, timeouts.readMs ?? 60_000);
    if (out.exitCode === 0) return JSON.parse(out.stdout) as unknown;
    if (isNotFound(out.stderr)) return undefined;
    throw new GcloudError(errorSummary(args, out.stderr));
  };
  return {
    describe: async (args) => (await read(args)) as Record<string, unknown> | undefined,
    list: async (args) => ((await read(args)) ?? []) as Record<string, unknown>[],
    async run(args) {
      const out = await exec(args, timeouts.writeMs ?? 60 * 60_000);
      if (out.exitCode !== 0) throw new GcloudError(errorSummary(args, out.stderr));
    },
  };
}

/** Whether gcloud is on PATH. */
export async function gcloudInstalled(bin = 'gcloud'): Promise<boolean> {
  return (await which(bin, { nothrow: true })) !== null;
}

/** The gcloud account in use, or undefined when nobody is logged in (checked before a real run). */
export async function gcloudAccount(base: NodeJS.ProcessEnv = process.env, bin = 'gcloud'): Promise<string | undefined> {
  const out = await $({ quiet: true, nothrow: true, env: gcloudEnv({ mode: 'google' }, base) })`${bin} config get-value account`;
  const account = out.stdout.trim();
  return out.exitCode === 0 && account ? account : undefined;
}

/**
 * gcloud's "absent" wordings: a Compute 404 ("The resource '…' was not found") and a fleet feature
 * that is not enabled ("Ingress Feature for project [P] is not enabled": `container fleet … describe`
 * turns the API's 404 into this).
 */
export function isNotFound(stderr: string): boolean {
  return /\bwas not found\b|\bnotFound\b|\bFeature for project \[[^\]]*\] is not enabled\b/.test(stderr);
}

/** `gcloud compute networks create NAME: <gcloud's error>` on one line (progress output and warnings dropped). */
export function errorSummary(args: readonly string[], stderr: string): string {
  const command = ['gcloud', ...args.filter((a) => !a.startsWith('-')).slice(0, 5)].join(' ');
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines.findIndex((l) => l.startsWith('ERROR:'));
  const text = (first >= 0 ? lines.slice(first) : lines.filter((l) => !l.startsWith('WARNING:')))
    .map((l) => l.replace(/^ERROR: \([^)]*\)\s*/, '').replace(/^- /, ''))
    .join(' ');
  return `${command}: ${text || 'failed with no message'}`;
}

/** The command as a user would type it (for the dry run and messages). */
export function commandLine(args: readonly string[], bin = 'gcloud'): string {
  return [bin, ...args].map(shellWord).join(' ');
}

function shellWord(word: string): string {
  const safe = /^[A-Za-z0-9_@%+=:,./-]*$/;
  if (safe.test(word) && word !== '') return word;
  // Keep `--flag=` readable: quote only the value.
  const flag = /^(--[a-z0-9-]+=)(.*)$/s.exec(word);
  const [prefix, value] = flag ? [flag[1]!, flag[2]!] : ['', word];
  return safe.test(value) && value !== '' ? word : `${prefix}'${value.replace(/'/g, `'\\''`)}'`;
}
