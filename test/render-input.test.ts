/**
 * `renderInput` (clusters/render.ts), by which `diff` renders a revision whose config renders like
 * the working tree's only once: the paths of a fleet's files change no byte of its render, and
 * anything else a render reads changes the input.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFleet, renderInput } from '../clusters/render.ts';
import type { Fleet } from '../config/model.ts';
import { ROOT, render } from './helpers.ts';

const THREE_REGIONS = join(ROOT, 'config/examples/three-regions.yaml');

describe('what a render reads of a fleet', () => {
  const { fleet, rendered } = render(THREE_REGIONS);

  test('where the fleet file and the app definitions are: the same input, the same bytes', () => {
    const moved: Fleet = { ...fleet, file: '/elsewhere/fleet.yaml', apps: fleet.apps.map((a) => ({ ...a, definitionFile: `/elsewhere/${a.name}.yaml` })) };
    assert.equal(renderInput(moved), renderInput(fleet));
    assert.deepEqual([...renderFleet(moved).files], [...rendered.files]);
  });

  test('a cluster, a placement or the mesh changed: another input', () => {
    const changed: Fleet[] = [
      { ...fleet, clusters: fleet.clusters.map((c, i) => (i === 1 ? { ...c, labels: { team: 'x' } } : c)) },
      { ...fleet, apps: fleet.apps.map((a) => ({ ...a, placements: a.placements.slice(1) })) },
      { ...fleet, mesh: { ...fleet.mesh, id: 'other' } },
    ];
    for (const f of changed) assert.notEqual(renderInput(f), renderInput(fleet));
  });
});
