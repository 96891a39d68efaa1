/**
 * Holds SIGINT and SIGTERM back while a short piece of work that must not be cut in half runs
 * (synth's write: a half-swapped output directory is worse than a second's wait; diff's temporary
 * checkout: removed before the process ends).
 */
import { constants } from 'node:os';

const HELD = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `work` (synchronous, so nothing can interrupt it but SIGKILL) with SIGINT and SIGTERM
 * caught. If one arrived meanwhile, writes `note(finished)` to stderr once `work` is over
 * (`finished`: it returned rather than threw; its error is then not reported) and exits with
 * 128 + the signal's number (130, 143), as a shell reports a process ended by that signal.
 */
export async function withSignalsHeld<T>(work: () => T, note: (finished: boolean) => string): Promise<T> {
  let received: NodeJS.Signals | undefined;
  const remember = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  for (const signal of HELD) process.on(signal, remember);
  let finished = false;
  try {
    const result = work();
    finished = true;
    return result;
  } finally {
    // A signal caught during `work` reaches its listener from the event loop, and not always on
    // the first turn (seen: the second); a few turns and a timer tick leave it time.
    for (let turn = 0; turn < 3; turn++) await new Promise((done) => setImmediate(done));
    await new Promise((done) => setTimeout(done, 1));
    for (const signal of HELD) process.off(signal, remember);
    if (received !== undefined) {
      process.stderr.write(`${note(finished)}\n`);
      process.exit(128 + constants.signals[received]);
    }
  }
}
