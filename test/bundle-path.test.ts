/**
 * Which bundle a command runs (bin/bundle-path.cjs): the key follows every source file, the
 * lockfile and the bundle's own build files, so an edit anywhere in them means a new bundle; other
 * files do not. Checked on a copy of the module in a tree of its own, never by touching the
 * repository's sources (that would rebuild the bundle under the other tests).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, tempDir } from './commands.ts';

interface Bundle {
  readonly key: string;
  readonly entry: string;
  readonly built: boolean;
}

/** A project tree with one source in each source folder, and bundle-path.cjs in its bin/. */
function project(): { root: string; current: () => Bundle } {
  const root = tempDir();
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(ROOT, 'bin/bundle-path.cjs'), join(root, 'bin/bundle-path.cjs'));
  writeFileSync(join(root, 'bin/bundle.mjs'), '// build\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  for (const dir of ['scripts', 'charts', 'clusters', 'config/apps', 'imports']) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'a.ts'), 'export {};\n');
  }
  const { currentBundle } = createRequire(join(root, 'bin/'))('./bundle-path.cjs') as { currentBundle: () => Bundle };
  return { root, current: currentBundle };
}

describe('the bundle of the sources as they are now (bin/bundle-path.cjs)', () => {
  test('a source edited, added or touched, the lockfile or the build script changed: another key', () => {
    const { root, current } = project();
    const first = current();
    assert.match(first.key, /^[0-9a-f]{16}$/);
    assert.equal(first.entry, join(root, 'node_modules/.cache/meshfleet', `cli-${first.key}`, 'cli.cjs'));
    assert.equal(current().key, first.key, 'the same sources, the same key');
    const keys = new Set([first.key]);
    const changes: [string, () => void][] = [
      ['a source edited', () => writeFileSync(join(root, 'config/apps/a.ts'), 'export const x = 1;\n')],
      ['a source added', () => writeFileSync(join(root, 'scripts/b.ts'), 'export {};\n')],
      ['a JSON source added', () => writeFileSync(join(root, 'imports/c.json'), '{}\n')],
      ['a source touched', () => utimesSync(join(root, 'charts/a.ts'), new Date('2026-01-02'), new Date('2026-01-02'))],
      ['the lockfile', () => writeFileSync(join(root, 'package-lock.json'), '{ }\n')],
      ['the build script', () => writeFileSync(join(root, 'bin/bundle.mjs'), '// build, changed\n')],
    ];
    for (const [what, change] of changes) {
      change();
      const { key } = current();
      assert.ok(!keys.has(key), `${what}: a new key`);
      keys.add(key);
    }
  });

  test('files that are not sources leave the key; a bundle in place counts as built', () => {
    const { root, current } = project();
    const first = current();
    assert.equal(first.built, false);
    writeFileSync(join(root, 'scripts/notes.md'), 'not a source\n');
    writeFileSync(join(root, 'README.md'), 'docs\n');
    assert.equal(current().key, first.key);
    mkdirSync(join(first.entry, '..'), { recursive: true });
    writeFileSync(first.entry, '');
    assert.equal(current().built, true);
  });
});
