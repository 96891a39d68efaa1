/**
 * The PR comment at fleet scale: 500 clusters, an Istio upgrade in every one of them and a
 * one-cluster change. The comment fits GitHub's 65,536 characters, shows the fleet-wide change
 * once with its cluster count, and keeps the one-cluster change in view; the text report (CI's
 * full report) names every cluster.
 *
 * Rendering 500 clusters twice with cdk8s takes about 40 s on the 2-core CI machine, so the
 * per-cluster files are the two clusters of the default fleet, rendered for real before and after
 * the change, copied under 500 names (the diff reads files and, as `diff` gives it, each file's
 * documents as JSON from the render, nothing else). FLEET.md and the request paths are rendered
 * for real from a 500-cluster fleet model across 39 regions.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { renderOverview } from '../clusters/overview.ts';
import { FLEET_OVERVIEW_FILE } from '../clusters/paths.ts';
import { renderFleet } from '../clusters/render.ts';
import { requestPaths } from '../clusters/routing.ts';
import type { Cluster, Fleet, PlacedWorkload } from '../config/model.ts';
import { REGIONS } from '../scripts/bench/synthetic-fleet.ts';
import { diffRendered, groupChanges } from '../scripts/review/fleet-diff.ts';
import { formatMarkdown, formatText } from '../scripts/review/format-diff.ts';
import type { Documents } from '../scripts/review/objects.ts';
import { DEFAULT_FLEET, render } from './helpers.ts';

const SIZE = 500;
const GITHUB_LIMIT = 65_536;
const name = (i: number) => `c-${String(i).padStart(3, '0')}`;
/** The cluster with the one-cluster change (a remote, as odd clusters are). */
const ONE = name(137);

/** 500 clusters in 39 regions: c-000 the primary with ingress, every fifth an ingress; placements of frankfurt (even) or saopaulo (odd). */
function bigFleet(fleet: Fleet): Fleet {
  const [primary, remote] = fleet.clusters as [Cluster, Cluster];
  const clusters = Array.from({ length: SIZE }, (_, i): Cluster => {
    const like = i === 0 ? primary : remote;
    return { ...like, name: name(i), region: REGIONS[i % REGIONS.length]!, controlPlane: name(0), ingress: i % 5 === 0, remotes: i === 0 ? Array.from({ length: SIZE - 1 }, (_, j) => name(j + 1)) : [] };
  });
  const apps = fleet.apps.map((app) => ({
    ...app,
    placements: clusters.flatMap((c, i) => app.placements.filter((p) => p.cluster === (i % 2 === 0 ? primary.name : remote.name)).map((p): PlacedWorkload => ({ ...p, cluster: c.name }))),
  }));
  return { ...fleet, clusters, apps };
}

/**
 * Every rendered file of `files` (texts, or documents' JSON) copied to each cluster that `pick`
 * assigns it, the cluster's name replaced.
 */
function copies<T extends string | readonly string[]>(files: ReadonlyMap<string, T>, pick: (i: number) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (let i = 0; i < SIZE; i++) {
    const source = pick(i);
    const renamed = (text: string) => text.replaceAll(source, name(i));
    for (const [path, content] of files) {
      if (path.startsWith(`clusters/${source}/`)) out.set(path.replace(`clusters/${source}/`, `clusters/${name(i)}/`), (typeof content === 'string' ? renamed(content) : content.map(renamed)) as T);
    }
  }
  return out;
}

describe('the PR comment at 500 clusters', () => {
  const { fleet } = render(DEFAULT_FLEET);
  // The one revision's release changed in place: check --base refuses that across minors, but it renders.
  const upgraded: Fleet = { ...fleet, mesh: { ...fleet.mesh, istio: { ...fleet.mesh.istio, version: '1.31.0', revisions: [{ name: '1-30-3', version: '1.31.0' }] } } };
  const pick = (i: number) => (i % 2 === 0 ? 'frankfurt' : 'saopaulo');

  // Base: today's fleet. Head: Istio 1.31.0 everywhere, and reviews-v3 at 3 replicas in ONE only.
  const baseModel = bigFleet(fleet);
  const headModel = (() => {
    const big = bigFleet(upgraded);
    return { ...big, apps: big.apps.map((a) => ({ ...a, placements: a.placements.map((p) => (p.cluster === ONE && p.workload.name === 'reviews-v3' ? { ...p, replicas: 3 } : p)) })) };
  })();
  // The documents' JSON beside the YAML, as `diff` renders both sides: parsing 1,000 clusters' YAML
  // is what the command never does.
  const [baseRender, headRender] = [fleet, upgraded].map((f) => renderFleet(f, { documents: true }));
  const base = copies(baseRender!.files, pick).set(FLEET_OVERVIEW_FILE, renderOverview(baseModel));
  const head = copies(headRender!.files, pick).set(FLEET_OVERVIEW_FILE, renderOverview(headModel));
  const documents: { base: Documents; head: Map<string, readonly string[]> } = { base: copies(baseRender!.documents!, pick), head: copies(headRender!.documents!, pick) };
  const deployment = `clusters/${ONE}/apps/bookinfo-workloads.yaml`;
  assert.ok(head.has(deployment) && documents.head.has(deployment), `${deployment} is rendered`);
  // The edited file has no documents: its YAML is parsed, as for a file a render did not give.
  documents.head.delete(deployment);
  head.set(deployment, parseAllDocuments(head.get(deployment)!).map((d) => {
    const o = d.toJS();
    if (o.kind === 'Deployment' && o.metadata.name === 'reviews-v3') o.spec.replicas = 3;
    return stringify(o);
  }).join('---\n'));

  const diff = diffRendered(base, head, { base: requestPaths(baseModel), head: requestPaths(headModel) }, documents);
  const md = formatMarkdown(diff, { base: 'origin/main', head: 'pull request', config: 'config/fleet.yaml' }, { reportUrl: 'https://github.com/example/meshfleet/actions/runs/1/artifacts/2' });

  test('every cluster changes; the Istio change common to all is one group of 500, the primaries\' part one of 250, the replica change a group of its own', () => {
    assert.equal(diff.clusters.filter((c) => c.changes.length > 0).length, SIZE);
    const groups = groupChanges(diff);
    assert.deepEqual(groups.map((g) => g.clusters.length), [SIZE, SIZE / 2, 1]);
    assert.deepEqual(groups[1]!.clusters.slice(0, 2).map((c) => c.name), [name(0), name(2)]);
    assert.deepEqual(groups[2]!.clusters, [{ name: ONE, status: 'kept' }]);
    assert.deepEqual(groups[2]!.changes.map((c) => `${c.kind} ${c.name}: ${c.fields.map((f) => `${f.path} ${f.old} → ${f.new}`).join(', ')}`), ['Deployment reviews-v3: spec.replicas 1 → 3']);
  });

  test(`the Markdown fits GitHub's ${GITHUB_LIMIT} characters and names the count once`, () => {
    assert.ok(md.length <= GITHUB_LIMIT, `${md.length} characters`);
    assert.ok(md.includes(`**${SIZE} of ${SIZE} clusters change**`), md.slice(0, 600));
    assert.ok(md.includes(`**Same change in ${SIZE} clusters** (every cluster): c-000, c-001, `), md);
    // Once per object that changes, not once per cluster.
    const objects = groupChanges(diff).flatMap((g) => g.changes).filter((c) => c.fields.some((f) => f.path === 'spec.chartRef.name'));
    assert.ok(objects.length > 0 && objects.length < 6, `${objects.length}`);
    assert.equal(md.split(/\+ {5}spec\.chartRef\.name: "istio-[a-z]+-1-31-0"/).length - 1, objects.length);
    assert.ok(md.includes(`**Same change in ${SIZE / 2} clusters**: c-000, c-002, `));
  });

  test('the one-cluster change stays visible, open, after the fleet-wide one', () => {
    const entry = [`**${ONE}**`, '', '```diff', '@@ apps @@', '~ Deployment bookinfo/reviews-v3', '-     spec.replicas: 1', '+     spec.replicas: 3', '```'].join('\n');
    assert.ok(md.includes(entry), md);
    assert.ok(md.indexOf(entry) > md.indexOf(`**Same change in ${SIZE} clusters**`));
  });

  test('the summary shows per-region latency estimates that move; a comment cut shorter points to the full report', () => {
    assert.match(md, /\n\| bookinfo \| c-\d{3} \([a-z0-9-]+\) \| \d+ of \d+ → \d+ of \d+ \| [^|]+ → [^|]+ \| \d+ → \d+ \|\n/);
    if (process.env.MESHFLEET_WRITE_SCALE_MD) writeFileSync(process.env.MESHFLEET_WRITE_SCALE_MD, md);
    // Cut to 2,400 characters: the summary and the biggest entries stay, the rest is named and linked.
    const short = formatMarkdown(diff, { base: 'origin/main' }, { maxChars: 2400, reportUrl: 'https://github.com/example/meshfleet/actions/runs/1/artifacts/2' });
    assert.ok(short.length <= 2400, `${short.length}`);
    assert.ok(short.includes(`**Same change in ${SIZE} clusters**`), short);
    assert.ok(short.endsWith('_Cut to fit a comment: 2 more entries and the FLEET.md diff left out; the full report: https://github.com/example/meshfleet/actions/runs/1/artifacts/2._\n\n'), JSON.stringify(short.slice(-400)));
  });

  test('the text report (the full one) names every cluster of the group', () => {
    const text = formatText(diff, { base: 'origin/main' });
    assert.ok(text.includes(`\nsame change in ${SIZE} clusters: ${Array.from({ length: SIZE }, (_, i) => name(i)).join(', ')}\n`));
    assert.ok(text.includes(`\n${ONE}\n  apps\n    ~ Deployment bookinfo/reviews-v3\n        spec.replicas: 1 → 3\n`));
  });
});
