/**
 * Istio revisions and revision tags (issue: upgrade Istio as a revisioned canary): the rules of
 * `mesh.istio` in one config, what each step of the documented upgrade renders, and the steps
 * that `check --base` refuses.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { UPGRADE_STEPS, fleetAtStep } from '../scripts/docs/istio-upgrade-steps.ts';
import { formatFinding } from '../scripts/review/findings.ts';
import { istioStepFindings, waveSkewFindings } from '../scripts/review/istio-steps.ts';
import { bareRemote, QUIET_GIT_ENV } from './commands.ts';
import { upgradeSteps } from './upgrade-steps.ts';
import { DEFAULT_FLEET, ROOT, checksOf, find, fleetTree, mustFind, objectsOf, readText, runCommand, tempDir, type K8sObject } from './helpers.ts';

type Values = Record<string, any>;
const values = (hr: K8sObject): Values => (hr.spec as { values: Values }).values;
const FLEET_TEXT = readText(DEFAULT_FLEET);

const fleetFile = (text: string): string => fleetTree(text);

/** The config problems of `text`, formatted, the file named `fleet.yaml`. */
function problemsOf(text: string): string[] {
  const file = fleetFile(text);
  try {
    loadFleet(file);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => formatProblem({ ...p, file: relative(join(file, '..'), p.file) }));
  }
}

/** The default fleet with `mesh.istio` replaced by `istio` (indented under `  istio:`). */
const withIstio = (istio: string): string => fleetAtStep(FLEET_TEXT, { title: 'edited', istio: `  istio:\n${istio}` });

const fleets = upgradeSteps().map((s) => s.fleet);
const renders = upgradeSteps().map((s) => s.rendered);
const at = (step: number, cluster: string, layer?: string) => objectsOf(renders[step]!, cluster, layer);
const annotationOf = (d: K8sObject): string | undefined => (d.spec as Values).template.metadata.annotations?.['meshfleet.io/istio-revision'];

describe('mesh.istio rules, in one config', () => {
  test('the version shorthand is one revision named after it, with the default tag', () => {
    const fleet = loadFleet(fleetFile(withIstio('    version: 1.29.6\n')));
    assert.deepEqual(fleet.mesh.istio.revisions, [{ name: '1-29-6', version: '1.29.6' }]);
    assert.deepEqual(fleet.mesh.istio.tags, { 'prod-stable': '1-29-6' });
    assert.equal(fleet.mesh.istio.version, '1.29.6');
  });

  test('references and names: each wrong one at its own field', () => {
    const text = withIstio([
      '    version: 1.30.3',
      '    revisions:',
      '      - { name: 1-30-3, version: 1.30.3 }',
      '      - { name: 1-30-3, version: 1.30.3 }',
      '      - { name: 1.30.3, version: 1.30.3 }',
      '    tags: { prod-stable: 1-30-3, prod-canary: 1-31-0 }',
      '    defaultTag: stable',
      '',
    ].join('\n')).replace('    definition: apps/bookinfo.yaml\n', '    definition: apps/bookinfo.yaml\n    revisionTag: canary\n')
      .replace('    eastWestAddress: 10.10.15.250\n', '    eastWestAddress: 10.10.15.250\n    gateways: { revisionTag: edge }\n');
    // A name the schema refuses leaves mesh out of the cross-field rules (they run on valid sections).
    assert.deepEqual(problemsOf(text), [
      'fleet.yaml:19:17 mesh.istio.revisions[2].name: invalid value (got "1.30.3", expected a revision name: lowercase letters, digits and "-", starting and ending with a letter or digit (no dots: 1-30-3, not 1.30.3))',
    ]);
    // The name fixed, the reference rules run.
    const fixed = text.replace('{ name: 1.30.3, version: 1.30.3 }', '{ name: 1-29-6, version: 1.29.6 }');
    assert.deepEqual(problemsOf(fixed)[0], 'fleet.yaml:15:14 mesh.istio.version: both version and revisions (got version 1.30.3, expected either version, the shorthand for one revision, or revisions: remove version)');
    assert.deepEqual(problemsOf(fixed.replace('    version: 1.30.3\n', '')), [
      'fleet.yaml:17:17 mesh.istio.revisions[1].name: duplicate revision name (got "1-30-3", expected each revision name once)',
      'fleet.yaml:19:47 mesh.istio.tags.prod-canary: unknown revision (got "1-31-0", expected one of 1-30-3, 1-29-6)',
      'fleet.yaml:20:17 mesh.istio.defaultTag: unknown revision tag (got "stable", expected one of prod-stable, prod-canary)',
      'fleet.yaml:27:30 clusters[0].gateways.revisionTag: unknown revision tag (got "edge", expected one of prod-stable, prod-canary)',
      'fleet.yaml:41:18 apps.bookinfo.revisionTag: unknown revision tag (got "canary", expected one of prod-stable, prod-canary)',
    ]);
  });

  test('tags beside the version shorthand name its one revision', () => {
    assert.deepEqual(problemsOf(withIstio('    version: 1.30.3\n    tags: { prod-stable: 1-29-6 }\n')), [
      'fleet.yaml:16:26 mesh.istio.tags.prod-stable: unknown revision (got "1-29-6", expected one of 1-30-3)',
    ]);
  });

  test('revisions without tags: namespaces follow a tag, never a revision', () => {
    assert.deepEqual(problemsOf(withIstio('    revisions: [{ name: 1-30-3, version: 1.30.3 }]\n')), [
      'fleet.yaml:15:5 mesh.istio.revisions: revisions without tags (got 1 revision and no tags, expected tags: {prod-stable: 1-30-3}: namespaces and gateways follow a tag, never a revision)',
    ]);
  });

  test('revisions side by side are at most one minor release apart, of one major', () => {
    assert.deepEqual(problemsOf(withIstio('    revisions: [{ name: 1-28-4, version: 1.28.4 }, { name: 1-30-3, version: 1.30.3 }, { name: 2-29-0, version: 2.29.0 }]\n    tags: { prod-stable: 1-28-4 }\n')), [
      'fleet.yaml:15:77 mesh.istio.revisions[1].version: too far from revision 1-28-4 (got 1.30.3 beside 1.28.4, expected at most 1 minor release apart, as Istio supports for a canary upgrade: upgrade through 1.29 first)',
      'fleet.yaml:15:112 mesh.istio.revisions[2].version: too far from revision 1-28-4 (got 2.29.0 beside 1.28.4, expected at most 1 minor release apart, as Istio supports for a canary upgrade: upgrade through 1.29 first)',
    ]);
    assert.deepEqual(problemsOf(withIstio('    revisions: [{ name: 1-29-6, version: 1.29.6 }, { name: 1-30-3, version: 1.30.3 }]\n    tags: { prod-stable: 1-29-6 }\n')), []);
  });
});

describe('the documented upgrade, step by step (docs/istio-upgrade.md)', () => {
  test('the last step is the default fleet as it is', () => {
    assert.equal(fleetAtStep(FLEET_TEXT, UPGRADE_STEPS.at(-1)!), FLEET_TEXT);
  });

  test('every step: fleet checks clean, and a safe step from the one before', () => {
    fleets.forEach((fleet, i) => {
      const findings = checksOf(fleet, renders[i]!);
      assert.deepEqual(findings.map(formatFinding), [], UPGRADE_STEPS[i]!.title);
      if (i > 0) assert.deepEqual(istioStepFindings(fleets[i - 1]!, fleet).map(formatFinding), [], UPGRADE_STEPS[i]!.title);
    });
  });

  test('every primary runs an istiod per revision, every remote its remote profile and Endpoints per revision', () => {
    const expected = [['1-29-6'], ['1-29-6', '1-30-3'], ['1-29-6', '1-30-3'], ['1-29-6', '1-30-3'], ['1-30-3']];
    expected.forEach((revisions, step) => {
      for (const cluster of ['frankfurt', 'saopaulo']) {
        const releases = at(step, cluster, 'istiod').filter((o) => o.kind === 'HelmRelease' && o.metadata.name.startsWith('istiod-'));
        assert.deepEqual(releases.map((r) => values(r).revision), revisions, `step ${step} ${cluster}`);
        for (const r of releases) {
          const version = fleets[step]!.mesh.istio.revisions.find((x) => x.name === values(r).revision)!.version;
          assert.deepEqual((r.spec as Values).chartRef.name, `istio-istiod-${version.replaceAll('.', '-')}`);
        }
      }
      assert.deepEqual(at(step, 'saopaulo', 'istiod').filter((o) => o.kind === 'Endpoints').map((e) => e.metadata.name), revisions.map((r) => `istiod-${r}`));
      assert.deepEqual(at(step, 'frankfurt', 'mesh').filter((o) => o.kind === 'VirtualService').map((v) => v.metadata.name), revisions.map((r) => `istiod-vs-${r}`));
    });
  });

  test('base installs at the newest version; the default validator calls the default tag\'s revision', () => {
    const base = (step: number) => mustFind(at(step, 'frankfurt', 'istio-base'), 'HelmRelease', 'istio-base');
    assert.deepEqual([0, 1, 2, 3, 4].map((s) => [(base(s).spec as Values).chartRef.name, values(base(s)).defaultRevision]), [
      ['istio-base-1-29-6', '1-29-6'], ['istio-base-1-30-3', '1-29-6'], ['istio-base-1-30-3', '1-29-6'], ['istio-base-1-30-3', '1-30-3'], ['istio-base-1-30-3', '1-30-3'],
    ]);
  });

  test('each tag is its own release, of the chart of the revision it points at, keeping only the tag\'s objects', () => {
    const tags = (step: number, cluster: string) => at(step, cluster, 'istiod').filter((o) => o.kind === 'HelmRelease' && o.metadata.name.startsWith('istio-tag-'))
      .map((r) => [r.metadata.name, values(r).revision, values(r).revisionTags, (r.spec as Values).chartRef.name]);
    assert.deepEqual(tags(2, 'frankfurt'), [
      ['istio-tag-prod-canary', '1-30-3', ['prod-canary'], 'istio-istiod-1-30-3'],
      ['istio-tag-prod-stable', '1-29-6', ['prod-stable'], 'istio-istiod-1-29-6'],
    ]);
    assert.deepEqual(tags(3, 'saopaulo').map((t) => t.slice(0, 2)), [['istio-tag-prod-canary', '1-30-3'], ['istio-tag-prod-stable', '1-30-3']]);
    const release = mustFind(at(2, 'saopaulo', 'istiod'), 'HelmRelease', 'istio-tag-prod-canary');
    assert.deepEqual(values(release).istiodRemote, { injectionPath: '/inject/cluster/saopaulo/net/network1' });
    assert.deepEqual((release.spec as Values).postRenderers, [{ kustomize: { patches: [{ patch: '$patch: delete\napiVersion: v1\nkind: Unused\nmetadata:\n  name: unused\n', target: { labelSelector: '!istio.io/tag' } }] } }]);
  });

  test('pods move only when their tag moves: bookinfo restarts once, at step 2; the gateways at step 3', () => {
    const bookinfo = [0, 1, 2, 3, 4].map((s) => ({
      label: mustFind(at(s, 'frankfurt', 'apps'), 'Namespace', 'bookinfo').metadata.labels?.['istio.io/rev'],
      revision: annotationOf(mustFind(at(s, 'saopaulo', 'apps'), 'Deployment', 'reviews-v3', 'bookinfo')),
      gateway: values(mustFind(at(s, 'frankfurt', 'gateways'), 'HelmRelease', 'istio-ingress')).revision,
    }));
    assert.deepEqual(bookinfo, [
      { label: 'prod-stable', revision: '1-29-6', gateway: '1-29-6' },
      { label: 'prod-stable', revision: '1-29-6', gateway: '1-29-6' },
      { label: 'prod-canary', revision: '1-30-3', gateway: '1-29-6' },
      { label: 'prod-stable', revision: '1-30-3', gateway: '1-30-3' },
      { label: 'prod-stable', revision: '1-30-3', gateway: '1-30-3' },
    ]);
    // Step 3 moves bookinfo back to prod-stable, which now points at the same revision: its
    // Deployments do not change, so nothing restarts a second time.
    for (const cluster of ['frankfurt', 'saopaulo']) {
      assert.equal(renders[3]!.files.get(`clusters/${cluster}/apps/bookinfo-workloads.yaml`), renders[2]!.files.get(`clusters/${cluster}/apps/bookinfo-workloads.yaml`));
    }
  });

  test('adding the canary revision changes no pod and no tag', () => {
    for (const cluster of ['frankfurt', 'saopaulo']) {
      for (const file of [`clusters/${cluster}/apps/bookinfo-workloads.yaml`, `clusters/${cluster}/apps/bookinfo-namespace.yaml`]) {
        assert.equal(renders[1]!.files.get(file), renders[0]!.files.get(file), file);
      }
    }
    assert.equal(find(at(1, 'frankfurt', 'istiod'), 'HelmRelease', 'istio-tag-prod-canary'), undefined);
  });
});

describe('unsafe steps, refused by check --base', () => {
  const step = (text: string): Fleet => loadFleet(fleetFile(text));
  const refused = (base: Fleet, head: Fleet) => istioStepFindings(base, head).map((f) => `${f.severity} ${f.where.replace(/^.*fleet\.yaml/, 'fleet.yaml')}: ${f.message}`);

  test('a tag moved to a revision the same change adds', () => {
    assert.deepEqual(refused(fleets[0]!, fleets[2]!), [
      'error fleet.yaml mesh.istio.tags.prod-canary: new tag to revision 1-30-3, which this same change adds: the tag\'s namespaces and gateways would be sent to an istiod that is not running yet, and their pods could not start (the injection webhook fails closed)',
    ]);
    const moved = step(fleetAtStep(FLEET_TEXT, { ...UPGRADE_STEPS[1]!, istio: UPGRADE_STEPS[1]!.istio.replace('prod-stable: 1-29-6', 'prod-stable: 1-30-3') }));
    assert.deepEqual(refused(fleets[0]!, moved), [
      'error fleet.yaml mesh.istio.tags.prod-stable: tag moves from 1-29-6 to revision 1-30-3, which this same change adds: the tag\'s namespaces and gateways would be sent to an istiod that is not running yet, and their pods could not start (the injection webhook fails closed)',
    ]);
  });

  test('a revision removed in the change that moves its tags off it', () => {
    assert.deepEqual(refused(fleets[2]!, fleets[4]!), [
      'error fleet.yaml mesh.istio.revisions: revision 1-29-6 is removed in the same change that moves prod-stable off it: until that move has rolled out, the pods of that tag\'s namespaces and gateways still run 1-29-6\'s sidecar and would lose their control plane',
    ]);
    assert.deepEqual(refused(fleets[3]!, fleets[4]!), [], 'once nothing points at it, it may go');
  });

  test('a revision changed to another minor release in place; a patch release in place is a warning', () => {
    const minor = step(withIstio('    revisions: [{ name: 1-29-6, version: 1.30.3 }]\n    tags: { prod-stable: 1-29-6 }\n'));
    assert.deepEqual(refused(fleets[0]!, minor), [
      'error fleet.yaml mesh.istio.revisions[0].version: revision 1-29-6 changes from 1.29.6 to 1.30.3 in place: every primary would replace its istiod at once, with no way back but another in-place change',
    ]);
    const patch = step(withIstio('    revisions: [{ name: 1-29-6, version: 1.29.7 }]\n    tags: { prod-stable: 1-29-6 }\n'));
    assert.deepEqual(refused(fleets[0]!, patch), [
      'warning fleet.yaml mesh.istio.revisions[0].version: revision 1-29-6 changes from 1.29.6 to 1.29.7 in place (a patch release, which Istio supports in place): each istiod restarts, and pods keep the old sidecar until they restart',
    ]);
  });
});

test('CLI: check --base exits 1 on an unsafe step and names it; diff shows it; the safe step passes', async () => {
  const file = fleetFile(fleetAtStep(FLEET_TEXT, UPGRADE_STEPS[0]!));
  const repo = join(file, '../..');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=meshfleet-test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe', env: { ...process.env, ...QUIET_GIT_ENV } });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'step 0');
  writeFileSync(file, fleetAtStep(FLEET_TEXT, UPGRADE_STEPS[2]!));
  const unsafe = await runCommand('check', ['--base', 'HEAD'], repo);
  assert.equal(unsafe.status, 1, unsafe.stderr);
  assert.match(unsafe.stdout, /^error config\/fleet\.yaml mesh\.istio\.tags\.prod-canary: new tag to revision 1-30-3, which this same change adds: .* \(fix: add revision 1-30-3 in a commit of its own; /m);
  assert.match(unsafe.stdout, /\+ the step from HEAD: 1 error, 0 warnings$/m);
  const diff = await runCommand('diff', ['--format', 'markdown'], repo);
  assert.equal(diff.status, 1, diff.stderr);
  assert.match(diff.stdout, /^Error: unsafe Istio upgrade step, config\/fleet\.yaml mesh\.istio\.tags\.prod-canary: new tag to revision 1-30-3/m);
  writeFileSync(file, fleetAtStep(FLEET_TEXT, UPGRADE_STEPS[1]!));
  const safe = await runCommand('check', ['--base', 'HEAD'], repo);
  assert.equal(safe.status, 0, safe.stdout);
  assert.match(safe.stdout, /\+ the step from HEAD: 0 errors, 0 warnings$/m);
  assert.equal((await runCommand('check', ['--base', 'no-such-ref'], repo)).status, 2);
});

describe('across rollout waves: a remote never sends pods to a revision its primary\'s wave does not run', () => {
  // config/examples/waves.yaml: saopaulo (wave canary) and virginia (americas) are remotes of
  // frankfurt (europe, last). Each wave runs the config of its own commit.
  const WAVES_TEXT = readText(join(ROOT, 'config/examples/waves.yaml'));
  const wavesAt = (step: number): Fleet => loadFleet(fleetTree(fleetAtStep(WAVES_TEXT, UPGRADE_STEPS[step]!), 'config/examples/waves.yaml'));
  const steps = [0, 1, 2, 3, 4].map(wavesAt);
  /** Findings when the clusters of each wave run the step `stepOf` gives. */
  const skew = (stepOf: Record<string, number>) => waveSkewFindings(steps[0]!, (cluster) => {
    const step = stepOf[steps[0]!.clusters.find((c) => c.name === cluster)!.wave]!;
    return { fleet: steps[step]!, at: `step ${step}` };
  }).map(formatFinding);

  test('a step that has reached every wave, or only remotes before the primary, in order: no finding', () => {
    assert.deepEqual(skew({ canary: 1, americas: 0, europe: 0 }), []);
    assert.deepEqual(skew({ canary: 2, americas: 1, europe: 1 }), []);
    assert.deepEqual(skew({ canary: 4, americas: 3, europe: 3 }), []);
  });

  test('the tag moved in the first wave before its primary runs the revision', () => {
    assert.deepEqual(skew({ canary: 2, americas: 1, europe: 0 }), [
      'error saopaulo (wave canary): namespace bookinfo (tag prod-canary) would get the sidecar of revision 1-30-3 (step 2), but its primary frankfurt (wave europe) runs no istiod-1-30-3 (step 0): its pods could not start (the injection webhook fails closed) (fix: let every wave run the step that adds revision 1-30-3 before a tag moves to it, and keep a revision until every wave runs the step that moves its tags off it (docs/istio-upgrade.md, With rollout waves))',
    ]);
  });

  test('the old revision removed where the primary is while a remote still uses it', () => {
    assert.deepEqual(skew({ canary: 4, americas: 2, europe: 4 }).map((f) => f.replace(/ \(fix: .*$/, '')), [
      'error virginia (wave americas): its gateways (tag prod-stable) would get the sidecar of revision 1-29-6 (step 2), but its primary frankfurt (wave europe) runs no istiod-1-29-6 (step 4): its pods could not start (the injection webhook fails closed)',
    ]);
  });
});

test('CLI: promote refuses to move a remote\'s wave onto a tag its primary\'s wave cannot serve yet', async () => {
  const { promoteMain } = await import('../scripts/promote/main.ts');
  const env = { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...QUIET_GIT_ENV };
  const dir = tempDir('meshfleet-promote-');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  const remote = join(dir, 'remote.git');
  const work = join(dir, 'work');
  bareRemote(remote, env);
  git(dir, 'clone', '--quiet', remote, work);
  const waves = readText(join(ROOT, 'config/examples/waves.yaml'));
  const fleet = fleetTree(fleetAtStep(waves, UPGRADE_STEPS[0]!), 'config/examples/waves.yaml', work);
  const commitStep = (step: number) => {
    writeFileSync(fleet, fleetAtStep(waves, UPGRADE_STEPS[step]!));
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', `step ${step}`);
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    return git(work, 'rev-parse', 'HEAD');
  };
  const first = commitStep(0);
  git(work, 'push', '--quiet', 'origin', `${first}:refs/heads/meshfleet/americas`, `${first}:refs/heads/meshfleet/europe`);
  commitStep(1);
  commitStep(2);
  let stderr = '';
  const status = await promoteMain(['--config', fleet, '--to', 'americas', '--state-dir', join(dir, 'state')], {
    env, cwd: work, out: { write: () => true }, err: { write: (t: string) => ((stderr += t), true) },
  });
  assert.equal(status, 1, stderr);
  assert.match(stderr, /^promote to americas refused: Istio revisions would not line up across the waves:\n {2}virginia \(wave americas\): namespace bookinfo \(tag prod-canary\) would get the sidecar of revision 1-30-3 \(meshfleet\/americas at [0-9a-f]{12}\), but its primary frankfurt \(wave europe\) runs no istiod-1-30-3 \(meshfleet\/europe at [0-9a-f]{12}\)/);
  assert.equal(git(work, 'ls-remote', remote, 'refs/heads/meshfleet/americas').split('\t')[0], first, 'the wave did not move');

  // The same step at review time: check --base reads the later waves' branches from origin.
  git(work, 'fetch', '--quiet', 'origin');
  git(work, 'reset', '--quiet', '--hard', 'HEAD~1');
  writeFileSync(fleet, fleetAtStep(waves, UPGRADE_STEPS[2]!));
  const check = await runCommand('check', ['--config', 'config/examples/waves.yaml', '--base', 'origin/main~1'], work);
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /^error saopaulo \(wave canary\): namespace bookinfo \(tag prod-canary\) would get the sidecar of revision 1-30-3 \(this change\), but its primary frankfurt \(wave europe\) runs no istiod-1-30-3 \(meshfleet\/europe at [0-9a-f]{12}\)/m);
});
