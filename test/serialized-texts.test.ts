/**
 * The serialized texts a process keeps across renders (clusters/serialized-texts.ts): a text is
 * made once per key, the store stays within two generations of its budget, and a text still asked
 * for survives the turn of a generation. A render that shares it gives the bytes of a render alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { SerializedTexts } from '../clusters/serialized-texts.ts';
import { loadFleet } from '../config/load.ts';
import { ROOT } from './helpers.ts';

/** A store of `budget` characters, and the keys it had to make. */
function store(budget: number) {
  const made: string[] = [];
  const texts = new SerializedTexts(budget);
  const get = (key: string) => texts.get(key, () => {
    made.push(key);
    return `text of ${key}`;
  });
  return { get, made };
}

describe('serialized texts kept across renders', () => {
  test('a text is made once per key, and the same text is given back', () => {
    const { get, made } = store(1000);
    assert.equal(get('a'), 'text of a');
    assert.equal(get('b'), 'text of b');
    assert.equal(get('a'), 'text of a');
    assert.deepEqual(made, ['a', 'b']);
  });

  test('bounded: a full generation turns older, the one before it is dropped; a text asked for moves to the newer', () => {
    // Each entry costs 1 + 9 characters; a generation turns when it passes 25 (the third entry).
    const { get, made } = store(25);
    for (const key of ['a', 'b', 'c']) get(key);
    // a, b, c: older. d, a (moved from older), e: newer, which then turns older; a, b, c dropped.
    for (const key of ['d', 'a', 'e']) get(key);
    assert.deepEqual(made, ['a', 'b', 'c', 'd', 'e']);
    get('b');
    get('a');
    assert.deepEqual(made.slice(5), ['b'], 'b was dropped, a was kept by being asked for');
    for (let i = 0; i < 100; i++) get(`k${i}`);
    get('c');
    assert.equal(made.at(-1), 'c', 'nothing is kept forever');
  });

  test('a render after others in the same process gives the bytes of dist/, which synth rendered in a process of its own', () => {
    // Other fleets first: the default fleet's documents they share are taken from the store.
    for (const example of ['three-regions', 'multi-network']) renderFleet(loadFleet(join(ROOT, `config/examples/${example}.yaml`)));
    const { files } = renderFleet(loadFleet(join(ROOT, 'config/fleet.yaml')));
    for (const [path, text] of files) assert.equal(text, readFileSync(join(ROOT, 'dist', path), 'utf8'), path);
  });
});
