/**
 * The delays of GKE API calls, retries and operation polling (`Timing`), their defaults, and how
 * the environment and the command line change them. Plain data and arithmetic, apart from the
 * gRPC client (retry.ts), so that `provision --help` can print the defaults without loading it.
 */

/** Retry and polling delays, in milliseconds. */
export interface Timing {
  /**
   * Retries of one call on a transient error: at most `attempts`, and no attempt is started that
   * could not end within `budgetMs` of the first (so a dead server fails in about a minute).
   */
  readonly retry: { readonly attempts: number; readonly initialMs: number; readonly maxMs: number; readonly budgetMs: number };
  /** Polling of a long-running operation or a cluster that is still provisioning; `timeoutMs` is the total wait. */
  readonly poll: { readonly initialMs: number; readonly maxMs: number; readonly timeoutMs: number };
  /** Deadline of a single API call (and of a gcloud read). */
  readonly callTimeoutMs: number;
}

/**
 * GKE creates a cluster in 5–15 minutes; polling starts at 5 s and settles at 30 s. A GKE read
 * answers in well under a second, so 20 s per call and 60 s for a call with its retries leave room
 * for a slow API while a server that never answers fails within a minute (two attempts).
 */
export const DEFAULT_TIMING: Timing = {
  retry: { attempts: 6, initialMs: 1_000, maxMs: 30_000, budgetMs: 60_000 },
  poll: { initialMs: 5_000, maxMs: 30_000, timeoutMs: 60 * 60_000 },
  callTimeoutMs: 20_000,
};

/** The command-line overrides of the timing (seconds, as the user types them). */
export interface TimingOptions {
  /** `--call-timeout`: deadline of one call; the retry budget is three of them. */
  readonly callTimeoutS?: number;
  /** `--wait-timeout`: total wait for one operation or cluster. */
  readonly waitTimeoutS?: number;
}

/** `timing` with the command-line overrides applied. */
export function withTimingOptions(timing: Timing, options: TimingOptions): Timing {
  const call = options.callTimeoutS === undefined ? undefined : options.callTimeoutS * 1000;
  return {
    retry: call === undefined ? timing.retry : { ...timing.retry, budgetMs: call * 3 },
    poll: options.waitTimeoutS === undefined ? timing.poll : { ...timing.poll, timeoutMs: options.waitTimeoutS * 1000 },
    callTimeoutMs: call ?? timing.callTimeoutMs,
  };
}

/** The longest one call with its retries can take before it fails (the dead-server case). */
export function worstCaseCallMs(timing: Timing): number {
  let elapsed = 0;
  for (let attempt = 0; attempt < timing.retry.attempts; attempt++) {
    elapsed += timing.callTimeoutMs;
    const delay = Math.min(timing.retry.initialMs * 2 ** attempt, timing.retry.maxMs);
    if (attempt + 1 >= timing.retry.attempts || elapsed + delay + timing.callTimeoutMs > timing.retry.budgetMs) break;
    elapsed += delay;
  }
  return elapsed;
}

/**
 * Timing from the environment: `MESHFLEET_RETRY_DELAY_MS` (first retry delay; the cap is 30×),
 * `MESHFLEET_POLL_INTERVAL_MS` (first poll delay; the cap is 6×), `MESHFLEET_POLL_TIMEOUT_MS`
 * (give up waiting for one operation). Unset or invalid values keep the defaults.
 */
export function timingFromEnv(env: NodeJS.ProcessEnv): Timing {
  const ms = (name: string): number | undefined => {
    const value = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const retryMs = ms('MESHFLEET_RETRY_DELAY_MS');
  const pollMs = ms('MESHFLEET_POLL_INTERVAL_MS');
  const d = DEFAULT_TIMING;
  return {
    retry: retryMs === undefined ? d.retry : { ...d.retry, initialMs: retryMs, maxMs: retryMs * 30 },
    poll: {
      ...(pollMs === undefined ? d.poll : { initialMs: pollMs, maxMs: pollMs * 6 }),
      timeoutMs: ms('MESHFLEET_POLL_TIMEOUT_MS') ?? d.poll.timeoutMs,
    },
    callTimeoutMs: d.callTimeoutMs,
  };
}
