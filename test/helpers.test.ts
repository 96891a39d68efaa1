/** The test helpers themselves: temporary folders do not outlive the test process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ROOT } from './helpers.ts';

describe('test helpers', () => {
  test('tempDir folders are removed when the process exits, also when it fails', () => {
    for (const ending of ['', 'process.exitCode = 1;', "throw new Error('boom');"]) {
      const script = `import { tempDir } from './test/helpers.ts'; const d = tempDir(); console.log(d); ${ending}`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
      const dir = r.stdout.trim();
      assert.match(dir, /\/meshfleet-test-\w+$/, r.stderr);
      assert.equal(existsSync(dir), false, `${dir} (${ending || 'exit 0'})`);
    }
  });
});
