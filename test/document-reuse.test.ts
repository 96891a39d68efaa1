/**
 * Rendering a cluster again after an edit (clusters/render.ts `ClusterRender.digests`): in a file
 * whose documents changed, each document whose hash the last render had keeps that render's text,
 * and only the changed ones are serialized again; the bytes are a full render's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet, type ClusterRender } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { ROOT } from './helpers.ts';

const SALT = 'test';
const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');
const WORKLOADS = 'apps/bookinfo-workloads.yaml';
const SEPARATOR = '\n---\n';

/** `fleet` with every placement in `cluster` at `replicas` (autoscaling off). */
function scaled(fleet: Fleet, cluster: string, replicas: number): Fleet {
  const apps = fleet.apps.map((a) => ({ ...a, placements: a.placements.map((p) => (p.cluster === cluster ? { ...p, replicas, autoscaling: undefined } : p)) }));
  return { ...fleet, apps };
}

/** The last render of `cluster` with each document of `path` marked by a comment line of its own. */
function marked(last: ClusterRender, path: string): ClusterRender {
  const text = last.files.get(path)!;
  const header = text.slice(0, text.indexOf('\n') + 1);
  const docs = text.slice(header.length).split(SEPARATOR);
  const files = new Map(last.files).set(path, header + docs.map((d, i) => `# kept ${i}\n${d}`).join(SEPARATOR));
  return { ...last, key: 'stale', files };
}

describe('documents kept across renders of a cluster', () => {
  const fleet = loadFleet(THREE_REGIONS);
  const first = renderFleet(scaled(fleet, 'saopaulo', 2), { incremental: { salt: SALT } });
  const last = first.clusters.get('saopaulo')!;
  const documents = last.files.get(WORKLOADS)!.split(SEPARATOR).length;

  test('a changed file takes the last text of each unchanged document and serializes the changed ones', () => {
    // One placement scaled: its Deployment changes, the file's other documents do not.
    const edited = { ...fleet, apps: scaled(fleet, 'saopaulo', 2).apps.map((a) => ({ ...a, placements: a.placements.map((p, i) => (p.cluster === 'saopaulo' && i === a.placements.findIndex((q) => q.cluster === 'saopaulo') ? { ...p, replicas: 3 } : p)) })) };
    const previous = new Map(first.clusters).set('saopaulo', marked(last, WORKLOADS));
    const again = renderFleet(edited, { incremental: { salt: SALT, previous } });
    const full = renderFleet(edited).files.get(`clusters/saopaulo/${WORKLOADS}`)!;
    const text = again.files.get(`clusters/saopaulo/${WORKLOADS}`)!;
    const kept = text.match(/^# kept \d+$/gm) ?? [];
    assert.ok(documents >= 3, `${documents} documents`);
    assert.equal(kept.length, documents - 1, 'every document but the scaled Deployment keeps its last text');
    assert.equal(text.replace(/^# kept \d+\n/gm, ''), full, 'and the bytes are a full render\'s');
  });

  test('with other code, or a last text that does not split into its documents, everything is serialized again', () => {
    const edited = scaled(fleet, 'saopaulo', 3);
    const full = renderFleet(edited).files.get(`clusters/saopaulo/${WORKLOADS}`)!;
    const previous = new Map(first.clusters).set('saopaulo', marked(last, WORKLOADS));
    assert.equal(renderFleet(edited, { incremental: { salt: 'other code', previous } }).files.get(`clusters/saopaulo/${WORKLOADS}`), full);
    const text = last.files.get(WORKLOADS)!;
    const merged = new Map(last.files).set(WORKLOADS, text.replace(SEPARATOR, '\n'));
    const fewer = new Map(first.clusters).set('saopaulo', { ...last, key: 'stale', files: merged });
    assert.equal(renderFleet(edited, { incremental: { salt: SALT, previous: fewer } }).files.get(`clusters/saopaulo/${WORKLOADS}`), full);
  });
});
