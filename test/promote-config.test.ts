/**
 * `rollout.waves` in config: every rule by its exact message, where each cluster's GitRepository
 * points, and the default fleet (one wave) rendering exactly as before.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { DEFAULT_WAVE, rolloutPath, waveOf } from '../config/model.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { DEFAULT_FLEET, ROOT, mustFind, objectsOf, readText, render, tempDir } from './helpers.ts';

const BASE = readText(join(ROOT, 'test/fixtures/base-fleet.yaml'));

/** Problems of the base fleet with `rollout` appended, paths relative to the temporary folder. */
function errorsOf(rollout: string): string[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'fleet.yaml'), `${BASE}${rollout}`);
  try {
    loadFleet(join(dir, 'fleet.yaml'));
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems.map((p) => formatProblem({ ...p, file: 'fleet.yaml' }));
  }
}

/** Base fixture lines: `clusters` ends at line 19, so `rollout:` is line 20. */
describe('rollout.waves rules', () => {
  test('a valid rollout has no problem', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [beta], bakeTime: 15m }\n    - { name: rest, clusters: [alpha] }\n'), []);
  });

  test('a cluster in no wave is named, at the wave list', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - name: canary\n      clusters: [beta]\n'), [
      'fleet.yaml:22:5 rollout.waves: cluster in no wave (got "alpha" in none, expected every cluster in exactly one wave: add it to the clusters of a wave)',
    ]);
  });

  test('a cluster in two waves is reported at its second place', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [beta] }\n    - { name: rest, clusters: [alpha, beta] }\n'), [
      'fleet.yaml:23:39 rollout.waves[1].clusters[1]: cluster already in a wave (got "beta", which is in wave "canary"; expected each cluster in exactly one wave)',
    ]);
  });

  test('an unknown cluster', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [beta, gamma] }\n    - { name: rest, clusters: [alpha] }\n'), [
      'fleet.yaml:22:40 rollout.waves[0].clusters[1]: unknown cluster (got "gamma", expected one of alpha, beta)',
    ]);
  });

  test('a duplicate wave name', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [beta] }\n    - { name: canary, clusters: [alpha] }\n'), [
      'fleet.yaml:23:15 rollout.waves[1].name: duplicate wave name (got "canary", expected a name not already used by rollout.waves[0])',
    ]);
  });

  test('a bake time that is not a duration', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [beta], bakeTime: 2 hours }\n    - { name: rest, clusters: [alpha] }\n'), [
      'fleet.yaml:22:51 rollout.waves[0].bakeTime: invalid value (got "2 hours", expected a duration such as 30s, 5m or 1h)',
    ]);
  });

  test('an empty wave and an empty wave list', () => {
    assert.deepEqual(errorsOf('rollout:\n  waves:\n    - { name: canary, clusters: [] }\n    - { name: rest, clusters: [alpha, beta] }\n'), [
      'fleet.yaml:22:33 rollout.waves[0].clusters: invalid value (got a list of 0, expected at least one cluster)',
    ]);
    assert.deepEqual(errorsOf('rollout:\n  waves: []\n'), [
      'fleet.yaml:21:10 rollout.waves: invalid value (got a list of 0, expected at least one wave)',
    ]);
  });
});

describe('each cluster follows its wave\'s branch', () => {
  const file = join(ROOT, 'config/examples/waves.yaml');

  test('the first wave follows git.branch, the others meshfleet/<wave>', () => {
    const { fleet, rendered } = render(file);
    assert.deepEqual(fleet.waves.map((w) => [w.name, w.ref, w.clusters.join(' '), w.bakeTime]), [
      ['canary', 'main', 'saopaulo', '30m'],
      ['americas', 'meshfleet/americas', 'virginia', '1h'],
      ['europe', 'meshfleet/europe', 'frankfurt', '30m'],
    ]);
    for (const [cluster, ref] of [['saopaulo', 'main'], ['virginia', 'meshfleet/americas'], ['frankfurt', 'meshfleet/europe']]) {
      const source = mustFind(objectsOf(rendered, cluster!, 'flux-system'), 'GitRepository', 'flux-system') as { spec?: { ref?: unknown } };
      assert.deepEqual(source.spec?.ref, { branch: ref }, cluster);
      assert.equal(waveOf(fleet, cluster!).ref, ref);
    }
  });

  test('the path of a change: the touched clusters wave by wave, in rollout order', () => {
    const { fleet } = render(file);
    assert.deepEqual(rolloutPath(fleet, ['frankfurt', 'saopaulo', 'lisbon']).map((s) => [s.wave.name, s.wave.ref, s.clusters]), [
      ['canary', 'main', ['saopaulo']],
      ['europe', 'meshfleet/europe', ['frankfurt']],
    ]);
    assert.deepEqual(rolloutPath(fleet, []), []);
  });

  test('without rollout: one wave of every cluster on git.branch', () => {
    const { fleet, rendered } = render(DEFAULT_FLEET);
    assert.deepEqual(fleet.waves.map((w) => [w.name, w.ref, w.clusters.join(' ')]), [[DEFAULT_WAVE, 'main', 'frankfurt saopaulo']]);
    // The committed dist is the default fleet's render: the single wave changes none of its bytes.
    for (const [path, content] of rendered.files) assert.equal(readText(join(ROOT, 'dist', path)), content, path);
  });
});
