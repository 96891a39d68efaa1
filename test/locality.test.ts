/**
 * Locality: where regions are (config/gcp-regions.ts), what "nearest" means, and the failover each
 * service's DestinationRule renders: per service, to the nearest region that runs it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { GCP_REGIONS } from '../config/gcp-regions.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { nearestOtherRegion, regionDistanceKm } from '../config/regions.ts';
import { regionsRunning } from '../config/model.ts';
import { byDistanceFrom, DEFAULT_FLEET, EXAMPLES, ROOT, mustFind, objectsOf, readText, render, writeFixture, type K8sObject } from './helpers.ts';

const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');
type Failover = { from: string; to: string }[] | undefined;
const failoverOf = (dr: K8sObject): Failover =>
  (dr.spec as { trafficPolicy: { loadBalancer: { localityLbSetting: { failover?: { from: string; to: string }[] } } } }).trafficPolicy.loadBalancer.localityLbSetting.failover;

describe('region locations', () => {
  test('every region has a location and coordinates on the globe, and a name GKE accepts', () => {
    for (const [name, r] of Object.entries(GCP_REGIONS)) {
      assert.match(name, /^[a-z]+-[a-z]+\d+$/, name);
      assert.ok(r.location.length > 0, name);
      assert.ok(r.lat >= -90 && r.lat <= 90 && r.lon >= -180 && r.lon <= 180, name);
    }
  });

  test('distances are real: São Paulo is nearer to South Carolina than to Frankfurt; Belgium is next door to Frankfurt', () => {
    assert.ok(regionDistanceKm('southamerica-east1', 'us-east1') < regionDistanceKm('southamerica-east1', 'europe-west3'));
    assert.ok(Math.abs(regionDistanceKm('southamerica-east1', 'us-east1') - 7000) < 300, `${regionDistanceKm('southamerica-east1', 'us-east1')} km`);
    assert.ok(Math.abs(regionDistanceKm('europe-west3', 'southamerica-east1') - 9800) < 300);
    assert.ok(regionDistanceKm('europe-west3', 'europe-west1') < 500);
    assert.equal(regionDistanceKm('europe-west3', 'us-east1'), regionDistanceKm('us-east1', 'europe-west3'));
    assert.equal(regionDistanceKm('us-east1', 'us-east1'), 0);
  });

  test('nearest first, ties by name; the region itself is never its own failover', () => {
    assert.deepEqual(byDistanceFrom('southamerica-east1', ['europe-west3', 'us-east1', 'southamerica-west1']), ['southamerica-west1', 'us-east1', 'europe-west3']);
    assert.equal(nearestOtherRegion('us-east1', ['us-east1']), undefined);
    assert.equal(nearestOtherRegion('us-east1', ['us-east1', 'europe-west3', 'asia-northeast1']), 'europe-west3');
  });

  test('an unknown region is a config error at its field', () => {
    const file = writeFixture('fleet.yaml', readText(join(ROOT, 'test/fixtures/base-fleet.yaml')).replace('region: southamerica-east1', 'region: southamerica-east9'));
    assert.throws(() => loadFleet(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => formatProblem({ ...p, file: 'F' })), [
        'F:14:13 clusters[1].region: unknown GCP region (got "southamerica-east9", expected a region of config/gcp-regions.ts such as europe-west3; add a new region there with its location)',
      ]);
      return true;
    });
  });
});

describe('failover is per service, to the nearest region that runs it', () => {
  test('three regions: productpage fails over from Frankfurt to Virginia, never to São Paulo, which runs none', () => {
    const { rendered } = render(THREE_REGIONS);
    const traffic = objectsOf(rendered, 'frankfurt', 'apps');
    assert.deepEqual(failoverOf(mustFind(traffic, 'DestinationRule', 'productpage', 'bookinfo')), [
      { from: 'europe-west3', to: 'us-east1' },
      { from: 'southamerica-east1', to: 'us-east1' },
      { from: 'us-east1', to: 'europe-west3' },
    ]);
    // ratings runs in Frankfurt only: every other region fails over there, Frankfurt has nowhere to go.
    assert.deepEqual(failoverOf(mustFind(traffic, 'DestinationRule', 'ratings', 'bookinfo')), [
      { from: 'southamerica-east1', to: 'europe-west3' },
      { from: 'us-east1', to: 'europe-west3' },
    ]);
  });

  test('default fleet: details runs in Frankfurt only, so only São Paulo has a failover entry', () => {
    const traffic = objectsOf(render(DEFAULT_FLEET).rendered, 'frankfurt', 'apps');
    assert.deepEqual(failoverOf(mustFind(traffic, 'DestinationRule', 'details', 'bookinfo')), [{ from: 'southamerica-east1', to: 'europe-west3' }]);
  });

  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    test(`${file.replace(ROOT, '')}: every failover target runs the service and is the nearest that does`, () => {
      const { fleet, rendered } = render(file);
      let checked = 0;
      for (const app of fleet.apps) {
        for (const primary of fleet.clusters.filter((c) => c.role === 'primary')) {
          for (const svc of app.services) {
            const dr = mustFind(objectsOf(rendered, primary.name, 'apps'), 'DestinationRule', svc.name, app.namespace);
            const serving = regionsRunning(fleet, app, svc.name);
            for (const { from, to } of failoverOf(dr) ?? []) {
              assert.ok(serving.includes(to), `${svc.name}: ${from} → ${to}, which runs no ${svc.name}`);
              assert.equal(to, byDistanceFrom(from, serving.filter((r) => r !== from))[0], `${svc.name} from ${from}`);
              checked++;
            }
          }
        }
      }
      if (fleet.clusters.some((c) => c.region !== fleet.clusters[0]!.region)) assert.ok(checked > 0);
    });
  }
});
