/**
 * `pathCosts` (the region-failure table's figures for large fleets, each service costed once per
 * region) gives what `requestPaths` gives hop by hop: the same entry, estimated added latency and
 * unserved calls, with every region up and with each region down.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { FleetIndex, pathCosts, regionDownCosts, requestPaths, type RoutingOptions } from '../clusters/routing.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, tempDir } from './helpers.ts';

describe('pathCosts equals requestPaths', () => {
  const fleets = [DEFAULT_FLEET, ...EXAMPLES, writeSyntheticFleet(join(tempDir(), 'fleet'), { clusters: 9, services: 7 })];
  for (const file of fleets) {
    test(file.startsWith(ROOT) ? file.slice(ROOT.length) : 'synthetic 9x7', () => {
      const fleet = loadFleet(file);
      const variants: RoutingOptions[] = [{}, ...[...new FleetIndex(fleet).byRegion.keys()].map((down) => ({ down }))];
      const shared = regionDownCosts(fleet);
      for (const options of variants) {
        const byPath = requestPaths(fleet, options);
        // With a region down, both ways: on its own, and sharing the every-region-up routing.
        for (const costs of options.down ? [pathCosts(fleet, options), shared.get(options.down)!] : [pathCosts(fleet, options)]) {
        assert.deepEqual(costs.map((c) => [c.app, c.users, c.entry]), byPath.map((p) => [p.app, p.users, p.entry]), `down ${options.down}`);
        costs.forEach((c, i) => {
          const p = byPath[i]!;
          assert.ok(Math.abs(c.addedMs - p.addedMs) < 1e-6, `${c.users}, down ${options.down}: ${c.addedMs} vs ${p.addedMs}`);
          assert.deepEqual([...c.unserved].sort(), [...p.unserved].sort(), `${c.users}, down ${options.down}`);
        });
        }
      }
    });
  }
});

describe('region-down routings derived from the every-region-up one', () => {
  // A fleet of more regions than the detail limit, thinned at random so that services run in some
  // regions only (failover to another region, or to every cluster), routed versions vanish from
  // regions, and replicas differ: every way a call's targets can change with a region down.
  const base = loadFleet(writeSyntheticFleet(join(tempDir(), 'fleet'), { clusters: 16, services: 7 }));
  for (const seed of [1, 2, 3]) {
    test(`synthetic 16x7 thinned (scramble ${seed}): the same costs as routing each region down on its own`, () => {
      // A fixed scramble of each placement's position: about 45% kept, a third of those rescaled.
      const mix = (i: number) => ((i + 1) * 2654435761 * seed) % 997 / 997;
      const apps = base.apps.map((a) => ({
        ...a,
        placements: a.placements.filter((_, i) => mix(i) < 0.45).map((p, i) => (mix(i + 5000) < 0.3 ? { ...p, replicas: 1 + (i % 4), autoscaling: undefined } : p)),
      }));
      const fleet = { ...base, apps };
      const shared = regionDownCosts(fleet);
      for (const down of new FleetIndex(fleet).byRegion.keys()) {
        const own = pathCosts(fleet, { down });
        assert.deepEqual(shared.get(down), own, `down ${down}`);
        const byPath = requestPaths(fleet, { down });
        own.forEach((c, i) => assert.ok(Math.abs(c.addedMs - byPath[i]!.addedMs) < 1e-6, `${c.users}, down ${down}`));
      }
    });
  }
});
