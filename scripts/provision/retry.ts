/**
 * Exponential backoff for GKE API calls and operation polling. Delays are data (`Timing`,
 * timing.ts) so tests and impatient users can shrink them; the entry point reads them from the
 * environment.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { status as Status } from '@grpc/grpc-js';
import { formatDuration } from './format.ts';
import type { Timing } from './timing.ts';

/** A call that got no answer within its deadlines; the message says which call, where, and what to do. */
export class DeadlineError extends Error {}

/** gRPC codes worth another try: the server was busy, rate-limited or slow, not wrong. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED, Status.UNAVAILABLE]);

/** The gRPC status code of an error thrown by the client, if it has one. */
export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** `UNAVAILABLE` for 14, … */
export function codeName(code: number | undefined): string {
  return code === undefined ? 'ERROR' : (Status[code] ?? `code ${code}`);
}

/** One line for an API error: `NAME: message` without gax's numeric prefix (`14 UNAVAILABLE: …`). */
export function errorLine(err: unknown): string {
  const code = grpcCode(err);
  const message = String((err as { details?: unknown })?.details || (err as Error)?.message || err).split('\n')[0]!;
  const bare = message.replace(/^\d+ [A-Z_]+: /, '');
  return code === undefined ? bare : `${codeName(code)}: ${bare}`;
}

/** Delay before attempt `attempt + 1`: doubling from `initialMs`, capped, with jitter in [½, 1]. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(initialMs * 2 ** attempt, maxMs);
  // Jitter spreads the retries of parallel clusters so they do not hit a busy API together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Told before each retry: which attempt failed, why, and how long until the next. */
export type RetryListener = (info: { attempt: number; error: unknown; delayMs: number }) => void;

/** Which call a `withRetry` makes and where it goes, for the one line a dead server gets. */
export interface CallLabel {
  /** `GKE ListClusters projects/p/locations/-` */
  readonly call: string;
  /** `the emulator at 127.0.0.1:8085`, `container.googleapis.com` */
  readonly where: string;
}

/**
 * Runs `call`, retrying transient gRPC failures (`RETRYABLE_CODES`) with backoff up to
 * `timing.retry.attempts` attempts within `timing.retry.budgetMs`; any other error, or the last
 * one, is thrown. With `label`, a call that only ever timed out throws a `DeadlineError` naming it.
 */
export async function withRetry<T>(call: () => Promise<T>, timing: Timing, onRetry?: RetryListener, label?: CallLabel): Promise<T> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const code = grpcCode(error);
      const delayMs = backoffDelay(attempt, timing.retry.initialMs, timing.retry.maxMs);
      const elapsed = performance.now() - started;
      const budgetLeft = elapsed + delayMs + timing.callTimeoutMs <= timing.retry.budgetMs;
      if (code === undefined || !RETRYABLE_CODES.has(code) || attempt + 1 >= timing.retry.attempts || !budgetLeft) {
        if (label && code === Status.DEADLINE_EXCEEDED) {
          throw new DeadlineError(`${label.call} at ${label.where}: no answer in ${formatDuration(elapsed)} (${attempt + 1} attempt${attempt === 0 ? '' : 's'} of ${formatDuration(timing.callTimeoutMs)}); check that the server is up, or give a slow one more time with --call-timeout SECONDS`);
        }
        throw error;
      }
      onRetry?.({ attempt: attempt + 1, error, delayMs });
      await sleep(delayMs);
    }
  }
}

/** Sleeps the poll delay for poll number `n` (0-based). */
export function pollDelay(n: number, timing: Timing): Promise<void> {
  return sleep(backoffDelay(n, timing.poll.initialMs, timing.poll.maxMs));
}

/**
 * Options for every call: gax's own retry is off (ours in `withRetry` is the one that is logged
 * and tunable), and each call has a deadline.
 */
export function callOptions(timing: Timing): { retry: null; timeout: number } {
  return { retry: null, timeout: timing.callTimeoutMs };
}
