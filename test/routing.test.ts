/**
 * Routing as data (clusters/routing.ts): per region of users, each hop of a request, the clusters
 * serving it and their shares, the estimated round trip and egress class; the same with a region
 * down. And the estimates themselves (config/regions.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GCP_REGIONS } from '../config/gcp-regions.ts';
import type { App, Fleet } from '../config/model.ts';
import { egressClass, estimatedRttMs, FIBRE_KM_PER_MS, regionDistanceKm, ROUTE_FACTOR } from '../config/regions.ts';
import { clustersServing, requestPaths, type Hop, type Target } from '../clusters/routing.ts';
import { DEFAULT_FLEET, ROOT, render } from './helpers.ts';

const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');
const FRA = 'europe-west3';
const SAO = 'southamerica-east1';
const RTT = estimatedRttMs(FRA, SAO);

const target = (cluster: string, region: string, share: number, from: string): Target =>
  ({ cluster, region, share, rttMs: estimatedRttMs(from, region), egress: egressClass(from, region) });

/** A hop, its derived fields computed the way the module documents them. */
function hop(caller: string, callee: string, from: string, fromRegion: string, locality: Hop['locality'], share: number, targets: Target[]): Hop {
  const remote = targets.filter((t) => t.region !== fromRegion);
  return {
    caller,
    callee,
    from,
    servedBy: targets.map((t) => t.cluster),
    locality,
    crossRegion: remote.length === 0 ? 'no' : remote.length === targets.length ? 'yes' : 'some',
    share,
    targets,
    rttMs: targets.reduce((sum, t) => sum + t.share * t.rttMs, 0),
    egress: targets.some((t) => t.egress === 'intercontinental') ? 'intercontinental' : targets.some((t) => t.egress === 'continent') ? 'continent' : 'none',
  };
}

describe('estimates between regions', () => {
  test('round trip: great-circle distance × route factor, there and back, at the speed of light in fibre; 0 within a region', () => {
    assert.equal(estimatedRttMs(FRA, FRA), 0);
    assert.equal(RTT, Math.round((2 * regionDistanceKm(FRA, SAO) * ROUTE_FACTOR) / FIBRE_KM_PER_MS));
    assert.ok(RTT > 130 && RTT < 170, `${RTT} ms`);
    assert.ok(estimatedRttMs(FRA, 'europe-west1') < 10);
    assert.equal(estimatedRttMs(SAO, FRA), RTT);
  });

  test('egress class by Google\'s pricing geolocations', () => {
    assert.equal(egressClass(FRA, FRA), 'none');
    assert.equal(egressClass(FRA, 'europe-west1'), 'continent');
    assert.equal(egressClass('us-east1', 'northamerica-northeast1'), 'continent');
    assert.equal(egressClass(FRA, SAO), 'intercontinental');
    assert.equal(egressClass('me-west1', 'africa-south1'), 'continent', 'Middle East/Africa is one geolocation');
    for (const [name, r] of Object.entries(GCP_REGIONS)) assert.ok(r.continent, name);
  });
});

describe('requestPaths: default fleet', () => {
  const { fleet } = render(DEFAULT_FLEET);
  const paths = requestPaths(fleet);
  // reviews is spread over 3 pods: v1 and v2 in frankfurt, v3 in saopaulo.
  const reviews = [target('frankfurt', FRA, 2 / 3, FRA), target('saopaulo', SAO, 1 / 3, FRA)];
  const fromFrankfurt = [
    hop('ingress', 'productpage', 'frankfurt', FRA, 'prefer-local', 1, [target('frankfurt', FRA, 1, FRA)]),
    hop('productpage', 'details', 'frankfurt', FRA, 'prefer-local', 1, [target('frankfurt', FRA, 1, FRA)]),
    hop('productpage', 'reviews', 'frankfurt', FRA, 'spread', 1, reviews),
    hop('reviews', 'ratings', 'frankfurt', FRA, 'prefer-local', 2 / 3, [target('frankfurt', FRA, 1, FRA)]),
    hop('reviews', 'ratings', 'saopaulo', SAO, 'prefer-local', 1 / 3, [target('frankfurt', FRA, 1, SAO)]),
  ];

  test('users near frankfurt: reviews spread by pods (2/3 local, 1/3 São Paulo), and São Paulo\'s third crosses back for ratings', () => {
    const p = paths[0]!;
    assert.deepEqual(p.hops, [hop('users', 'ingress', 'frankfurt', FRA, 'nearest', 1, [{ cluster: 'frankfurt', region: FRA, share: 1, rttMs: 0, egress: 'none' }]), ...fromFrankfurt]);
    assert.equal(p.entry, 'frankfurt');
    assert.equal(p.crossRegionHops, 2);
    assert.equal(p.intercontinentalHops, 2);
    assert.ok(Math.abs(p.addedMs - (RTT / 3 + RTT / 3)) < 1e-9, `${p.addedMs}`);
    assert.deepEqual(p.unserved, []);
  });

  test('users near saopaulo: no ingress there, so the first hop crosses the Atlantic (internet, not inter-region egress)', () => {
    const p = paths[1]!;
    assert.deepEqual(p.hops[0], hop('users', 'ingress', 'saopaulo', SAO, 'nearest', 1, [{ cluster: 'frankfurt', region: FRA, share: 1, rttMs: RTT, egress: 'none' }]));
    assert.deepEqual(p.hops.slice(1), fromFrankfurt);
    assert.ok(Math.abs(p.addedMs - (RTT + (2 * RTT) / 3)) < 1e-9);
    assert.equal(p.intercontinentalHops, 2);
  });

  test('São Paulo down: reviews served by frankfurt alone, no hop leaves Frankfurt; Frankfurt down: no ingress left, no path', () => {
    const down = requestPaths(fleet, { down: SAO });
    assert.deepEqual(down.map((p) => [p.users, p.entry, p.crossRegionHops]), [['frankfurt', 'frankfurt', 0], ['saopaulo', 'frankfurt', 1]]);
    assert.deepEqual(down[0]!.hops.find((h) => h.callee === 'reviews')!.targets, [target('frankfurt', FRA, 1, FRA)]);
    assert.deepEqual(requestPaths(fleet, { down: FRA }), []);
  });

  test('pods decide the shares of a spread service: reviews-v3 with 2 replicas gets half', () => {
    const app = fleet.apps[0]!;
    const twoV3: App = { ...app, placements: app.placements.map((p) => (p.workload.name === 'reviews-v3' ? { ...p, replicas: 2 } : p)) };
    const hops = requestPaths({ ...fleet, apps: [twoV3] })[0]!.hops;
    assert.deepEqual(hops.find((h) => h.callee === 'reviews')!.targets.map((t) => t.share), [0.5, 0.5]);
  });

  test('per-version weights split first, then locality: v1 80 / v3 20 prefer-local from Frankfurt', () => {
    const app = fleet.apps[0]!;
    const weighted: App = { ...app, services: app.services.map((s) => (s.name === 'reviews' ? { ...s, locality: 'prefer-local', weights: { v1: 80, v3: 20 } } : s)) };
    const reviews = requestPaths({ ...fleet, apps: [weighted] })[0]!.hops.find((h) => h.callee === 'reviews')!;
    assert.deepEqual(reviews.targets.map((t) => [t.cluster, Math.round(t.share * 100)]), [['frankfurt', 80], ['saopaulo', 20]]);
  });

  test('a call that closes a cycle is not followed', () => {
    const app = fleet.apps[0]!;
    const cyclic: App = { ...app, services: app.services.map((s) => (s.name === 'ratings' ? { ...s, calls: ['reviews'] } : s)) };
    const hops = requestPaths({ ...fleet, apps: [cyclic] })[0]!.hops;
    assert.deepEqual(hops.map((h) => `${h.caller}→${h.callee}@${h.from}`), [
      'users→ingress@frankfurt', 'ingress→productpage@frankfurt', 'productpage→details@frankfurt', 'productpage→reviews@frankfurt',
      'reviews→ratings@frankfurt', 'reviews→ratings@saopaulo',
    ]);
  });

  test('calls of one service reached along two routes are listed once, their shares summed; a service nothing runs is unserved', () => {
    const app = fleet.apps[0]!;
    // details and reviews both call ratings, which calls stars (defined, placed nowhere).
    const stars = { ...app.services.find((s) => s.name === 'ratings')!, name: 'stars', calls: [] };
    const diamond: App = {
      ...app,
      services: [...app.services.map((s) => (s.name === 'details' ? { ...s, calls: ['ratings'] } : s.name === 'ratings' ? { ...s, calls: ['stars'] } : s)), stars],
    };
    const p = requestPaths({ ...fleet, apps: [diamond] })[0]!;
    // ratings runs only in frankfurt: 1 call from details + 2/3 + 1/3 from reviews = 2 per request.
    const toStars = p.hops.filter((h) => h.callee === 'stars');
    assert.deepEqual(toStars.map((h) => [h.from, h.share, h.targets.length]), [['frankfurt', 2, 0]]);
    assert.deepEqual(p.unserved, ['stars']);
  });
});

describe('requestPaths: three regions', () => {
  const { fleet } = render(THREE_REGIONS);

  test('São Paulo users enter in Virginia (us-east1, the nearest ingress)', () => {
    const p = requestPaths(fleet).find((x) => x.users === 'saopaulo')!;
    assert.equal(p.entry, 'virginia');
    assert.equal(p.hops[0]!.targets[0]!.rttMs, estimatedRttMs(SAO, 'us-east1'));
  });

  test('Frankfurt down: every user enters in Virginia; ratings runs nowhere else, so calls to it are unserved; reviews only in São Paulo', () => {
    const down = requestPaths(fleet, { down: FRA });
    assert.deepEqual(down.map((p) => [p.users, p.entry]), [['frankfurt', 'virginia'], ['saopaulo', 'virginia'], ['virginia', 'virginia']]);
    for (const p of down) assert.deepEqual(p.unserved, ['ratings'], p.users);
    const reviews = down[0]!.hops.find((h) => h.callee === 'reviews')!;
    assert.deepEqual(reviews.targets.map((t) => t.cluster), ['saopaulo']);
  });
});

describe('clustersServing: locality routing', () => {
  const { fleet } = render(DEFAULT_FLEET);
  const app = fleet.apps[0]!;
  const svc = (name: string) => app.services.find((s) => s.name === name)!;
  const cluster = (name: string) => fleet.clusters.find((c) => c.name === name)!;

  test('prefer-local without a local endpoint: the failover region when it has one, else the nearest region that does', () => {
    // Three regions: iowa (us-central1) is saopaulo's failover region, but runs no ratings.
    const iowa = { ...cluster('saopaulo'), name: 'iowa', region: 'us-central1' };
    const threeRegions: Fleet = { ...fleet, clusters: [...fleet.clusters, iowa] };
    assert.deepEqual(clustersServing(threeRegions, app, svc('ratings'), cluster('saopaulo')), ['frankfurt']);
    const withIowaRatings = { ...app, placements: [...app.placements, { ...app.placements.find((p) => p.workload.name === 'ratings-v1')!, cluster: 'iowa' }] };
    assert.deepEqual(clustersServing(threeRegions, withIowaRatings, svc('ratings'), cluster('saopaulo')), ['iowa']);
    assert.deepEqual(clustersServing(threeRegions, withIowaRatings, svc('ratings'), cluster('frankfurt')), ['frankfurt']);
  });

  test('a workload scaled to 0 serves nothing; per-version weights pick per version', () => {
    const noRatings = { ...app, placements: app.placements.map((p) => (p.workload.name === 'ratings-v1' ? { ...p, replicas: 0 } : p)) };
    assert.deepEqual(clustersServing(fleet, noRatings, svc('ratings'), cluster('frankfurt')), []);
    const local = { ...svc('reviews'), locality: 'prefer-local' as const };
    assert.deepEqual(clustersServing(fleet, app, local, cluster('frankfurt')), ['frankfurt']);
    assert.deepEqual(clustersServing(fleet, app, { ...local, weights: { v1: 50, v3: 50 } }, cluster('frankfurt')), ['frankfurt', 'saopaulo']);
  });
});
