/**
 * The loader validates a file again only when its text changed (config/load.ts `validateWithMemo`):
 * the schema's output rides on the file's parse memo (`SourceMemo.valid`), which the synth cache
 * keeps; an edited file is parsed and validated afresh.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { SourceMemos } from '../config/source.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { DEFAULT_FLEET, EXAMPLES, render, tempDir } from './helpers.ts';

/** The memo of the file whose path ends with `name`. */
const memoOf = (memos: SourceMemos, name: string) => [...memos].find(([file]) => file.endsWith(`/${name}`))!;

describe('validation kept on the parse memo', () => {
  test('the first load keeps each valid output with the kind of file; the next load uses it, and loads the same fleet', () => {
    const file = writeSyntheticFleet(tempDir(), { clusters: 4, services: 3 });
    const memos: SourceMemos = new Map();
    const first = loadFleet(file, { memos });
    assert.equal(memoOf(memos, 'fleet.yaml')[1].valid?.what, 'a fleet file');
    assert.equal(memoOf(memos, 'shop.yaml')[1].valid?.what, 'an app definition');
    // Through JSON, the strictest trip a kept output must survive (the synth cache keeps it exactly).
    const kept: SourceMemos = new Map(JSON.parse(JSON.stringify([...memos])));
    assert.deepEqual(loadFleet(file, { memos: kept }), first);
    assert.deepEqual(loadFleet(file, { memos: kept }), loadFleet(file));
  });

  test('a kept output is taken as is while the text is the same; an edit validates again', () => {
    const file = writeSyntheticFleet(tempDir(), { clusters: 4, services: 3 });
    const memos: SourceMemos = new Map();
    loadFleet(file, { memos });
    // A kept output that differs from what the schema would give shows which one the loader used.
    const [path, memo] = memoOf(memos, 'fleet.yaml');
    const value = JSON.parse(JSON.stringify(memo.valid!.value)) as { mesh: { id: string } };
    value.mesh.id = 'from-the-memo';
    memos.set(path, { ...memo, valid: { what: memo.valid!.what, value } });
    assert.equal(loadFleet(file, { memos }).mesh.id, 'from-the-memo');
    // Kept for another kind of file: not used.
    memos.set(path, { ...memo, valid: { what: 'an app definition', value } });
    assert.notEqual(loadFleet(file, { memos }).mesh.id, 'from-the-memo');
    // The file edited: parsed from the memo, validated again.
    memos.set(path, { ...memo, valid: { what: memo.valid!.what, value } });
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^( +maxNodes: )(\d+)$/m, (_, key: string, n: string) => `${key}${Number(n) + 1}`));
    const edited = loadFleet(file, { memos });
    assert.notEqual(edited.mesh.id, 'from-the-memo');
    assert.deepEqual(edited, loadFleet(file));
  });

  test('a fleet loaded from kept outputs renders the same bytes (JSON gives shared defaults their own copies, which YAML must not tell)', () => {
    for (const file of [DEFAULT_FLEET, EXAMPLES.find((f) => f.endsWith('/three-regions.yaml'))!]) {
      const memos: SourceMemos = new Map();
      loadFleet(file, { memos });
      const kept: SourceMemos = new Map(JSON.parse(JSON.stringify([...memos])));
      assert.deepEqual([...renderFleet(loadFleet(file, { memos: kept })).files], [...render(file).rendered.files], file);
    }
  });
});
