/**
 * `npm test` runs the groups of test/groups/, one process each, not the test files one by one:
 * a test file in no group would never run in CI, one in two groups would run twice. It runs them
 * from bundles (test/run.mjs), in which each module keeps its own `import.meta.url`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { groupBundles } from './run.mjs';
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

  test('npm test runs a bundle of each group, whose modules find their files next to themselves', async () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(scripts.test, 'node test/run.mjs');
    const groups = readdirSync(GROUPS).filter((f) => f.endsWith('.ts')).sort();
    const bundles = await groupBundles();
    assert.deepEqual(bundles.map((b) => b.split('/').pop()), groups.map((g) => g.replace(/\.ts$/, '.mjs')));
    // Run from its bundle (npm test) or from its source, this file's URL is its own.
    assert.equal(fileURLToPath(new URL('.', import.meta.url)), join(ROOT, 'test/'));
  });
});
