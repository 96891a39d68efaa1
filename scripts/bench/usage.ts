/** What a benchmark child process reports about itself, and how the parent reads it. */

/** One child's measurements; times in ms (`startMs`: process start → first line of the child). */
export interface ChildReport {
  readonly startMs: number;
  readonly importMs: number;
  /** The measured work, phase by phase (synth: load, render, write; floor: read, serialize). */
  readonly phases: Readonly<Record<string, number>>;
  /** Sum of `phases`. */
  readonly workMs: number;
  /** Process start → report (performance.now() at the end). */
  readonly processMs: number;
  /** User + system CPU time of the whole process (all threads). */
  readonly cpuMs: number;
  /** Peak resident set size, MB. */
  readonly maxRssMB: number;
  readonly objects: number;
  readonly files: number;
  /** Files actually (re)written. */
  readonly written: number;
  /** Synth only: the paths written, and how many clusters were rendered (not reused from the cache). */
  readonly writtenPaths?: readonly string[];
  readonly rendered?: number;
}

/** Completes a report with the process's own resource usage (`process.resourceUsage()`). */
export function childReport(partial: Omit<ChildReport, 'workMs' | 'processMs' | 'cpuMs' | 'maxRssMB'>): ChildReport {
  const usage = process.resourceUsage();
  return {
    ...partial,
    workMs: Object.values(partial.phases).reduce((a, b) => a + b, 0),
    processMs: performance.now(),
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    // maxRSS is in kilobytes.
    maxRssMB: usage.maxRSS / 1024,
  };
}
