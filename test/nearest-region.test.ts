/**
 * `nearestOtherRegion` picks in one pass what `byDistanceFrom` sorts: the same region for every
 * region of gcp-regions.ts and candidate lists of every size (locality failover depends on it).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GCP_REGIONS } from '../config/gcp-regions.ts';
import { nearestOtherRegion } from '../config/regions.ts';
import { byDistanceFrom } from './helpers.ts';

describe('nearestOtherRegion', () => {
  test('is the first of byDistanceFrom without the region itself, for every region and candidate list', () => {
    const regions = Object.keys(GCP_REGIONS);
    let checked = 0;
    for (const from of regions) {
      // Candidate lists: growing prefixes of a rotation, the region itself and repeats included.
      const start = regions.indexOf(from);
      const rotated = [...regions.slice(start), ...regions.slice(0, start)].reverse();
      for (let n = 0; n <= rotated.length; n += 7) {
        const candidates = [...rotated.slice(0, n), ...rotated.slice(0, 2)];
        assert.equal(nearestOtherRegion(from, candidates), byDistanceFrom(from, candidates.filter((r) => r !== from))[0], `${from} among ${n}`);
        checked++;
      }
    }
    assert.ok(checked > regions.length);
  });
});
