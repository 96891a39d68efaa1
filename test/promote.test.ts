/**
 * `npm run promote` end to end: a local bare git repository as the fleet remote, a clone to run
 * in, and the fake kubectl (test/fake-bin) answering each cluster's Flux objects from files this
 * test writes, with Ready times relative to the real clock. The fleet is config/examples/waves.yaml:
 * canary [saopaulo] on main (bake 30m) → americas [virginia] (bake 1h) → europe [frankfurt].
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HISTORY_BRANCH, parseMove } from '../scripts/promote/history.ts';
import { promoteMain } from '../scripts/promote/main.ts';
import { OPTIONS, USAGE } from '../scripts/promote/usage.ts';
import { FAKE_BIN, readCalls, callLine } from './fake-bin/harness.ts';
import { bareRemote, copyOf, QUIET_GIT_ENV } from './commands.ts';
import { ROOT, runCommand, tempDir } from './helpers.ts';

const FLEET = join(ROOT, 'config/examples/waves.yaml');
const CONTEXT = {
  saopaulo: 'gke_meshfleet-demo_southamerica-east1_saopaulo',
  virginia: 'gke_meshfleet-demo_us-east1_virginia',
  frankfurt: 'gke_meshfleet-demo_europe-west3_frankfurt',
} as const;
type Name = keyof typeof CONTEXT;

const GIT_ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...QUIET_GIT_ENV };

interface World {
  readonly dir: string;
  readonly remote: string;
  readonly work: string;
  readonly state: string;
  readonly log: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

/** A world in a fresh folder: the same files as `template`, the clone's origin its own remote. */
function copyWorld<W extends World>(template: W): W {
  const dir = copyOf(template.dir, ['work/.git/config'], 'meshfleet-promote-');
  return { ...template, dir, remote: join(dir, 'remote.git'), work: join(dir, 'work'), state: join(dir, 'flux'), log: join(dir, 'calls.jsonl') };
}

let newWorld: World | undefined;

/** A bare remote with `main` at one commit, and a clone of it to run promote in (built once, then copied). */
function world(): World {
  if (!newWorld) {
    const dir = tempDir('meshfleet-promote-');
    const remote = join(dir, 'remote.git');
    const work = join(dir, 'work');
    bareRemote(remote, { ...process.env, ...GIT_ENV });
    git(dir, 'clone', '--quiet', remote, work);
    const state = join(dir, 'flux');
    mkdirSync(state);
    newWorld = { dir, remote, work, state, log: join(dir, 'calls.jsonl') };
    commitOnMain(newWorld, 'first');
  }
  return copyWorld(newWorld);
}

/** A new commit on main, pushed; its sha. */
function commitOnMain(w: World, text: string): string {
  writeFileSync(join(w.work, 'change.txt'), `${text}\n`);
  git(w.work, 'add', 'change.txt');
  git(w.work, 'commit', '--quiet', '-m', text);
  git(w.work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return git(w.work, 'rev-parse', 'HEAD');
}

/** The remote's branches: name → sha (read in the remote itself: one git process, not three). */
function heads(w: World): Record<string, string> {
  const out = git(w.remote, 'for-each-ref', '--format=%(objectname)%09%(refname)', 'refs/heads/');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.split('\t')[1]!.replace('refs/heads/', ''), l.split('\t')[0]!]));
}

interface ObjectState {
  readonly kind?: 'Kustomization' | 'HelmRelease';
  readonly name: string;
  readonly namespace?: string;
  readonly ready?: 'True' | 'False' | 'Unknown';
  readonly message?: string;
  /** Minutes since Ready last changed. */
  readonly minutes: number;
  /** Kustomizations: `<branch>@sha1:<sha>`. */
  readonly revision?: string;
  readonly stalled?: boolean;
}

/** Writes what the fake kubectl answers for `cluster`. */
function flux(w: World, cluster: Name, objects: readonly ObjectState[]): number {
  const now = Date.now();
  const items = objects.map((o) => ({
    apiVersion: o.kind === 'HelmRelease' ? 'helm.toolkit.fluxcd.io/v2' : 'kustomize.toolkit.fluxcd.io/v1',
    kind: o.kind ?? 'Kustomization',
    metadata: { name: o.name, namespace: o.namespace ?? 'flux-system', generation: 2 },
    status: {
      observedGeneration: 2,
      ...(o.revision ? { lastAppliedRevision: o.revision } : {}),
      conditions: [
        { type: 'Ready', status: o.ready ?? 'True', reason: 'ReconciliationSucceeded', message: o.message ?? 'Applied revision', lastTransitionTime: new Date(now - o.minutes * 60_000).toISOString() },
        ...(o.stalled ? [{ type: 'Stalled', status: 'True', reason: 'BuildFailed', message: o.message ?? 'stalled', lastTransitionTime: new Date(now).toISOString() }] : []),
      ],
    },
  }));
  writeFileSync(join(w.state, `${CONTEXT[cluster]}.json`), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return now;
}

/**
 * Every layer of a cluster Ready at `branch@sha1:sha` since `minutes` ago, and its istiod
 * HelmRelease; returns when they became Ready (ms since the epoch).
 */
function healthy(w: World, cluster: Name, branch: string, sha: string, minutes: number): number {
  const now = flux(w, cluster, [
    { name: 'flux-system', revision: `${branch}@sha1:${sha}`, minutes },
    { name: 'apps', revision: `${branch}@sha1:${sha}`, minutes },
    { kind: 'HelmRelease', name: 'istiod-1-30-3', namespace: 'istio-system', minutes },
  ]);
  return now - minutes * 60_000;
}

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function promote(w: World, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, ...GIT_ENV, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_FLUX_STATE: w.state, FAKE_LOG: w.log };
  const status = await promoteMain(['--config', FLEET, '--state-dir', join(w.dir, 'state'), ...args], {
    env, cwd: w.work, out: { write: (t: string) => (stdout += t) }, err: { write: (t: string) => (stderr += t) },
  });
  return { status, stdout, stderr };
}

/** The recorded moves, newest first. */
function history(w: World) {
  const head = heads(w)[HISTORY_BRANCH];
  if (!head) return [];
  return git(w.remote, 'log', '-z', '--format=%B', head).split('\0').map((m) => parseMove(m)).filter((m) => m !== undefined);
}

let rolledOutWorld: Promise<World & { first: string }> | undefined;

/**
 * A world where every wave already follows `first` (promoted once each, gates held): rolled out
 * once, then copied. Each copy's clusters are Ready since the same time before now as in the
 * rollout, whenever the copy is made.
 */
async function rolledOut(): Promise<World & { first: string }> {
  rolledOutWorld ??= (async () => {
    const w = world();
    const first = heads(w).main!;
    healthy(w, 'saopaulo', 'main', first, 45);
    assert.equal((await promote(w, '--to', 'americas')).status, 0);
    healthy(w, 'virginia', 'meshfleet/americas', first, 90);
    assert.equal((await promote(w, '--to', 'europe')).status, 0);
    return { ...w, first };
  })();
  const w = copyWorld(await rolledOutWorld);
  healthy(w, 'saopaulo', 'main', w.first, 45);
  healthy(w, 'virginia', 'meshfleet/americas', w.first, 90);
  healthy(w, 'frankfurt', 'meshfleet/europe', w.first, 90);
  return w;
}

describe('promote moves a wave only when the wave before is Ready at the revision for its bake time', () => {
  test('first promotions create the wave branches; the history records them', async () => {
    const w = await rolledOut();
    const h = heads(w);
    assert.equal(h['meshfleet/americas'], w.first);
    assert.equal(h['meshfleet/europe'], w.first);
    assert.deepEqual(history(w).map((m) => [m.kind, m.wave, m.from, m.to]), [['promote', 'europe', undefined, w.first], ['promote', 'americas', undefined, w.first]]);
  });

  test('a new commit on main: refused while the canary has not baked, promoted once it has', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    const readySince = healthy(w, 'saopaulo', 'main', second, 5);
    const early = await promote(w);
    assert.equal(early.status, 1);
    // From the time the fake state says, not from the clock now: a minute may turn meanwhile.
    const promotable = new Date(readySince + 30 * 60_000).toISOString().replace(/\./g, '\\.');
    assert.match(early.stderr, new RegExp(`^promote to americas refused: wave canary does not yet run ${second.slice(0, 12)} healthy for its bake time 30m:\n  saopaulo: Kustomization flux-system/flux-system has been Ready for 5m, less than the bake time 30m of wave canary \\(promotable from ${promotable}\\)`));
    assert.equal(early.stderr.split('\n').filter((l) => l.startsWith('  saopaulo: ')).length, 3, 'every object of the cluster is named');
    assert.equal(heads(w)['meshfleet/americas'], w.first, 'americas did not move');

    healthy(w, 'saopaulo', 'main', second, 31);
    const done = await promote(w);
    assert.deepEqual(done, { status: 0, stdout: `promote americas: meshfleet/americas ${w.first.slice(0, 12)} -> ${second.slice(0, 12)}\n`, stderr: '' });
    assert.equal(heads(w)['meshfleet/americas'], second);
    assert.equal(heads(w)['meshfleet/europe'], w.first, 'only the next wave moves');
  });

  test('without --to, every wave that is behind moves, the last first, each on what the wave before has baked', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    healthy(w, 'saopaulo', 'main', second, 45);
    assert.equal((await promote(w)).status, 0);
    const third = commitOnMain(w, 'third');
    healthy(w, 'saopaulo', 'main', third, 45);
    healthy(w, 'virginia', 'meshfleet/americas', second, 90);
    const s = (sha: string) => sha.slice(0, 12);
    assert.deepEqual(await promote(w), { status: 0, stderr: '', stdout: `promote europe: meshfleet/europe ${s(w.first)} -> ${s(second)}\npromote americas: meshfleet/americas ${s(second)} -> ${s(third)}\n` });
    assert.equal(heads(w)['meshfleet/europe'], second);
    assert.equal(heads(w)['meshfleet/americas'], third);
    assert.deepEqual(history(w).slice(0, 2).map((m) => [m.wave, m.from, m.to]), [['americas', second, third], ['europe', w.first, second]]);

    // One wave refused, another moved: the refusal is said, the run succeeds.
    const fourth = commitOnMain(w, 'fourth');
    healthy(w, 'saopaulo', 'main', fourth, 2);
    healthy(w, 'virginia', 'meshfleet/americas', third, 90);
    const mixed = await promote(w);
    assert.equal(mixed.status, 0);
    assert.equal(mixed.stdout, `promote europe: meshfleet/europe ${s(second)} -> ${s(third)}\n`);
    assert.match(mixed.stderr, /^promote to americas refused: wave canary does not yet run/);
  });

  test('refused, naming cluster and object, when an object is not Ready, stalled, or Ready at an older revision', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    flux(w, 'saopaulo', [
      { name: 'flux-system', revision: `main@sha1:${second}`, minutes: 60 },
      { name: 'apps', revision: `main@sha1:${w.first}`, minutes: 60 },
      { name: 'mesh', revision: `main@sha1:${second}`, ready: 'False', message: 'Deployment/bookinfo/reviews-v3 not ready', minutes: 40 },
      { kind: 'HelmRelease', name: 'istiod-1-30-3', namespace: 'istio-system', ready: 'False', stalled: true, message: 'install retries exhausted', minutes: 40 },
    ]);
    const run = await promote(w, '--to', 'americas');
    assert.deepEqual(run, {
      status: 1,
      stdout: '',
      stderr: `promote to americas refused: wave canary does not yet run ${second.slice(0, 12)} healthy for its bake time 30m:
  saopaulo: Kustomization flux-system/apps is Ready at an older revision (got main@sha1:${w.first}, expected ${second.slice(0, 12)}, the head of wave canary)
  saopaulo: Kustomization flux-system/mesh is not Ready (Ready=False: Deployment/bookinfo/reviews-v3 not ready)
  saopaulo: HelmRelease istio-system/istiod-1-30-3 is stalled (install retries exhausted)
`,
    });
    assert.equal(heads(w)['meshfleet/americas'], w.first);
  });

  test('refused when a cluster of the wave cannot be read', async () => {
    const w = await rolledOut();
    commitOnMain(w, 'second');
    // No answer for saopaulo: kubectl fails as for an unreachable cluster.
    execFileSync('rm', [join(w.state, `${CONTEXT.saopaulo}.json`)]);
    const run = await promote(w, '--to', 'americas');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /\n {2}saopaulo: cannot read its Flux objects \(command failed with exit code 1: kubectl --kubeconfig \S+\/state\/kube\/saopaulo.yaml --context gke_meshfleet-demo_southamerica-east1_saopaulo get kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io --all-namespaces -o json Unable to connect to the server: dial tcp: lookup gke_meshfleet-demo_southamerica-east1_saopaulo: no such host\)\n$/);
  });

  test('re-running a promotion that already happened changes nothing', async () => {
    const w = await rolledOut();
    const before = heads(w);
    const calls = readCalls(w.log).length;
    assert.deepEqual(await promote(w, '--to', 'americas'), { status: 0, stdout: `wave americas already follows ${w.first.slice(0, 12)} (main): nothing to do\n`, stderr: '' });
    assert.deepEqual(await promote(w), { status: 0, stdout: `every wave follows ${w.first.slice(0, 12)}: nothing to promote\n`, stderr: '' });
    assert.deepEqual(heads(w), before);
    assert.equal(readCalls(w.log).length, calls, 'no cluster was even read');
  });
});

describe('rollback', () => {
  test('moves the wave back to the revision it ran before; it is not promoted to that revision again', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    healthy(w, 'saopaulo', 'main', second, 45);
    assert.equal((await promote(w)).status, 0);
    assert.equal(heads(w)['meshfleet/americas'], second);

    const back = await promote(w, '--rollback', 'americas', '--reason', 'reviews-v3 errors in us-east1');
    assert.deepEqual(back, { status: 0, stdout: `rollback americas: meshfleet/americas ${second.slice(0, 12)} -> ${w.first.slice(0, 12)}\n`, stderr: '' });
    assert.equal(heads(w)['meshfleet/americas'], w.first);
    assert.deepEqual(history(w)[0], { kind: 'rollback', wave: 'americas', ref: 'meshfleet/americas', from: second, to: w.first, reason: 'reviews-v3 errors in us-east1' });

    const again = await promote(w);
    assert.equal(again.status, 1);
    assert.equal(again.stderr, `promote to americas refused: americas was rolled back from ${second.slice(0, 12)} (reviews-v3 errors in us-east1); fix forward with a new commit on main, or pass --force --reason TEXT\n`);
    assert.equal(heads(w)['meshfleet/americas'], w.first);

    const twice = await promote(w, '--rollback', 'americas');
    assert.equal(twice.status, 1);
    assert.equal(twice.stderr, `error: wave americas was already rolled back (from ${second.slice(0, 12)} to ${w.first.slice(0, 12)}); fix forward on main and promote\n`);
  });

  test('a wave whose branch was created by its first promotion has nothing to return to; the first wave follows main', async () => {
    const w = await rolledOut();
    assert.deepEqual(await promote(w, '--rollback', 'europe'), { status: 1, stdout: '', stderr: `error: wave europe's branch was created by its first promotion (to ${w.first.slice(0, 12)}): there is no earlier revision to return to\n` });
    assert.deepEqual(await promote(w, '--rollback', 'canary'), { status: 2, stdout: '', stderr: 'error: --rollback: canary is the first wave: it follows main (git.branch), so a merge reaches it, and a revert on main takes it back\nRun with --help for details.\n' });
  });
});

describe('hotfix and dry run', () => {
  test('--all --force --reason moves every wave to main at once, the reason in each history commit', async () => {
    const w = await rolledOut();
    const fix = commitOnMain(w, 'hotfix');
    healthy(w, 'saopaulo', 'main', fix, 1);
    assert.deepEqual(await promote(w, '--all', '--force'), { status: 2, stdout: '', stderr: 'error: --force needs --reason TEXT (it goes into the history commit of the move)\nRun with --help for details.\n' });
    assert.deepEqual(await promote(w, '--all', '--reason', 'x'), { status: 2, stdout: '', stderr: 'error: --all moves every wave at once, past every gate: it needs --force --reason TEXT\nRun with --help for details.\n' });
    const run = await promote(w, '--all', '--force', '--reason', 'CVE-2026-1234 in the ingress gateway');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(heads(w)['meshfleet/americas'], fix);
    assert.equal(heads(w)['meshfleet/europe'], fix);
    const recorded = history(w).slice(0, 2);
    assert.deepEqual(recorded.map((m) => [m.kind, m.wave, m.to, m.reason]), [['hotfix', 'europe', fix, 'CVE-2026-1234 in the ingress gateway'], ['hotfix', 'americas', fix, 'CVE-2026-1234 in the ingress gateway']]);
    const message = git(w.work, 'log', '-1', '--format=%B', heads(w)[HISTORY_BRANCH]!);
    assert.match(message, /^hotfix europe: \S+ -> \S+\n\nCVE-2026-1234 in the ingress gateway\n/);
  });

  test('day one: --all --force creates the branch of every later wave at main', async () => {
    const w = world();
    const main = heads(w).main!;
    const run = await promote(w, '--all', '--force', '--reason', 'start rolling out in waves');
    assert.deepEqual(run, { status: 0, stdout: `hotfix americas: meshfleet/americas (new) -> ${main.slice(0, 12)}\nhotfix europe: meshfleet/europe (new) -> ${main.slice(0, 12)}\n`, stderr: '' });
    assert.equal(heads(w)['meshfleet/americas'], main);
    assert.equal(heads(w)['meshfleet/europe'], main);
    assert.deepEqual(await promote(w, '--all', '--force', '--reason', 'again'), { status: 0, stdout: `every wave follows ${main.slice(0, 12)} (main): nothing to do\n`, stderr: '' });
  });

  test('--dry-run prints the git and kubectl commands and changes nothing', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    healthy(w, 'saopaulo', 'main', second, 45);
    const before = heads(w);
    const run = await promote(w, '--dry-run');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(heads(w), before);
    const lines = run.stdout.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('  $ ') || l.startsWith('dry run')).map((l) => l.replace(/^ {2}\$ (\S+ \S+).*$/, '$1')), [
      'git ls-remote', 'git fetch', 'git log', 'kubectl --kubeconfig', 'git fetch', 'git mktree', 'git commit-tree', 'git push',
      `dry run: would promote americas: meshfleet/americas ${w.first.slice(0, 12)} -> ${second.slice(0, 12)}; nothing was changed`,
    ]);
    assert.ok(lines.includes(`  $ git push --atomic --quiet --force-with-lease=refs/heads/meshfleet/americas:${w.first} --force-with-lease=refs/heads/${HISTORY_BRANCH}:${before[HISTORY_BRANCH]} origin +${second}:refs/heads/meshfleet/americas '<history commit 1>:refs/heads/${HISTORY_BRANCH}'`), run.stdout);
    assert.ok(lines.some((l) => l.includes('kubectl --kubeconfig') && l.includes(' --context gke_meshfleet-demo_southamerica-east1_saopaulo get kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io --all-namespaces -o json')), run.stdout);
    assert.ok(readCalls(w.log).some((c) => callLine(c).includes('get kustomizations')), 'the reads ran');
  });
});

describe('--status and --help', () => {
  test('--status shows each wave\'s branch and each cluster\'s state', async () => {
    const w = await rolledOut();
    const second = commitOnMain(w, 'second');
    healthy(w, 'saopaulo', 'main', second, 10);
    // A wave that an earlier wave list had.
    git(w.work, 'push', '--quiet', 'origin', `${w.first}:refs/heads/meshfleet/asia`);
    const run = await promote(w, '--status');
    assert.equal(run.status, 0, run.stderr);
    const s = (sha: string) => sha.slice(0, 12);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], `wave canary: branch main at ${s(second)}, bake time 30m`);
    assert.match(lines[1]!, new RegExp(`^ {2}saopaulo: Ready at ${s(second)} since \\S+Z \\(10m\\), 3 Flux objects$`));
    assert.equal(lines[2], `wave americas: branch meshfleet/americas at ${s(w.first)}, bake time 1h`);
    assert.match(lines[3]!, /^ {2}virginia: Ready at \w{12} since \S+ \(1h30m\), 3 Flux objects$/);
    assert.equal(lines[4], `wave europe: branch meshfleet/europe at ${s(w.first)}, bake time 30m`);
    assert.match(lines[5]!, /^ {2}frankfurt: Ready at \w{12} since \S+ \(1h30m\), 3 Flux objects$/);
    assert.equal(lines[6], 'note: branch meshfleet/asia is no wave\'s (left by an earlier wave list); once every wave follows the commit that changed the list, delete it: git push origin --delete meshfleet/asia');
    assert.equal(lines.length, 8);
  });

  test('--status before the first promotion: later waves have no branch yet', async () => {
    const w = world();
    healthy(w, 'saopaulo', 'main', heads(w).main!, 3);
    const run = await promote(w, '--status');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(2), [
      'wave americas: branch meshfleet/americas does not exist yet (the first promotion to this wave creates it), bake time 1h',
      '  virginia: nothing to sync until the branch exists',
      'wave europe: branch meshfleet/europe does not exist yet (the first promotion to this wave creates it), bake time 30m',
      '  frankfurt: nothing to sync until the branch exists',
      '',
    ]);
  });

  test('--help documents every option', async () => {
    for (const name of Object.keys(OPTIONS)) assert.match(USAGE, new RegExp(`--${name}\\b`), name);
    const run = await runCommand('promote', ['--help']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${USAGE}\n`);
  });
});
