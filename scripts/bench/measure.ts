/**
 * Running measurements: each one a fresh `node --import tsx …` process, timed from the outside
 * (wall time, process start and exit included) and reporting its own usage from the inside.
 */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../lib/project-root.ts';
import type { ChildReport } from './usage.ts';

export const ROOT = PROJECT_ROOT;

export interface RunResult {
  /** Wall time seen by the parent: spawn → exit. */
  readonly wallMs: number;
  readonly stdout: string;
}

/**
 * Runs `node --import tsx ARGS…` from the repository root, as `npm run synth` would
 * (`env` is added to the parent's environment); throws on a non-zero exit.
 */
export function runNode(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): RunResult {
  return run(process.execPath, ['--import', 'tsx', ...args], env);
}

/** A child process killed for running longer than its time limit. */
export class TimeoutError extends Error {
  constructor(readonly limitMs: number, command: string) {
    super(`${command} ran longer than ${Math.round(limitMs / 1000)} s`);
  }
}

/** Time limit of every child process, ms; changed by `--timeout`. */
export const limits = { timeoutMs: 300_000 };

/**
 * Runs a command from the repository root, with `env` over this process's environment (a variable
 * set to undefined is left out); throws on a non-zero exit or after the time limit.
 */
export function run(command: string, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): RunResult {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
    timeout: limits.timeoutMs,
  });
  const wallMs = performance.now() - started;
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw new TimeoutError(limits.timeoutMs, `${command} ${args.join(' ')}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  return { wallMs, stdout: result.stdout };
}

/**
 * Started as the `meshfleet` bin starts synth: without NODE_EXTRA_CA_CERTS, which node 20 reads and
 * parses at every start (bin/meshfleet.mjs), and which neither synth nor the floor needs.
 */
export const AS_THE_BIN_STARTS_SYNTH = { NODE_EXTRA_CA_CERTS: undefined };

/** A child run (a bundled `.mjs`, or TypeScript through tsx) whose stdout's last line is a `ChildReport`. */
export function runChild(script: string, args: readonly string[]): ChildReport & { wallMs: number } {
  const { wallMs, stdout } = script.endsWith('.mjs') ? run(process.execPath, [script, ...args], AS_THE_BIN_STARTS_SYNTH) : runNode([script, ...args], AS_THE_BIN_STARTS_SYNTH);
  const last = stdout.trim().split('\n').at(-1)!;
  return { ...(JSON.parse(last) as ChildReport), wallMs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of every numeric field over `runs` (which must agree on the others). */
export function medianReport<T extends object>(runs: readonly T[]): T {
  const first = runs[0]! as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === 'number') out[key] = median(runs.map((r) => (r as Record<string, number>)[key]!));
    else if (Array.isArray(value)) out[key] = value;
    else if (value && typeof value === 'object') out[key] = medianReport(runs.map((r) => (r as Record<string, object>)[key]!));
    else out[key] = value;
  }
  return out as T;
}
