/**
 * Incremental renders (clusters/render-key.ts): a cluster whose inputs did not change keeps its
 * files, and the result is byte-identical to a full render. Two kinds of proof:
 * - each fact the key leaves out of other clusters' keys (OWN_CLUSTER_FIELDS, placements outside
 *   config clusters) really changes only its own cluster's files;
 * - random edits of config, rendered incrementally from the last render, equal a full render.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { DETAIL_UP_TO_CLUSTERS, renderOverview } from '../clusters/overview.ts';
import { OWN_CLUSTER_FIELDS } from '../clusters/render-key.ts';
import { renderFleet, type RenderedFleet } from '../clusters/render.ts';
import { emptyRoutingMemo, type RoutingMemo } from '../clusters/routing.ts';
import { loadFleet } from '../config/load.ts';
import { configClusters, type Cluster, type Fleet } from '../config/model.ts';
import type { SourceMemos } from '../config/source.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { ROOT, readText, render, tempDir } from './helpers.ts';
import { random } from './random.ts';

const SALT = 'test';
const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');

/** Paths whose content differs between two renders (added and removed included). */
function changedPaths(a: RenderedFleet, b: RenderedFleet): string[] {
  const paths = new Set([...a.files.keys(), ...b.files.keys()]);
  return [...paths].filter((p) => a.files.get(p) !== b.files.get(p)).sort();
}

const clusterOf = (path: string): string | undefined => /^clusters\/([^/]+)\//.exec(path)?.[1];

/** A copy of the fleet with one cluster's field replaced (the model is frozen). */
function withClusterField(fleet: Fleet, name: string, field: string, value: unknown): Fleet {
  return { ...fleet, clusters: fleet.clusters.map((c) => (c.name === name ? { ...c, [field]: value } as Cluster : c)) };
}

/** A different but valid value for each own-only field. */
const OTHER_VALUE: Record<(typeof OWN_CLUSTER_FIELDS)[number], (c: Cluster) => unknown> = {
  nodePools: (c) => [...c.nodePools, { ...c.nodePools[0]!, name: 'extra', maxNodes: 9 }],
  ranges: (c) => ({ ...c.ranges, controlPlane: '172.31.255.240/28' }),
  zones: (c) => [`${c.region}-b`],
  gateways: (c) => ({ ...c.gateways, ingress: { ...c.gateways.ingress, maxReplicas: 42 }, eastWest: { ...c.gateways.eastWest, minReplicas: 2 } }),
  labels: () => ({ team: 'edited' }),
  releaseChannel: (c) => (c.releaseChannel === 'STABLE' ? 'RAPID' : 'STABLE'),
};

describe('facts left out of other clusters\' keys change only their own cluster', () => {
  // Every cluster of the three-regions example; in the synthetic fleet (two primaries, remotes with
  // and without ingress or an east-west gateway) one cluster of each kind, to keep the test quick.
  const synthetic = loadFleet(writeSyntheticFleet(tempDir(), { clusters: 6, services: 4 }));
  const fleets: [string, { fleet: Fleet; rendered: RenderedFleet }, Cluster[]][] = [
    ['three-regions', render(THREE_REGIONS), []],
    ['synthetic 6x4', { fleet: synthetic, rendered: renderFleet(synthetic) }, [0, 1, 2, 5].map((i) => synthetic.clusters[i]!)],
  ];
  for (const [label, { fleet, rendered: base }, sample] of fleets) {
    const clusters = sample.length > 0 ? sample : fleet.clusters;
    test(`${label}: the own-only fields (${OWN_CLUSTER_FIELDS.join(', ')}) of each cluster`, () => {
      for (const cluster of clusters) {
        /** Files outside `cluster` (and FLEET.md) that change when these fields of it change. */
        const elsewhere = (fields: readonly (typeof OWN_CLUSTER_FIELDS)[number][]) => {
          const edited = fields.reduce((f, field) => withClusterField(f, cluster.name, field, OTHER_VALUE[field](cluster)), fleet);
          return changedPaths(base, renderFleet(edited)).filter((p) => p !== 'FLEET.md' && clusterOf(p) !== cluster.name);
        };
        // Every field changed at once: one render per cluster, and a field read by another
        // cluster's render still changes that cluster's files. Only then is each field rendered
        // on its own, to name the ones that leak.
        const leaked = elsewhere(OWN_CLUSTER_FIELDS);
        if (leaked.length === 0) continue;
        const fields = OWN_CLUSTER_FIELDS.filter((field) => elsewhere([field]).length > 0);
        assert.deepEqual(leaked, [], `${fields.length > 0 ? fields.join(', ') : `${OWN_CLUSTER_FIELDS.join(', ')} (together)`} of ${cluster.name}`);
      }
    });
    test(`${label}: placements of a cluster change only that cluster and the config clusters`, () => {
      const config = new Set(configClusters(fleet).map((c) => c.name));
      for (const cluster of clusters) {
        // Every placement of the cluster scaled to 3 replicas, and its first one removed.
        const apps = fleet.apps.map((a) => {
          const own = a.placements.filter((p) => p.cluster === cluster.name);
          return { ...a, placements: a.placements.filter((p) => p !== own[0]).map((p) => (p.cluster === cluster.name ? { ...p, replicas: 3, autoscaling: undefined } : p)) };
        });
        const changed = changedPaths(base, renderFleet({ ...fleet, apps }));
        assert.ok(changed.some((p) => clusterOf(p) === cluster.name) || !fleet.apps.some((a) => a.placements.some((p) => p.cluster === cluster.name)), `the edit shows in ${cluster.name}`);
        const elsewhere = changed.filter((p) => p !== 'FLEET.md' && clusterOf(p) !== cluster.name && !config.has(clusterOf(p)!));
        assert.deepEqual(elsewhere, [], `placements of ${cluster.name}`);
      }
    });
    test(`${label}: scaling the running workloads of a cluster changes only that cluster, config clusters included`, () => {
      const keyed = renderFleet(fleet, { incremental: { salt: SALT } });
      for (const cluster of clusters) {
        // Replicas and resources only: every placement keeps running, so no config cluster reads a change.
        const apps = fleet.apps.map((a) => ({
          ...a,
          placements: a.placements.map((p) => (p.cluster === cluster.name ? { ...p, replicas: 7, autoscaling: undefined, resources: { cpu: { request: '250m' }, memory: { request: '96Mi' } } } : p)),
        }));
        const scaled = { ...fleet, apps };
        const placed = fleet.apps.some((a) => a.placements.some((p) => p.cluster === cluster.name));
        const changed = changedPaths(base, renderFleet(scaled));
        assert.ok(changed.some((p) => clusterOf(p) === cluster.name) || !placed, `the edit shows in ${cluster.name}`);
        assert.deepEqual(changed.filter((p) => p !== 'FLEET.md' && clusterOf(p) !== cluster.name), [], `scaling in ${cluster.name}`);
        const incremental = renderFleet(scaled, { incremental: { salt: SALT, previous: keyed.clusters } });
        assert.deepEqual(incremental.reused, fleet.clusters.map((c) => c.name).filter((name) => name !== cluster.name || !placed), `only ${cluster.name} is rendered again`);
      }
    });
  }
});

type Edit = (doc: ReturnType<typeof parseDocument>, pick: <T>(list: readonly T[]) => T) => string;

/** Config edits a user makes, on the fleet file's YAML (so the loader derives everything again). */
const EDITS: Edit[] = [
  (doc, pick) => { const i = pick([0, 1, 2]); doc.setIn(['clusters', i, 'nodePools', 0, 'maxNodes'], pick([4, 5, 6])); return `clusters[${i}] node pool size`; },
  (doc, pick) => { const i = pick([0, 1, 2]); doc.setIn(['clusters', i, 'gateways'], { ingress: { maxReplicas: pick([6, 7]) } }); return `clusters[${i}] gateway size`; },
  (doc, pick) => { const i = pick([1, 2]); doc.setIn(['clusters', i, 'ingress'], pick([true, false])); return `clusters[${i}] ingress`; },
  (doc, pick) => { const w = pick(['details-v1', 'ratings-v1', 'reviews-v1']); doc.setIn(['apps', 'bookinfo', 'placement', 'virginia', w], {}); return `place ${w} in virginia`; },
  (doc, pick) => { const w = pick(['productpage-v1', 'details-v1']); doc.deleteIn(['apps', 'bookinfo', 'placement', 'virginia', w]); return `remove ${w} from virginia`; },
  (doc, pick) => { const n = pick([2, 3]); doc.setIn(['apps', 'bookinfo', 'placement', 'frankfurt', 'ratings-v1'], { replicas: n }); return `ratings replicas ${n} in frankfurt`; },
  (doc, pick) => { const l = pick(['spread', 'prefer-local']); doc.setIn(['apps', 'bookinfo', 'traffic', 'reviews'], { locality: l }); return `reviews ${l}`; },
  (doc, pick) => { const b = pick(['main', 'release']); doc.setIn(['git', 'branch'], b); return `git branch ${b}`; },
  (doc, pick) => { const a = pick(['10.10.15.250', '10.10.15.251']); doc.setIn(['clusters', 0, 'eastWestAddress'], a); return `east-west address ${a}`; },
  (doc, pick) => { const r = pick(['us-east1', 'us-east4', 'northamerica-northeast1']); doc.setIn(['clusters', 2, 'region'], r); return `virginia region ${r}`; },
  (doc, pick) => { const id = pick(['mesh1', 'mesh2']); doc.setIn(['mesh', 'id'], id); return `mesh id ${id}`; },
];

/**
 * Applies `steps` edits picked from `edits` (PRNG seeded with `seed`) to the fleet file `file`,
 * whose YAML is `doc`; after each, renders incrementally from the last render and in full, and
 * checks they are equal, FLEET.md included. Returns in how many steps some cluster was reused, and
 * which of `edits` were made.
 */
function replayEdits(file: string, doc: ReturnType<typeof parseDocument>, edits: readonly Edit[], seed: number, steps: number): { reusedSome: number; made: Set<Edit> } {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  writeFileSync(file, doc.toString());
  // Loaded as synth loads an edited file, from the memos of the last parse (config/source-memo.ts,
  // tested on its own): both renders below render the same fleet, however it was loaded.
  const memos: SourceMemos = new Map();
  let previous = renderFleet(loadFleet(file, { memos }), { incremental: { salt: SALT } });
  let reusedSome = 0;
  const made = new Set<Edit>();
  for (let step = 0; step < steps; step++) {
    const edit = pick(edits);
    made.add(edit);
    const what = edit(doc, pick);
    writeFileSync(file, doc.toString());
    const fleet = loadFleet(file, { memos });
    const incremental = renderFleet(fleet, { incremental: { salt: SALT, previous: previous.clusters, previousRouting: previous.routing } });
    const full = renderFleet(fleet);
    assert.equal(incremental.files.get('FLEET.md'), full.files.get('FLEET.md'), `seed ${seed}, step ${step}: ${what}: FLEET.md`);
    assert.deepEqual([...incremental.files], [...full.files], `seed ${seed}, step ${step}: ${what}`);
    assert.deepEqual([...incremental.objects], [...full.objects]);
    if (incremental.reused.length > 0) reusedSome++;
    previous = incremental;
  }
  return { reusedSome, made };
}

describe('incremental renders equal full renders', () => {
  test('random edit sequences of the three-regions fleet (seeded)', () => {
    const file = join(tempDir(), 'fleet.yaml');
    const doc = parseDocument(readText(THREE_REGIONS).replace('definition: ../apps/', `definition: ${ROOT}config/apps/`));
    // 26 steps of this seed make every kind of edit (mesh id comes last, at step 25 from 0), with some
    // clusters reused in 17 of them: asserted, so that other seeds or steps cannot test less.
    const { reusedSome, made } = replayEdits(file, doc, EDITS, 20261127, 26);
    assert.deepEqual(EDITS.filter((e) => !made.has(e)).map((e) => EDITS.indexOf(e)), [], 'kinds of edit (indexes in EDITS) never made');
    assert.ok(reusedSome >= 10, `incremental renders reused clusters in ${reusedSome} of 26 steps`);
  });

  test('random placement edits of a fleet above the detail limit, FLEET.md included (seeded)', () => {
    // Above DETAIL_UP_TO_CLUSTERS, FLEET.md's routing figures come from pathCosts and the
    // region-down routings derived from the every-region-up one (clusters/routing.ts).
    const size = { clusters: DETAIL_UP_TO_CLUSTERS + 1, services: 4 };
    const file = writeSyntheticFleet(tempDir(), size);
    const doc = parseDocument(readText(file));
    const clusters = (doc.toJS() as { clusters: { name: string }[] }).clusters.map((c) => c.name);
    const placement = ['apps', 'shop', 'placement'];
    /** Workloads placed in `cluster` now, from the edited document. */
    const placed = (d: ReturnType<typeof parseDocument>, cluster: string): string[] => Object.keys((d.toJS() as { apps: { shop: { placement: Record<string, object> } } }).apps.shop.placement[cluster] ?? {});
    const locality: Edit = (d, p) => { const s = p(['svc-00', 'svc-02', 'svc-03']); d.setIn(['apps', 'shop', 'traffic', s], { locality: p(['spread', 'prefer-local']) }); return `locality of ${s}`; };
    const edits: Edit[] = [
      (d, p) => { const c = p(clusters); const w = p(placed(d, c)); d.setIn([...placement, c, w], { replicas: p([1, 3, 5]) }); return `scale ${w} in ${c}`; },
      (d, p) => { const c = p(clusters); const ws = placed(d, c); if (ws.length < 2) return locality(d, p); const w = p(ws); d.deleteIn([...placement, c, w]); return `remove ${w} from ${c}`; },
      locality,
    ];
    replayEdits(file, doc, edits, 20261128, 5);
  });

  test('FLEET.md of a fleet above the detail limit: costs below a service are reused until an edit reaches them (seeded)', () => {
    // Seven services in a call tree three deep: svc-00 calls svc-01 and svc-02, they call svc-03 … svc-06.
    const size = { clusters: DETAIL_UP_TO_CLUSTERS + 4, services: 7 };
    const file = writeSyntheticFleet(tempDir(), size);
    const doc = parseDocument(readText(file));
    // Loaded from the memos of the last parse, as synth does (see replayEdits).
    const memos: SourceMemos = new Map();
    const fleetOf = () => {
      writeFileSync(file, doc.toString());
      return loadFleet(file, { memos });
    };
    const placement = ['apps', 'shop', 'placement'];
    const clusters = (doc.toJS() as { clusters: { name: string }[] }).clusters.map((c) => c.name);
    const workloadOf = (cluster: string, service: string) => Object.keys((doc.toJS() as { apps: { shop: { placement: Record<string, object> } } }).apps.shop.placement[cluster]!).find((w) => w.startsWith(`${service}-`))!;
    // FLEET.md as renderFleet makes it (clusters/render.ts), without the clusters' files, which
    // this test is not about: with the last routing kept, and in full (no kept costs). That
    // renderFleet passes its routing on is the test above's.
    const overview = (fleet: Fleet, previousRouting?: RoutingMemo) => {
      const kept = { salt: SALT, previous: previousRouting, next: emptyRoutingMemo() };
      return { md: renderOverview(fleet, { kept }), routing: kept.next };
    };
    let previous = overview(fleetOf()).routing;
    const step = (what: string, edit: () => void) => {
      edit();
      const fleet = fleetOf();
      const incremental = overview(fleet, previous);
      assert.equal(incremental.md, renderOverview(fleet), what);
      const kept = [...incremental.routing.costs.keys()].filter((k) => previous.costs.has(k)).length;
      const sameShapes = [...incremental.routing.shapes.keys()].every((k) => previous.shapes.has(k));
      previous = incremental.routing;
      return { kept, all: incremental.routing.costs.size, sameShapes };
    };
    // The root's own placement: nothing below it changed, every cost is kept; replicas change no path's shape.
    const root = step('scale svc-00 in one cluster', () => doc.setIn([...placement, clusters[5]!, workloadOf(clusters[5]!, 'svc-00')], { replicas: 4 }));
    assert.ok(root.all > 0 && root.kept === root.all, `${root.kept} of ${root.all} kept`);
    assert.ok(root.sameShapes, 'shapes kept');
    const moved = step('remove svc-03 from one cluster', () => doc.deleteIn([...placement, clusters[3]!, workloadOf(clusters[3]!, 'svc-03')]));
    assert.ok(!moved.sameShapes, 'shapes made again');
    // A leaf: the costs below its callers (and theirs) are new, the others kept.
    const leaf = step('scale svc-05 in one cluster', () => doc.setIn([...placement, clusters[2]!, workloadOf(clusters[2]!, 'svc-05')], { replicas: 5 }));
    assert.ok(leaf.kept > 0 && leaf.kept < leaf.all, `${leaf.kept} of ${leaf.all} kept`);
    const rand = random(20261129);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    for (let i = 0; i < 12; i++) {
      const cluster = pick(clusters);
      const service = `svc-0${Math.floor(rand() * 7)}`;
      const workload = workloadOf(cluster, service);
      const edits: [string, () => void][] = [
        [`scale ${workload} in ${cluster}`, () => doc.setIn([...placement, cluster, workload], { replicas: pick([0, 1, 2, 6]) })],
        [`autoscale ${workload} in ${cluster}`, () => doc.setIn([...placement, cluster, workload], { autoscaling: { min: pick([1, 3]), max: 8 } })],
        [`remove ${workload} from ${cluster}`, () => doc.deleteIn([...placement, cluster, workload])],
        [`${service} ${pick(['spread', 'prefer-local'])}`, () => doc.setIn(['apps', 'shop', 'traffic', service], { locality: pick(['spread', 'prefer-local']) })],
      ];
      const [what, edit] = pick(edits);
      step(`step ${i}: ${what}`, edit);
    }
  });

  test('nothing changed: every cluster reused; another salt (new code): none', () => {
    const fleet = loadFleet(THREE_REGIONS);
    const first = renderFleet(fleet, { incremental: { salt: SALT } });
    assert.deepEqual(first.reused, []);
    const again = renderFleet(fleet, { incremental: { salt: SALT, previous: first.clusters } });
    assert.deepEqual(again.reused, ['frankfurt', 'saopaulo', 'virginia']);
    assert.deepEqual(renderFleet(fleet, { incremental: { salt: 'other code', previous: first.clusters } }).reused, []);
    assert.deepEqual(renderFleet(fleet, { distInRepo: 'elsewhere/dist', incremental: { salt: SALT, previous: first.clusters } }).reused, [], 'Flux paths depend on where dist is');
  });

  test('a cluster rendered again keeps the text of each file whose documents are the same, with the same code only', () => {
    const fleet = loadFleet(THREE_REGIONS);
    const first = renderFleet(fleet, { incremental: { salt: SALT } });
    const last = first.clusters.get('saopaulo')!;
    const same = 'istio-base/istio-base.yaml';
    const scaled = 'apps/bookinfo-workloads.yaml';
    assert.ok(last.digests?.has(same) && last.digests.has(scaled));
    // The last render as if its texts were other bytes, under a key that no longer matches.
    const marked = { ...last, key: 'stale', files: new Map([...last.files].map(([p, t]) => [p, p === same || p === scaled ? `KEPT ${p}` : t])) };
    const previous = new Map(first.clusters).set('saopaulo', marked);
    const apps = fleet.apps.map((a) => ({ ...a, placements: a.placements.map((p) => (p.cluster === 'saopaulo' ? { ...p, replicas: 5, autoscaling: undefined } : p)) }));
    const edited = { ...fleet, apps };
    const again = renderFleet(edited, { incremental: { salt: SALT, previous } });
    assert.ok(!again.reused.includes('saopaulo'));
    assert.equal(again.files.get(`clusters/saopaulo/${same}`), `KEPT ${same}`, 'the same documents: the kept text');
    assert.equal(again.files.get(`clusters/saopaulo/${scaled}`), renderFleet(edited).files.get(`clusters/saopaulo/${scaled}`), 'other documents: serialized again');
    const otherCode = renderFleet(edited, { incremental: { salt: 'other code', previous } });
    assert.equal(otherCode.files.get(`clusters/saopaulo/${same}`), first.files.get(`clusters/saopaulo/${same}`), 'other code: serialized again');
  });

  test('a one-cluster edit re-renders that cluster only', () => {
    const fleet = loadFleet(THREE_REGIONS);
    const first = renderFleet(fleet, { incremental: { salt: SALT } });
    const edited = withClusterField(fleet, 'saopaulo', 'nodePools', OTHER_VALUE.nodePools(fleet.clusters[1]!));
    assert.deepEqual(renderFleet(edited, { incremental: { salt: SALT, previous: first.clusters } }).reused, ['frankfurt', 'virginia']);
  });
});
