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
  /** Runs a command; throws a one-line `GcloudError` when it fails. */
  run(args: readonly string[]): Promise<void>;
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
export function createGcloud(target: ComputeTarget, base: NodeJS.ProcessEnv = process.env, bin = 'gcloud'): Gcloud {
  const sh = $({ quiet: true, nothrow: true, env: gcloudEnv(target, base), timeout: '20m' });
  const exec = (args: readonly string[]) => sh`${bin} ${[...args]}`;
  return {
    async describe(args) {
      const out = await exec(args);
      if (out.exitCode === 0) return JSON.parse(out.stdout) as Record<string, unknown>;
      if (isNotFound(out.stderr)) return undefined;
      throw new GcloudError(errorSummary(args, out.stderr));
    },
    async run(args) {
      const out = await exec(args);
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
