/** The test helpers themselves: temporary folders (test/temp-dir.ts, also exported by helpers.ts) do not outlive the test process. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, bundleForNode, hasKubectl, kustomizeBuildAll, mustFind, objectsOf, render, tempDir } from './helpers.ts';

const run = promisify(execFile);

describe('test helpers', () => {
  test('tempDir folders are removed when the process exits, also when it fails', async () => {
    const module = pathToFileURL(await bundleForNode(join(ROOT, 'test/temp-dir.ts'))).href;
    // The three endings run at once: each is a process of its own.
    await Promise.all(['', 'process.exitCode = 1;', "throw new Error('boom');"].map(async (ending) => {
      const script = `import { tempDir } from ${JSON.stringify(module)}; const d = tempDir(); console.log(d); ${ending}`;
      const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
        .catch((err: { stdout: string; stderr: string }) => err);
      const dir = r.stdout.trim();
      assert.match(dir, /\/meshfleet-test-\w+$/, r.stderr);
      assert.equal(existsSync(dir), false, `${dir} (${ending || 'exit 0'})`);
    }));
  });

  test('kustomizeBuildAll runs kubectl once per distinct folder: a byte-identical folder gets the same output; one that differs, or names a file outside it, is built', async (t) => {
    if (!hasKubectl()) return t.skip('kubectl not available');
    const dir = tempDir();
    // A kubectl that logs each run, then runs the real one.
    const log = join(dir, 'runs.log');
    const kubectl = join(dir, 'kubectl');
    writeFileSync(kubectl, `#!/usr/bin/env bash\necho "$2" >>'${log}'\nexec kubectl "$@"\n`);
    chmodSync(kubectl, 0o755);
    const folder = (name: string, configMap: string, resource = 'cm.yaml') => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'kustomization.yaml'), `resources:\n  - ${resource}\n`);
      writeFileSync(join(dir, name, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${configMap}\n`);
      return join(dir, name);
    };
    const dirs = [folder('a', 'one'), folder('b', 'one'), folder('c', 'two'), folder('d', 'unused', '../a'), folder('e', 'unused', '../a')];
    const built = await kustomizeBuildAll(dirs, { kubectl });
    assert.deepEqual(built.map((out) => out.match(/name: (\w+)/)?.[1]), ['one', 'one', 'two', 'one', 'one']);
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort(), [dirs[0], dirs[2], dirs[3], dirs[4]]);
  });

  test('objectsOf parses each text once, and every call gets objects of its own to change', () => {
    const { rendered } = render();
    const first = objectsOf(rendered, 'frankfurt', 'apps');
    const deployment = mustFind(first, 'Deployment', 'reviews-v1', 'bookinfo');
    (deployment.spec as { replicas: number }).replicas = 99;
    deployment.metadata.name = 'changed';
    const second = objectsOf(rendered, 'frankfurt', 'apps');
    assert.equal(second.length, first.length);
    assert.notEqual((mustFind(second, 'Deployment', 'reviews-v1', 'bookinfo').spec as { replicas: number }).replicas, 99);
    assert.equal(second.some((o) => o.metadata.name === 'changed'), false);
  });
});
