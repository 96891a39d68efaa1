/**
 * dist/FLEET.md: the topology diagram (one node per cluster, control-plane and cross-region call
 * edges), the placement table, the request paths with their latency and egress estimates, and the
 * region-failure section — for the default fleet, the examples and synthetic fleets. Routing
 * itself is tested in routing.test.ts; this is what FLEET.md renders of it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderOverview } from '../clusters/overview.ts';
import { loadFleet } from '../config/load.ts';
import { estimatedRttMs } from '../config/regions.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, render, tempDir } from './helpers.ts';

const GLOBAL_FRONTENDS = join(ROOT, 'config/examples/global-frontends.yaml');
const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');
const RTT = estimatedRttMs('europe-west3', 'southamerica-east1');
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

describe('FLEET.md request paths: default fleet', () => {
  const md = overviewOf(DEFAULT_FLEET);

  test('the summary table: entry, hops, cross-region hops, estimated added latency and intercontinental calls per region of users', () => {
    const paths = section(md, '## Request paths');
    assert.ok(paths.includes('Entry points: the ingress gateway of frankfurt, each on its own address; users are assumed to reach the nearest one.'));
    assert.ok(paths.includes('| users near | first hop lands in | app | hops | cross-region hops | est. added latency | intercontinental calls |'));
    // Frankfurt: a third of reviews calls go to São Paulo, and those come back for ratings.
    assert.ok(paths.includes(`| frankfurt (europe-west3) | frankfurt (europe-west3) | bookinfo | 6 | 2 | ≈ ${Math.round((2 * RTT) / 3)} ms | 2 |`), paths.join('\n'));
    // São Paulo: the Atlantic crossing to the ingress comes first.
    assert.ok(paths.includes(`| saopaulo (southamerica-east1) | **frankfurt (europe-west3)** | bookinfo | 6 | 3 | ≈ ${Math.round(RTT + (2 * RTT) / 3)} ms | 2 |`));
    assert.ok(paths.includes('- bookinfo: productpage → reviews, frankfurt → saopaulo (requests of users near frankfurt, saopaulo)'));
    assert.ok(paths.includes('- bookinfo: reviews → ratings, saopaulo → frankfurt (requests of users near frankfurt, saopaulo)'));
  });

  test('hop by hop: shares of a spread call, the round trip of each hop and its egress class', () => {
    assert.deepEqual(section(md, '### `bookinfo`: users near saopaulo (southamerica-east1)'), [
      '### `bookinfo`: users near saopaulo (southamerica-east1)',
      '',
      '| call | from | served by | routing | cross-region | est. round trip | egress |',
      '|---|---|---|---|---|--:|---|',
      `| users → ingress | saopaulo | frankfurt ingress gateway | nearest | **yes** (frankfurt) | ≈ ${RTT} ms | none |`,
      '| ingress → productpage | frankfurt | frankfurt (v1) | prefer-local | no | 0 ms | none |',
      '| productpage → details | frankfurt | frankfurt (v1) | prefer-local | no | 0 ms | none |',
      `| productpage → reviews | frankfurt | any of frankfurt (v1, v2) 67%, saopaulo (v3) 33% | spread | **some requests** (saopaulo) | ≈ ${Math.round(RTT / 3)} ms (mean) | **intercontinental** |`,
      '| reviews → ratings | frankfurt (67% of requests) | frankfurt (v1) | prefer-local | no | 0 ms | none |',
      `| reviews → ratings | saopaulo (33% of requests) | frankfurt (v1) | prefer-local | **yes** (frankfurt) | ≈ ${RTT} ms | **intercontinental** |`,
      '',
      `3 cross-region hops of 6; estimated added latency ≈ ${Math.round(RTT + (2 * RTT) / 3)} ms per request.`,
      '',
    ]);
  });

  test('the estimates say how they are made and cite their sources with the date read', () => {
    const note = section(md, '### How the estimates are made').join('\n');
    assert.match(note, /^Estimates, not measurements\. Round trip between two regions: great-circle distance .* × 1\.5 .*assumed route factor.* at 200 km\/ms/m);
    for (const url of ['https://cloud.google.com/solutions/best-practices-compute-engine-region-selection', 'https://cloud.google.com/network-tiers/pricing', 'https://cloud.google.com/vpc/pricing']) {
      assert.match(note, new RegExp(`<${url.replace(/[./]/g, '\\$&')}> \\(read \\d{4}-\\d{2}-\\d{2}\\)`), url);
    }
  });

  test('if a region fails: a row for every region, then who serves each region\'s users', () => {
    const failure = section(md, '## If a region fails');
    assert.ok(failure.includes('| europe-west3 | frankfurt | saopaulo: proxies keep their last config; no updates, no sidecar injection | nowhere: no healthy ingress | none | users near frankfurt: no path (no healthy ingress) |'), failure.join('\n'));
    assert.ok(failure.includes(`| southamerica-east1 | saopaulo | no other cluster affected | frankfurt | none | no rise |`), failure.join('\n'));
    assert.deepEqual(section(md, '### southamerica-east1 down (saopaulo)').slice(4, 6), [
      `| frankfurt (europe-west3) | bookinfo | frankfurt (europe-west3) | europe-west3 | ≈ ${Math.round((2 * RTT) / 3)} ms → 0 ms | none |`,
      `| saopaulo (southamerica-east1) | bookinfo | frankfurt (europe-west3) | europe-west3 | ≈ ${Math.round(RTT + (2 * RTT) / 3)} ms → ≈ ${RTT} ms | none |`,
    ]);
  });

  test('topology: one node per cluster with role, region, Istio pieces and workloads; users to their entry; calls thick, control plane dashed, all labelled', () => {
    const diagram = section(md, '## Topology').join('\n');
    assert.ok(diagram.includes([
      '```mermaid',
      'flowchart LR',
      '  cluster_frankfurt["<b>frankfurt</b> · primary<br/>europe-west3 · Frankfurt<br/>istiod · ingress gateway<br/>east-west gateway 10.10.15.250<br/><i>bookinfo</i><br/>productpage-v1 ×1<br/>details-v1 ×1<br/>ratings-v1 ×1<br/>reviews-v1 ×1<br/>reviews-v2 ×1"]',
      '  cluster_saopaulo["<b>saopaulo</b> · remote of frankfurt<br/>southamerica-east1 · Osasco<br/><i>bookinfo</i><br/>reviews-v3 ×1"]',
      '  frankfurt_users(("users near frankfurt")) --> cluster_frankfurt',
      // No ingress in São Paulo: its users are drawn crossing to Frankfurt's.
      '  saopaulo_users(("users near saopaulo")) --> cluster_frankfurt',
      '  cluster_frankfurt == "calls reviews" ==> cluster_saopaulo',
      '  cluster_saopaulo == "calls ratings" ==> cluster_frankfurt',
      '  cluster_frankfurt -. "control plane" .-> cluster_saopaulo',
      '```',
    ].join('\n')), diagram);
  });

  test('the placement table and the traffic locality line', () => {
    const app = section(md, '## App `bookinfo` (namespace `bookinfo`)');
    assert.ok(app.includes('| reviews-v3 |  | 1 |'));
    assert.ok(app.includes('| productpage-v1 | 1 |  |'));
    assert.ok(app.includes('Traffic locality — `prefer-local`: productpage, details, ratings; `spread`: reviews.'));
  });
});

describe('FLEET.md: global-frontends example', () => {
  const md = overviewOf(GLOBAL_FRONTENDS);

  test('São Paulo users enter in São Paulo, and pay two intercontinental calls for details and ratings', () => {
    const summary = section(md, '## Request paths');
    assert.ok(summary.includes('| frankfurt (europe-west3) | frankfurt (europe-west3) | bookinfo | 5 | 0 | 0 ms | 0 |'));
    assert.ok(summary.includes(`| saopaulo (southamerica-east1) | saopaulo (southamerica-east1) | bookinfo | 5 | 2 | ≈ ${2 * RTT} ms | 2 |`), summary.join('\n'));
    assert.deepEqual(section(md, '### `bookinfo`: users near saopaulo (southamerica-east1)').slice(4, 9), [
      '| users → ingress | saopaulo | saopaulo ingress gateway | nearest | no | 0 ms | none |',
      '| ingress → productpage | saopaulo | saopaulo (v1) | prefer-local | no | 0 ms | none |',
      `| productpage → details | saopaulo | frankfurt (v1) | prefer-local | **yes** (frankfurt) | ≈ ${RTT} ms | **intercontinental** |`,
      '| productpage → reviews | saopaulo | saopaulo (v3) | prefer-local | no | 0 ms | none |',
      `| reviews → ratings | saopaulo | frankfurt (v1) | prefer-local | **yes** (frankfurt) | ≈ ${RTT} ms | **intercontinental** |`,
    ]);
    assert.ok(summary.includes('Entry point: the global entry (bookinfo.example.com, address `bookinfo-global-ip`) in front of the ingress gateways of frankfurt, saopaulo: Google\'s load balancer sends each user to the nearest healthy one.'));
  });

  test('the global entry is drawn in front of both ingress clusters', () => {
    assert.ok(md.includes('  users(("users")) --> global_entry[/"global entry<br/>bookinfo.example.com"/]\n  global_entry --> cluster_frankfurt\n  global_entry --> cluster_saopaulo\n'));
    assert.ok(md.includes('  cluster_saopaulo == "calls details, ratings" ==> cluster_frankfurt\n'));
  });
});

/** The Mermaid block's edge lines, and whether any edge ends on a subgraph. */
function mermaidOf(md: string): { nodes: string[]; edges: string[]; subgraphs: string[] } {
  const block = md.slice(md.indexOf('```mermaid\n') + 11, md.indexOf('```', md.indexOf('```mermaid\n') + 11)).split('\n');
  const subgraphs = block.filter((l) => l.trim().startsWith('subgraph ')).map((l) => l.trim().split(/[ [\]]/)[1]!);
  const edges = block.filter((l) => /-->|==>|-\.|\.->/.test(l));
  const nodes = block.filter((l) => /^ +cluster_\w+\["/.test(l)).map((l) => l.trim().split('[')[0]!);
  return { nodes, edges, subgraphs };
}

describe('FLEET.md topology stays readable at 2, 3 and 8 clusters', () => {
  const eight = loadFleet(writeSyntheticFleet(join(tempDir(), 'eight'), { clusters: 8, services: 4 }));
  const cases = [['default (2)', render(DEFAULT_FLEET).fleet], ['three-regions (3)', render(THREE_REGIONS).fleet], ['synthetic (8)', eight]] as const;

  for (const [name, fleet] of cases) {
    test(`${name}: one node per cluster, every edge between two nodes (none ends on a box), every control-plane and call edge labelled`, () => {
      const { nodes, edges, subgraphs } = mermaidOf(renderOverview(fleet));
      assert.deepEqual(nodes, fleet.clusters.map((c) => `cluster_${c.name.replace(/[^A-Za-z0-9]/g, '_')}`));
      for (const e of edges) for (const box of subgraphs) assert.ok(!new RegExp(`(^|\\s)${box}(\\s|$)`).test(e.trim()), `${e} ends on ${box}`);
      const remotes = fleet.clusters.filter((c) => c.role === 'remote');
      assert.equal(edges.filter((e) => e.includes('-. "control plane" .->')).length, remotes.length);
      for (const e of edges.filter((x) => x.includes('==>'))) assert.match(e, /== "calls [^"]+" ==>/);
    });
  }

  test('three regions: Virginia\'s front end calls reviews in both other regions; São Paulo\'s users go to Virginia', () => {
    const { edges } = mermaidOf(overviewOf(THREE_REGIONS));
    assert.ok(edges.includes('  saopaulo_users(("users near saopaulo")) --> cluster_virginia'));
    assert.ok(edges.includes('  cluster_virginia == "calls reviews" ==> cluster_frankfurt'));
    assert.ok(edges.includes('  cluster_virginia == "calls reviews" ==> cluster_saopaulo'));
    assert.equal(edges.filter((e) => e.includes('control plane')).length, 2, 'one control-plane edge per remote, not merged');
  });

  test('8 regions: a spread service is named once in a note, not drawn between every pair of clusters', () => {
    const md = renderOverview(eight);
    assert.ok(md.includes('  spread_calls[/"spread over every cluster that runs them:<br/>shop/svc-01"/]'), md);
    assert.equal(mermaidOf(md).edges.filter((e) => e.includes('calls svc-01')).length, 0);
  });

  test('a region with several clusters is a box around their nodes', () => {
    const { fleet } = render(DEFAULT_FLEET);
    const two = { ...fleet, clusters: fleet.clusters.map((c) => ({ ...c, region: 'europe-west3' })) };
    const { subgraphs, nodes } = mermaidOf(renderOverview(two));
    assert.deepEqual(subgraphs, ['region_europe_west3']);
    assert.deepEqual(nodes, ['cluster_frankfurt', 'cluster_saopaulo']);
  });
});

describe('FLEET.md is deterministic and reviewable', () => {
  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    test(file.replace(ROOT, ''), () => {
      const { fleet } = render(file);
      assert.equal(renderOverview(fleet), renderOverview(fleet));
      // The only dates are the fixed days the estimates' sources were read: nothing from a clock.
      assert.doesNotMatch(renderOverview(fleet).replace(/\(read \d{4}-\d{2}-\d{2}\)/g, ''), /\d{4}-\d{2}-\d{2}/, 'no dates');
      assert.equal(renderOverview(fleet), overviewOf(file), 'synth writes the same text');
    });
  }

  test('a global entry is drawn in front of the ingress gateways', () => {
    const { fleet } = render(DEFAULT_FLEET);
    assert.equal(fleet.globalEntry, undefined);
    const md = renderOverview({ ...fleet, globalEntry: { configCluster: 'frankfurt', servingClusters: ['frankfurt'], hostnames: ['shop.example.com'], address: 'meshfleet-global', backendTimeoutSec: 30 } });
    assert.ok(md.includes('  users(("users")) --> global_entry[/"global entry<br/>shop.example.com"/]\n  global_entry --> cluster_frankfurt\n'));
    assert.equal(md.includes('frankfurt_users'), false);
  });
});
