/**
 * dist/FLEET.md: the topology diagram (clusters by region, control-plane links, workloads, ingress
 * points), the placement table, and the request paths under locality routing with their
 * cross-region hops — for the default fleet and the global-frontends example.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clustersServing, renderOverview, requestPaths, type Hop } from '../clusters/overview.ts';
import type { Fleet } from '../config/model.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, render } from './helpers.ts';

const GLOBAL_FRONTENDS = join(ROOT, 'config/examples/global-frontends.yaml');
const overviewOf = (file: string): string => render(file).rendered.files.get('FLEET.md')!;

/** The lines of a Markdown section, from its heading to the next heading of the same level or above. */
function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `FLEET.md has ${heading}`);
  const level = heading.match(/^#+/)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.match(/^#+/)![0].length <= level);
  return lines.slice(start, end === -1 ? undefined : end);
}

const hop = (caller: string, callee: string, from: string, servedBy: string[], locality: Hop['locality'], crossRegion: Hop['crossRegion']): Hop =>
  ({ caller, callee, from, servedBy, locality, crossRegion });

describe('FLEET.md request paths: default fleet', () => {
  const { fleet } = render(DEFAULT_FLEET);

  const DEFAULT_HOPS_FROM_FRANKFURT = [
    hop('ingress', 'productpage', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
    hop('productpage', 'details', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
    hop('productpage', 'reviews', 'frankfurt', ['frankfurt', 'saopaulo'], 'spread', 'some'),
    hop('reviews', 'ratings', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
    hop('reviews', 'ratings', 'saopaulo', ['frankfurt'], 'prefer-local', 'yes'),
  ];

  test('users near frankfurt: productpage and details local, reviews spread to saopaulo, saopaulo\'s reviews-v3 crosses back for ratings', () => {
    assert.deepEqual(requestPaths(fleet)[0], {
      app: 'bookinfo',
      users: 'frankfurt',
      entry: 'frankfurt',
      hops: [hop('users', 'ingress', 'frankfurt', ['frankfurt'], 'nearest', 'no'), ...DEFAULT_HOPS_FROM_FRANKFURT],
      crossRegionHops: 2,
    });
  });

  test('users near saopaulo: no ingress there, so the first hop crosses the Atlantic to frankfurt (the seed\'s pain)', () => {
    assert.deepEqual(requestPaths(fleet)[1], {
      app: 'bookinfo',
      users: 'saopaulo',
      entry: 'frankfurt',
      hops: [hop('users', 'ingress', 'saopaulo', ['frankfurt'], 'nearest', 'yes'), ...DEFAULT_HOPS_FROM_FRANKFURT],
      crossRegionHops: 3,
    });
  });

  test('the tables say so', () => {
    const md = overviewOf(DEFAULT_FLEET);
    const paths = section(md, '## Request paths');
    assert.ok(paths.includes('Entry points: the ingress gateway of frankfurt, each on its own address; users are assumed to reach the nearest one.'));
    assert.ok(paths.includes('| frankfurt (europe-west3) | frankfurt (europe-west3) | bookinfo | 6 | 2 |'));
    assert.ok(paths.includes('| saopaulo (southamerica-east1) | **frankfurt (europe-west3)** | bookinfo | 6 | 3 |'));
    assert.deepEqual(section(md, '### `bookinfo`: users near saopaulo (southamerica-east1)').slice(4, 6), [
      '| users → ingress | saopaulo | frankfurt ingress gateway | nearest | **yes** (frankfurt) |',
      '| ingress → productpage | frankfurt | frankfurt (v1) | prefer-local | no |',
    ]);
    assert.deepEqual(section(md, '### `bookinfo`: users near frankfurt (europe-west3)'), [
      '### `bookinfo`: users near frankfurt (europe-west3)',
      '',
      '| call | from | served by | routing | cross-region |',
      '|---|---|---|---|---|',
      '| users → ingress | frankfurt | frankfurt ingress gateway | nearest | no |',
      '| ingress → productpage | frankfurt | frankfurt (v1) | prefer-local | no |',
      '| productpage → details | frankfurt | frankfurt (v1) | prefer-local | no |',
      '| productpage → reviews | frankfurt | any of frankfurt (v1, v2), saopaulo (v3) | spread | **some requests** (saopaulo) |',
      '| reviews → ratings | frankfurt | frankfurt (v1) | prefer-local | no |',
      '| reviews → ratings | saopaulo | frankfurt (v1) | prefer-local | **yes** (frankfurt) |',
      '',
      '2 cross-region hops of 6.',
      '',
    ]);
  });

  test('topology: clusters grouped by region, workloads per cluster, ingress point, control-plane link', () => {
    const diagram = section(overviewOf(DEFAULT_FLEET), '## Topology').join('\n');
    assert.ok(diagram.includes([
      '  subgraph region_europe_west3["europe-west3"]',
      '    subgraph cluster_frankfurt["frankfurt: primary, istiod"]',
      '      frankfurt_ingress{{"ingress gateway"}}',
      '      frankfurt_eastwest{{"east-west gateway<br/>10.10.15.250"}}',
      '      frankfurt_bookinfo["bookinfo<br/>productpage-v1 ×1<br/>details-v1 ×1<br/>ratings-v1 ×1<br/>reviews-v1 ×1<br/>reviews-v2 ×1"]',
      '    end',
      '  end',
      '  subgraph region_southamerica_east1["southamerica-east1"]',
      '    subgraph cluster_saopaulo["saopaulo: remote of frankfurt"]',
      '      saopaulo_bookinfo["bookinfo<br/>reviews-v3 ×1"]',
      '    end',
      '  end',
      '  frankfurt_users(("users near frankfurt")) --> frankfurt_ingress',
      // No ingress in São Paulo: its users are drawn crossing to Frankfurt's.
      '  saopaulo_users(("users near saopaulo")) --> frankfurt_ingress',
      '  frankfurt_ingress -- "productpage" --> frankfurt_bookinfo',
      '  cluster_frankfurt -- "control plane" --> cluster_saopaulo',
    ].join('\n')), diagram);
  });

  test('the placement table and the traffic locality line', () => {
    const app = section(overviewOf(DEFAULT_FLEET), '## App `bookinfo` (namespace `bookinfo`)');
    assert.ok(app.includes('| reviews-v3 |  | 1 |'));
    assert.ok(app.includes('| productpage-v1 | 1 |  |'));
    assert.ok(app.includes('Traffic locality — `prefer-local`: productpage, details, ratings; `spread`: reviews.'));
  });
});

describe('FLEET.md request paths: global-frontends example', () => {
  const { fleet } = render(GLOBAL_FRONTENDS);

  test('frankfurt users stay in frankfurt; são paulo users are served productpage and reviews (v3) locally, details and ratings from frankfurt', () => {
    assert.deepEqual(requestPaths(fleet), [
      {
        app: 'bookinfo',
        users: 'frankfurt',
        entry: 'frankfurt',
        hops: [
          hop('users', 'ingress', 'frankfurt', ['frankfurt'], 'nearest', 'no'),
          hop('ingress', 'productpage', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
          hop('productpage', 'details', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
          hop('productpage', 'reviews', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
          hop('reviews', 'ratings', 'frankfurt', ['frankfurt'], 'prefer-local', 'no'),
        ],
        crossRegionHops: 0,
      },
      {
        app: 'bookinfo',
        users: 'saopaulo',
        entry: 'saopaulo',
        hops: [
          hop('users', 'ingress', 'saopaulo', ['saopaulo'], 'nearest', 'no'),
          hop('ingress', 'productpage', 'saopaulo', ['saopaulo'], 'prefer-local', 'no'),
          hop('productpage', 'details', 'saopaulo', ['frankfurt'], 'prefer-local', 'yes'),
          hop('productpage', 'reviews', 'saopaulo', ['saopaulo'], 'prefer-local', 'no'),
          hop('reviews', 'ratings', 'saopaulo', ['frankfurt'], 'prefer-local', 'yes'),
        ],
        crossRegionHops: 2,
      },
    ]);
  });

  test('the tables say so, and both ingress points are drawn', () => {
    const md = overviewOf(GLOBAL_FRONTENDS);
    const summary = section(md, '## Request paths');
    assert.ok(summary.includes('| frankfurt (europe-west3) | frankfurt (europe-west3) | bookinfo | 5 | 0 |'));
    assert.ok(summary.includes('| saopaulo (southamerica-east1) | saopaulo (southamerica-east1) | bookinfo | 5 | 2 |'), 'a São Paulo user\'s first hop is in São Paulo');
    assert.deepEqual(section(md, '### `bookinfo`: users near saopaulo (southamerica-east1)').slice(4, 9), [
      '| users → ingress | saopaulo | saopaulo ingress gateway | nearest | no |',
      '| ingress → productpage | saopaulo | saopaulo (v1) | prefer-local | no |',
      '| productpage → details | saopaulo | frankfurt (v1) | prefer-local | **yes** (frankfurt) |',
      '| productpage → reviews | saopaulo | saopaulo (v3) | prefer-local | no |',
      '| reviews → ratings | saopaulo | frankfurt (v1) | prefer-local | **yes** (frankfurt) |',
    ]);
    // The example has a global entry: one anycast address in front of both ingress gateways.
    assert.ok(md.includes('  global_entry --> frankfurt_ingress\n  global_entry --> saopaulo_ingress\n'));
    assert.ok(md.includes('  saopaulo_ingress -- "productpage" --> saopaulo_bookinfo\n'));
    assert.ok(summary.includes('Entry point: the global entry (bookinfo.example.com, address `bookinfo-global-ip`) in front of the ingress gateways of frankfurt, saopaulo: Google\'s load balancer sends each user to the nearest healthy one.'));
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

describe('FLEET.md is deterministic and reviewable', () => {
  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    test(file.replace(ROOT, ''), () => {
      const { fleet } = render(file);
      assert.equal(renderOverview(fleet), renderOverview(fleet));
      assert.doesNotMatch(renderOverview(fleet), /\d{4}-\d{2}-\d{2}/, 'no dates');
      assert.equal(renderOverview(fleet), overviewOf(file), 'synth writes the same text');
    });
  }

  test('a global entry is drawn in front of the ingress gateways', () => {
    const { fleet } = render(DEFAULT_FLEET);
    assert.equal(fleet.globalEntry, undefined);
    const md = renderOverview({ ...fleet, globalEntry: { configCluster: 'frankfurt', servingClusters: ['frankfurt'], hostnames: ['shop.example.com'], address: 'meshfleet-global', backendTimeoutSec: 30 } });
    assert.ok(md.includes('  users(("users")) --> global_entry[/"global entry<br/>shop.example.com"/]\n  global_entry --> frankfurt_ingress\n'));
    assert.equal(md.includes('frankfurt_users'), false);
  });
});
