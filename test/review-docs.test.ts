/**
 * docs/review.md shows three PR comments — a small change, a fleet-wide change, a region move —
 * as `npm run diff -- --format markdown` writes them. They are made again here, in process, from
 * the same edits, and must match what the docs show (the docs cut FLEET.md's collapsed diff after
 * its title, marked `…`).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { requestPaths } from '../clusters/routing.ts';
import { loadFleet } from '../config/load.ts';
import { diffRendered } from '../scripts/review/fleet-diff.ts';
import { formatMarkdown } from '../scripts/review/format-diff.ts';
import { render, ROOT, tempDir } from './helpers.ts';

/** The comment for `file` (relative to the repository) edited by `edit`, against the file as it is. */
function comment(file: string, edit: (text: string) => string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'config/apps'), { recursive: true });
  mkdirSync(join(dir, 'config/examples'), { recursive: true });
  copyFileSync(join(ROOT, 'config/apps/bookinfo.yaml'), join(dir, 'config/apps/bookinfo.yaml'));
  const original = readFileSync(join(ROOT, file), 'utf8');
  const edited = edit(original);
  assert.notEqual(edited, original, `the edit applies to ${file}`);
  writeFileSync(join(dir, file), edited);
  const headFleet = loadFleet(join(dir, file));
  const head = { files: renderFleet(headFleet).files, paths: requestPaths(headFleet) };
  // The file as it is: rendered once per process (other tests of the group render it too).
  const { fleet: baseFleet, rendered } = render(join(ROOT, file));
  const base = { files: rendered.files, paths: requestPaths(baseFleet) };
  return formatMarkdown(diffRendered(base.files, head.files, { base: base.paths, head: head.paths }), { base: 'HEAD', head: 'working tree', config: file });
}

const docs = readFileSync(join(ROOT, 'docs/review.md'), 'utf8');
/** The ````markdown block that follows `intro` in docs/review.md. */
function shown(intro: string): string {
  const at = docs.indexOf(intro);
  assert.ok(at >= 0, `docs/review.md has ${intro}`);
  const start = docs.indexOf('````markdown\n', at) + '````markdown\n'.length;
  return docs.slice(start, docs.indexOf('\n````', start));
}

function assertShows(intro: string, produced: string): void {
  const block = shown(intro);
  if (block.endsWith('\n…')) assert.ok(produced.startsWith(block.slice(0, -1)), `${intro}\n--- docs\n${block}\n--- tool\n${produced}`);
  else assert.equal(block, produced.trimEnd());
}

describe('docs/review.md shows the comments the tool writes', () => {
  test('a small change', () => {
    assertShows('**A small change**', comment('config/fleet.yaml', (t) => t.replace('        reviews-v3: {}', '        reviews-v3: { replicas: 2 }')));
  });

  test('a fleet-wide change', () => {
    assertShows('**A fleet-wide change**', comment('config/fleet.yaml', (t) => t.replace('      - { name: 1-30-3, version: 1.30.3 }\n', '      - { name: 1-30-3, version: 1.30.3 }\n      - { name: 1-30-4, version: 1.30.4 }\n')));
  });

  test('a region move', () => {
    assertShows('**A region move**', comment('config/examples/three-regions.yaml', (t) => t
      .replace('      saopaulo:\n        reviews-v3: {}\n', '      saopaulo: {}\n')
      .replace('      virginia:\n        productpage-v1: {}\n        details-v1: {}\n', '      virginia:\n        productpage-v1: {}\n        details-v1: {}\n        reviews-v3: {}\n')));
  });
});
