/** The test helpers themselves: temporary folders (test/temp-dir.ts, also exported by helpers.ts) do not outlive the test process. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { ROOT } from './helpers.ts';

const run = promisify(execFile);

describe('test helpers', () => {
  test('tempDir folders are removed when the process exits, also when it fails', async () => {
    // The three endings run at once: each is a process of its own.
    await Promise.all(['', 'process.exitCode = 1;', "throw new Error('boom');"].map(async (ending) => {
      const script = `import { tempDir } from './test/temp-dir.ts'; const d = tempDir(); console.log(d); ${ending}`;
      const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
        .catch((err: { stdout: string; stderr: string }) => err);
      const dir = r.stdout.trim();
      assert.match(dir, /\/meshfleet-test-\w+$/, r.stderr);
      assert.equal(existsSync(dir), false, `${dir} (${ending || 'exit 0'})`);
    }));
  });
});
