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
