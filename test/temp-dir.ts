/**
 * Temporary folders for tests, removed when the test process exits. Its own module, importing
 * nothing of meshfleet, so a process that needs only this (test/helpers.test.ts) starts fast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];
// A test process (one group of test files, see test/groups/) removes its folders when it ends,
// whatever the outcome, so a run leaves nothing in /tmp.
process.on('exit', () => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system temp folder, removed when the test process exits. */
export function tempDir(prefix = 'meshfleet-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
