/**
 * `npm test` runs the groups of test/groups/, not the test files one by one:
 * a test file in no group would never run in CI, one in two groups would run twice. It packs the
 * groups into processes and runs them from bundles (test/run.mjs), in which each module keeps its
 * own `import.meta.url`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GROUP_WEIGHTS, groupBundles, isTmpfs, packGroups, scratchTmpdir, testEnv } from './run.mjs';
import { ROOT } from './helpers.ts';

const GROUPS = join(ROOT, 'test/groups');

describe('test groups', () => {
  test('every test file is imported by exactly one group, and every import is a test file', () => {
    const files = readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts')).sort();
    const groupsOf = new Map<string, string[]>();
    for (const group of readdirSync(GROUPS).filter((f) => f.endsWith('.ts'))) {
      for (const [, file] of readFileSync(join(GROUPS, group), 'utf8').matchAll(/^import '\.\.\/([^']+)';$/gm)) {
        groupsOf.set(file!, [...(groupsOf.get(file!) ?? []), group]);
      }
    }
    assert.deepEqual(files.filter((f) => groupsOf.get(f)?.length !== 1).map((f) => `${f}: ${groupsOf.get(f)?.join(', ') ?? 'no group'}`), []);
    assert.deepEqual([...groupsOf.keys()].filter((f) => !files.includes(f)), []);
  });

  test('npm test packs the groups into processes by their weights, each group in exactly one, run from bundles whose modules find their files next to themselves', async () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(scripts.test, 'node test/run.mjs');
    const groups = readdirSync(GROUPS).filter((f) => f.endsWith('.ts')).sort();
    assert.deepEqual(groups.filter((g) => !(g.replace(/\.ts$/, '') in GROUP_WEIGHTS)), [], 'groups without a weight in test/run.mjs');
    for (const count of [1, 2, 3, groups.length, groups.length + 4]) {
      const packs = packGroups(groups, count);
      assert.equal(packs.length, Math.min(count, groups.length));
      assert.deepEqual(packs.flat().sort(), groups, `${count} packs hold every group once`);
    }
    // Two packs (two cores) within a sixth of each other.
    const weights = packGroups(groups, 2).map((pack) => pack.reduce((sum, g) => sum + GROUP_WEIGHTS[g.replace(/\.ts$/, '')]!, 0));
    assert.ok(Math.abs(weights[0]! - weights[1]!) <= Math.max(...weights) / 6, weights.join(' vs '));
    const bundles = await groupBundles(2);
    assert.deepEqual(bundles.map((b) => b.split('/').pop()), packGroups(groups, 2).map((pack) => `${pack.map((g) => g.replace(/\.ts$/, '')).join('+')}.mjs`));
    // Run from its bundle (npm test) or from its source, this file's URL is its own.
    assert.equal(fileURLToPath(new URL('.', import.meta.url)), join(ROOT, 'test/'));
  });

  test('the tests\' TMPDIR: a fresh folder on a tmpfs, the system\'s folder elsewhere, an explicit TMPDIR kept', () => {
    assert.equal(scratchTmpdir({ TMPDIR: '/somewhere' }), undefined, 'an explicit TMPDIR is kept');
    assert.equal(scratchTmpdir({}, '/no/such/folder'), undefined);
    assert.equal(isTmpfs('/no/such/folder'), false);
    // Linux lists its mounts: isTmpfs must agree with it on /dev/shm.
    const mounts = existsSync('/proc/mounts') ? readFileSync('/proc/mounts', 'utf8') : '';
    if (mounts) assert.equal(isTmpfs('/dev/shm'), /^\S+ \/dev\/shm tmpfs /m.test(mounts));
    if (!isTmpfs(ROOT)) assert.equal(scratchTmpdir({}, ROOT), undefined, 'a folder that is not a tmpfs');
    const dir = scratchTmpdir({});
    if (!isTmpfs('/dev/shm')) return assert.equal(dir, undefined);
    assert.match(dir ?? '', /^\/dev\/shm\/meshfleet-test-\w{6}$/);
    assert.deepEqual(readdirSync(dir!), []);
    rmdirSync(dir!);
  });

  test('the tests\' environment leaves out NODE_EXTRA_CA_CERTS and sets the TMPDIR given', () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', TMPDIR: '/tmp' };
    assert.deepEqual(testEnv(env), { PATH: '/bin', TMPDIR: '/tmp' });
    assert.deepEqual(testEnv(env, '/dev/shm/meshfleet-test-x'), { PATH: '/bin', TMPDIR: '/dev/shm/meshfleet-test-x' });
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt', 'the given object is left as it was');
    // Under npm test, this process has that environment.
    if (process.env.npm_lifecycle_event === 'test') assert.equal(process.env.NODE_EXTRA_CA_CERTS, undefined);
  });
});
