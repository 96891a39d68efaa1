/**
 * What reviewers see of rollout waves: FLEET.md lists the waves and the branch each follows; the
 * PR diff says where a change lands first and which waves it reaches through `npm run promote`,
 * and warns when a change moves clusters between waves. A fleet without waves reads as before.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { formatText } from '../scripts/review/format-diff.ts';
import { diffRendered } from '../scripts/review/fleet-diff.ts';
import { rolloutNote } from '../scripts/review/rollout-note.ts';
import { DEFAULT_FLEET, ROOT, readText, render, writeFixture, tempDir } from './helpers.ts';

const WAVES = join(ROOT, 'config/examples/waves.yaml');

describe('rollout waves in review', () => {
  test('FLEET.md lists the waves in order, with the branch each follows; the default fleet shows none', () => {
    const overview = render(WAVES).rendered.files.get('FLEET.md')!;
    assert.match(overview, /synced by Flux from `ssh:\/\/git@github\.com\/example\/meshfleet` \(`main` and the wave branches below\)\./);
    assert.ok(overview.includes([
      '## Rollout waves', '',
      '| wave | follows | clusters | bake time |', '|---|---|---|---|',
      '| canary | `main` | saopaulo | 30m |',
      '| americas | `meshfleet/americas` | virginia | 1h |',
      '| europe | `meshfleet/europe` | frankfurt | 30m |',
    ].join('\n')), overview);
    assert.doesNotMatch(render(DEFAULT_FLEET).rendered.files.get('FLEET.md')!, /Rollout waves|wave branches/);
  });

  test('the diff says where a change lands first and which waves it reaches through promote', () => {
    const fleet = loadFleet(WAVES);
    assert.deepEqual(rolloutNote(fleet, fleet, ['frankfurt', 'saopaulo']), [
      'Rollout: merged to `main`, this change reaches wave canary (saopaulo) at once, then europe (frankfurt) through `npm run promote`, each wave after the one before has been Ready at it for its bake time.',
    ]);
    assert.deepEqual(rolloutNote(fleet, fleet, ['frankfurt']), [
      'Rollout: merged to `main`, this change reaches wave canary (no cluster of it changes) at once, then europe (frankfurt) through `npm run promote`, each wave after the one before has been Ready at it for its bake time.',
    ]);
    assert.deepEqual(rolloutNote(fleet, fleet, ['saopaulo']), ['Rollout: merged to `main`, this change reaches wave canary (saopaulo) at once, then no other wave.']);
    assert.deepEqual(rolloutNote(undefined, loadFleet(DEFAULT_FLEET), ['frankfurt']), [], 'no waves of its own: nothing said');
  });

  test('a change that moves a cluster to another wave is a warning to roll out everywhere at once', () => {
    const base = loadFleet(WAVES);
    const moved = writeFixture('fleet.yaml', readText(WAVES)
      .replace('definition: ../apps/', `definition: ${ROOT}config/apps/`)
      .replace('clusters: [saopaulo]', 'clusters: [saopaulo, virginia]')
      .replace('    - name: americas\n      clusters: [virginia]\n      bakeTime: 1h\n', ''), tempDir());
    const head = loadFleet(moved);
    const lines = rolloutNote(base, head, ['virginia']);
    assert.equal(lines.at(-1), 'Warning: this change moves clusters between waves: virginia (`meshfleet/americas` → `main`). Roll it out to every wave at once: `npm run promote -- --all --force --reason "waves: …"` (docs/rollout.md, Day two).');
    const text = formatText(diffRendered(render(WAVES).rendered.files, render(WAVES).rendered.files), { base: 'HEAD', rollout: lines });
    assert.ok(text.endsWith(`${lines.join('\n')}\n`) || text.includes(lines.join('\n')), 'shown after the summary');
  });
});
