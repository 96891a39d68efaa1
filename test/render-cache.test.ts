/**
 * The synth cache (scripts/lib/render-cache.ts): what one synth saves the next reads back; a cache
 * that is damaged, of another output directory, or of other code is not used, in whole or in part.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { contentHash } from '../clusters/content-hash.ts';
import { renderFleet, type RenderedFleet } from '../clusters/render.ts';
import { DETAIL_UP_TO_CLUSTERS } from '../clusters/overview.ts';
import type { KeptCost } from '../clusters/routing.ts';
import { loadFleet } from '../config/load.ts';
import type { SourceMemos } from '../config/source.ts';
import { cacheFileFor, knownFiles, loadRenderCache, packCosts, saveRenderCache, unpackCosts } from '../scripts/lib/render-cache.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { writeTree } from '../scripts/lib/write-tree.ts';
import { ROOT, tempDir } from './helpers.ts';

const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');

/** The three-regions fleet loaded with memos and rendered incrementally, by salt (see saved). */
const renders = new Map<string, { memos: SourceMemos; rendered: RenderedFleet }>();

/**
 * A cache saved for `out` under a fresh cache root, with the three-regions fleet's clusters and
 * memos. The folders are each call's own; the load and render, which the tests only read, are done
 * once per salt.
 */
function saved(salt = 'code-1') {
  const root = tempDir();
  const out = join(tempDir(), 'dist');
  let render = renders.get(salt);
  if (!render) {
    const memos: SourceMemos = new Map();
    const fleet = loadFleet(THREE_REGIONS, { memos });
    renders.set(salt, (render = { memos, rendered: renderFleet(fleet, { incremental: { salt } }) }));
  }
  const { memos, rendered } = render;
  writeTree(out, rendered.files);
  // Written a moment ago: stamped only when files this young count as settled.
  const { stamps } = writeTree(out, rendered.files, { settledMs: -1000 });
  saveRenderCache(out, { clusters: rendered.clusters, memos, routing: rendered.routing!, stamps }, salt, root);
  return { root, out, rendered, memos, stamps };
}

describe('synth cache', () => {
  test('reads back what was saved: every cluster\'s render and the memos of the same code', () => {
    const { root, out, rendered, memos, stamps } = saved();
    const cache = loadRenderCache(out, 'code-1', root);
    assert.deepEqual([...cache.clusters], [...rendered.clusters]);
    assert.deepEqual([...cache.memos], [...memos]);
    assert.deepEqual(cache.routing, rendered.routing);
    assert.ok(cache.memos.size >= 2, 'the fleet file and its app definition');
    assert.deepEqual([...cache.stamps], [...stamps]);
    assert.equal(stamps.size, rendered.files.size, 'every file of the tree stamped');
  });

  test('the known files are every cluster file the last synth wrote, with its content and stamp', () => {
    const { root, out, rendered, stamps } = saved();
    const known = knownFiles(loadRenderCache(out, 'code-1', root));
    const clusterFiles = [...rendered.files].filter(([path]) => path.startsWith('clusters/'));
    assert.deepEqual([...known.keys()].sort(), clusterFiles.map(([path]) => path).sort());
    for (const [path, content] of clusterFiles) assert.deepEqual(known.get(path), { content, stamp: stamps.get(path) }, path);
  });

  test('memos of other code are dropped, the clusters kept (their keys carry the code already)', () => {
    const { root, out, rendered } = saved();
    const cache = loadRenderCache(out, 'code-2', root);
    assert.equal(cache.memos.size, 0);
    assert.deepEqual([...cache.clusters], [...rendered.clusters]);
  });

  test('a damaged cache file is not used at all', () => {
    const { root, out } = saved();
    const file = cacheFileFor(out, root);
    const bytes = readFileSync(file);
    // Still a readable cache, one letter of a file's text changed: only the checksum tells.
    const damaged = Buffer.from(bytes);
    damaged[bytes.indexOf('apiVersion', bytes.indexOf(0x0a))] = 'A'.charCodeAt(0);
    assert.notDeepEqual(damaged, bytes);
    writeFileSync(file, damaged);
    const cache = loadRenderCache(out, 'code-1', root);
    assert.deepEqual([cache.clusters.size, cache.memos.size], [0, 0]);
    writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    assert.equal(loadRenderCache(out, 'code-1', root).clusters.size, 0);
  });

  test('a cache of an older format (an upgrade of meshfleet) is not used: the next synth renders in full', () => {
    const { root, out } = saved();
    const file = cacheFileFor(out, root);
    const bytes = readFileSync(file);
    const current = deserialize(bytes.subarray(bytes.indexOf(0x0a) + 1)) as { format: number };
    const write = (data: object) => {
      const body = serialize(data);
      writeFileSync(file, Buffer.concat([Buffer.from(`${contentHash(body)}\n`), body]));
    };
    const none = () => {
      const cache = loadRenderCache(out, 'code-1', root);
      return [cache.clusters.size, cache.memos.size, cache.stamps.size, cache.routing.costs.size];
    };
    // Refused by its number even where its layout would read as this format's.
    write({ ...current, format: current.format - 1 });
    assert.deepEqual(none(), [0, 0, 0, 0]);
    // Stamps as format 5 kept them (rows), with a valid checksum: not read in part either.
    write({ ...current, format: 5, stamps: [['FLEET.md', 1, 2, 3, 4]] });
    assert.deepEqual(none(), [0, 0, 0, 0]);
  });

  test('a cache of this format whose stamps do not add up is not used at all', () => {
    const { root, out } = saved();
    const file = cacheFileFor(out, root);
    const bytes = readFileSync(file);
    const current = deserialize(bytes.subarray(bytes.indexOf(0x0a) + 1)) as { stamps: { paths: string[]; numbers: Float64Array } };
    assert.ok(loadRenderCache(out, 'code-1', root).stamps.size > 0, 'as saved, it reads');
    // One number short, with a valid checksum: no file's stamp can be trusted.
    const body = serialize({ ...current, stamps: { ...current.stamps, numbers: current.stamps.numbers.subarray(1) } });
    writeFileSync(file, Buffer.concat([Buffer.from(`${contentHash(body)}\n`), body]));
    const cache = loadRenderCache(out, 'code-1', root);
    assert.deepEqual([cache.clusters.size, cache.memos.size, cache.stamps.size], [0, 0, 0]);
  });

  test('the cache of another output directory is not used, even under this one\'s name', () => {
    const { root, out } = saved();
    const other = join(tempDir(), 'dist');
    writeFileSync(cacheFileFor(other, root), readFileSync(cacheFileFor(out, root)));
    const cache = loadRenderCache(other, 'code-1', root);
    assert.deepEqual([cache.clusters.size, cache.memos.size], [0, 0]);
  });
});

describe('packed kept costs', () => {
  test('unpack gives back what was packed: rows of any width, costs not computed, services left unserved', () => {
    const costs = new Map<string, (KeptCost | null)[]>([
      ['a|', [[797.4108775510206], null, [0], [1e-9, 'reviews', 'ratings'], null]],
      ['b|us-east1', []],
      ['c|', [null, [Number.MAX_VALUE, 'details']]],
    ]);
    const packed = packCosts(costs);
    assert.deepEqual(unpackCosts(packed), costs);
    assert.deepEqual(unpackCosts(deserialize(serialize(packed)) as ReturnType<typeof packCosts>), costs, 'through V8\'s serializer, as the cache file keeps it');
    assert.equal(packed.ms.length, 7);
    assert.deepEqual(packed.unserved, [[3, 'reviews', 'ratings'], [6, 'details']]);
    // Widths that do not add up to the milliseconds (a cache that cannot be what save wrote): refused.
    assert.throws(() => unpackCosts({ ...packed, widths: Uint32Array.from([5, 0, 1]) }), /disagree/);
  });

  test('a fleet above the detail limit keeps costs, computed and not, and they survive the cache', () => {
    // Costs are kept only above DETAIL_UP_TO_CLUSTERS (FLEET.md summarizes paths there).
    const fleet = loadFleet(writeSyntheticFleet(tempDir(), { clusters: DETAIL_UP_TO_CLUSTERS + 2, services: 3 }));
    const { routing } = renderFleet(fleet, { incremental: { salt: 'code-1' } });
    const rows = [...routing!.costs.values()].flat();
    assert.ok(rows.some((c) => c === null) && rows.some((c) => c !== null), 'both kinds present');
    const root = tempDir();
    const out = join(tempDir(), 'dist');
    saveRenderCache(out, { clusters: new Map(), memos: new Map(), routing: routing!, stamps: new Map() }, 'code-1', root);
    assert.deepEqual(loadRenderCache(out, 'code-1', root).routing, routing);
  });
});
