/**
 * One writer at a time for an output directory: a lock file that holds the writer's PID.
 * A lock whose process is gone (killed, crashed) is taken over; a live one is reported by its PID.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/** The lock is held by a live process. */
export class LockHeldError extends Error {
  constructor(readonly lockFile: string, readonly holder: number) {
    super(`${lockFile} is held by pid ${holder}`);
  }
}

/** Whether a process with this PID exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a file if it is there: what `rmSync(path, { force: true })` does for a file, without
 * loading node's rimraf (Node 20's rmSync goes through it even for one file) on every synth.
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The PID recorded in a lock file, or undefined when the file is gone. */
function holderOf(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // Files are created whole (see acquireLock), so anything but a number was not written by us:
  // treated as held, which only ever makes a writer wait for a human rather than race.
  return /^\d+\n$/.test(text) ? Number(text) : -1;
}

/** Temporary file a process prepares its lock in; `.<lock>.<pid>` so leftovers can be told apart. */
export const pendingLockFile = (lockFile: string, pid: number): string => `${lockFile}.${pid}`;

/**
 * Takes the lock `lockFile` for this process and returns the function that releases it.
 * Throws `LockHeldError` when a live process holds it.
 */
export function acquireLock(lockFile: string): () => void {
  // Created complete in a private file, then hard-linked into place: link fails when the lock
  // exists, so there is no moment when a lock file exists without its PID.
  const pending = pendingLockFile(lockFile, process.pid);
  writeFileSync(pending, `${process.pid}\n`);
  try {
    // A few rounds: each lost race means another writer took or released the lock meanwhile.
    for (let round = 0; round < 5; round++) {
      try {
        linkSync(pending, lockFile);
        return () => {
          if (holderOf(lockFile) === process.pid) removeFile(lockFile);
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = holderOf(lockFile);
      if (holder === undefined) continue;
      if (holder === -1 || isAlive(holder)) throw new LockHeldError(lockFile, holder);
      breakStaleLock(lockFile, holder);
    }
    throw new LockHeldError(lockFile, holderOf(lockFile) ?? -1);
  } finally {
    removeFile(pending);
  }
}

/**
 * Removes a lock left by the dead process `deadPid`. Two writers may both find the same stale lock:
 * if each removed it, the second could remove the lock the first has just taken. So breaking
 * takes its own short-lived lock, and removes the file only if it still names `deadPid`.
 */
function breakStaleLock(lockFile: string, deadPid: number): void {
  const guard = `${lockFile}.break`;
  try {
    writeFileSync(guard, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Someone else is breaking it (held for microseconds), unless they died doing so.
    const breaker = holderOf(guard);
    if (breaker !== undefined && breaker !== -1 && !isAlive(breaker)) removeFile(guard);
    return;
  }
  try {
    if (holderOf(lockFile) === deadPid) removeFile(lockFile);
  } finally {
    removeFile(guard);
  }
}
