/**
 * `npm run bootstrap` against fake gcloud/kubectl/flux/ssh-keyscan placed first on PATH (no cluster
 * exists here; the fakes record every call with its stdin). Asserts the calls, their order, the
 * Secrets they received, and that no secret reaches the output or the repository.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  appliesOf, callLine, decode, flagOf, partialBin, ROOT, runBootstrap, runInProcess, removeSandboxes, sandbox, stdinObject, synthDist,
  type BootstrapRun, type FakeCall, type Sandbox,
} from './fake-bin/harness.ts';

const DEFAULT_FLEET = join(ROOT, 'config/fleet.yaml');
after(removeSandboxes);
const CONTEXT = { frankfurt: 'gke_meshfleet-demo_europe-west3_frankfurt', saopaulo: 'gke_meshfleet-demo_southamerica-east1_saopaulo' };
const READER_TOKEN = `fake-reader-token-for-${CONTEXT.saopaulo}`;
// A PEM private key block, spelled in parts so this file itself is no hit of the scan below.
const PEM_KEY = new RegExp(['-----BEGIN [A-Z0-9 ]*', 'PRIVATE', ' KEY-----'].join(''));

/** Files under `dir` whose text matches `hit`, skipping node_modules and .git. */
function filesWhere(dir: string, hit: (text: string) => boolean): string[] {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hits.push(...filesWhere(path, hit));
    else if (entry.isFile() && statSync(path).size < 5_000_000 && hit(readFileSync(path, 'latin1'))) hits.push(relative(ROOT, path));
  }
  return hits;
}

const clusterOf = (call: FakeCall): string | undefined => {
  const context = flagOf(call, '--context');
  return context ? context.split('_').at(-1) : call.kubeconfigEnv?.match(/([a-z0-9-]+)\.yaml$/)?.[1];
};
const indexWhere = (calls: FakeCall[], pred: (c: FakeCall) => boolean): number => {
  const i = calls.findIndex(pred);
  assert.notEqual(i, -1, 'expected call not found');
  return i;
};

describe('bootstrap with fake tools, default fleet', () => {
  let box: Sandbox;
  let dist: string;
  let first: BootstrapRun;
  let second: BootstrapRun;
  let args: string[];
  before(async () => {
    box = sandbox();
    dist = synthDist(DEFAULT_FLEET, box.dir);
    args = ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', box.stateDir, '--ssh-key', box.sshKey];
    // The first run goes through the real entry point, as a user runs it.
    first = runBootstrap(box, args);
    second = await runInProcess(box, args);
  });

  test('succeeds with one progress line per step, and no error output', () => {
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, '');
    const lines = first.stdout.trim().split('\n');
    assert.match(lines[0]!, /^\[mesh1\] root CA … created in .*\/state\/ca$/);
    assert.match(lines[1]!, /^\[git\] credentials … done \(deploy key .*deploy-key, known_hosts from ssh-keyscan github\.com\)$/);
    assert.equal(lines[2], `[frankfurt] 1/6 kube context … done (context ${CONTEXT.frankfurt})`);
    assert.match(lines[3]!, /^\[frankfurt\] 2\/6 cacerts … done \(CA created in .*\/state\/ca\/frankfurt\)$/);
    assert.deepEqual(lines.slice(4, 8), [
      '[frankfurt] 3/6 flux install … done (flux v2.9.4, flux CLI)',
      '[frankfurt] 4/6 git secret … done (flux-system/flux-system)',
      '[frankfurt] 5/6 flux-system sync … done',
      '[frankfurt] 6/6 sync ready … done',
    ]);
    assert.deepEqual(lines.slice(14, 16), ['[saopaulo] reader token … done', '[frankfurt] remote secret for saopaulo … done (istio-system/istio-remote-secret-saopaulo)']);
    assert.equal(lines[16], '[frankfurt] stale remote secrets … none');
    assert.match(lines[17]!, /^bootstrap: frankfurt, saopaulo handed to Flux, 1 remote secret; CA keys and kubeconfigs in /);
  });

  test('per cluster: credentials, cacerts, flux install, git secret, sync objects, wait — in that order', () => {
    const calls = first.calls;
    for (const cluster of ['frankfurt', 'saopaulo'] as const) {
      const mine = (pred: (c: FakeCall) => boolean) => indexWhere(calls, (c) => clusterOf(c) === cluster && pred(c));
      const order = [
        mine((c) => c.tool === 'gcloud' && c.argv.includes('get-credentials')),
        mine((c) => c.stdin !== undefined && stdinObject(c).kind === 'Namespace' && stdinObject(c).metadata.name === 'istio-system'),
        mine((c) => c.stdin !== undefined && stdinObject(c).metadata.name === 'cacerts'),
        mine((c) => c.tool === 'flux' && c.argv[0] === 'install'),
        mine((c) => c.stdin !== undefined && stdinObject(c).metadata.name === 'flux-system'),
        mine((c) => c.argv.includes('-k')),
        mine((c) => c.argv.includes('kustomization/flux-system')),
      ];
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `${cluster}: ${order.map((i) => callLine(calls[i]!)).join('\n')}`);
    }
    // The remote secret comes after both clusters are synced.
    const remote = indexWhere(calls, (c) => c.stdin !== undefined && stdinObject(c).metadata.name === 'istio-remote-secret-saopaulo');
    const lastWait = calls.map((c) => c.argv.includes('kustomization/flux-system')).lastIndexOf(true);
    assert.ok(remote > lastWait);
    // Then the primary's remote secrets are listed, to find stale ones (none here).
    assert.equal(remote, calls.length - 2);
    assert.match(callLine(calls.at(-1)!), / -n istio-system get secrets -l istio\/multiCluster=true /);
  });

  test('every call targets its cluster through the state directory kubeconfig, never ~/.kube/config', () => {
    for (const call of first.calls) {
      if (call.tool === 'ssh-keyscan' || call.argv.includes('describe') || call.argv[0] === 'version') continue;
      const cluster = clusterOf(call)!;
      const file = join(box.stateDir, 'kube', `${cluster}.yaml`);
      if (call.tool === 'gcloud') assert.equal(call.kubeconfigEnv, file);
      else {
        assert.equal(flagOf(call, '--kubeconfig'), file, callLine(call));
        assert.equal(flagOf(call, '--context'), CONTEXT[cluster as keyof typeof CONTEXT]);
      }
    }
    assert.equal(existsSync(join(box.home, '.kube')), false);
    assert.equal(statSync(join(box.stateDir, 'kube', 'frankfurt.yaml')).mode & 0o777, 0o600);
  });

  test('flux install at the pinned version; the sync objects from dist', () => {
    const installs = first.calls.filter((c) => c.tool === 'flux');
    assert.deepEqual(installs.map((c) => c.argv.slice(0, 2)), [['install', '--version=v2.9.4'], ['install', '--version=v2.9.4']]);
    const syncs = first.calls.filter((c) => c.argv.includes('-k'));
    assert.deepEqual(syncs.map((c) => flagOf(c, '-k')), [join(dist, 'clusters/frankfurt/flux-system'), join(dist, 'clusters/saopaulo/flux-system')]);
    for (const c of syncs) assert.ok(c.argv.includes('--server-side'));
  });

  test('cacerts holds the cluster intermediate from the state directory, applied server-side on stdin', () => {
    const [apply] = appliesOf(first.calls, 'Secret', 'cacerts').filter((c) => clusterOf(c) === 'saopaulo');
    const secret = stdinObject(apply!);
    assert.equal(secret.metadata.namespace, 'istio-system');
    const ca = join(box.stateDir, 'ca', 'saopaulo');
    for (const key of ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem']) {
      assert.equal(decode(secret.data![key]!), readFileSync(join(ca, key), 'utf8'), key);
    }
    assert.deepEqual(apply!.argv.slice(4), ['apply', '--server-side', '--force-conflicts', '--field-manager=meshfleet-bootstrap', '-f', '-']);
  });

  test('the git secret has the deploy key and the scanned known_hosts', () => {
    const secret = stdinObject(appliesOf(first.calls, 'Secret', 'flux-system')[0]!);
    assert.equal(secret.metadata.namespace, 'flux-system');
    assert.equal(decode(secret.data!.identity!), readFileSync(box.sshKey, 'utf8'));
    assert.equal(decode(secret.data!.known_hosts!), 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForTests\n');
    assert.deepEqual(first.calls.filter((c) => c.tool === 'ssh-keyscan').map((c) => c.argv), [['github.com']]);
  });

  test("the remote secret goes to the primary's istio-system, labelled and annotated, with a token kubeconfig", () => {
    const applies = appliesOf(first.calls, 'Secret', 'istio-remote-secret-saopaulo');
    assert.equal(applies.length, 1);
    const call = applies[0]!;
    assert.equal(flagOf(call, '--kubeconfig'), join(box.stateDir, 'kube', 'frankfurt.yaml'));
    assert.equal(flagOf(call, '--context'), CONTEXT.frankfurt);
    const secret = stdinObject(call);
    assert.equal(secret.metadata.namespace, 'istio-system');
    assert.equal(secret.metadata.labels!['istio/multiCluster'], 'true');
    assert.equal(secret.metadata.annotations!['networking.istio.io/cluster'], 'saopaulo');
    assert.deepEqual(Object.keys(secret.data!), ['saopaulo']);
    const kubeconfig = parse(decode(secret.data!.saopaulo!));
    assert.deepEqual(kubeconfig, {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'saopaulo', cluster: { 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nfake CA of saopaulo\n-----END CERTIFICATE-----\n').toString('base64'), server: kubeconfig.clusters[0].cluster.server } }],
      contexts: [{ name: 'saopaulo', context: { cluster: 'saopaulo', user: 'saopaulo' } }],
      'current-context': 'saopaulo',
      preferences: {},
      users: [{ name: 'saopaulo', user: { token: READER_TOKEN } }],
    });
    assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/203\.0\.113\.\d+$/);
    // The token was read from saopaulo, after waiting for Kubernetes to fill it.
    const reads = first.calls.filter((c) => clusterOf(c) === 'saopaulo' && c.argv.includes('secret/istio-reader-service-account-istio-remote-secret-token'));
    assert.deepEqual(reads.map((c) => c.argv.slice(6).join(' ')), [
      'wait --for=create secret/istio-reader-service-account-istio-remote-secret-token --timeout=10m',
      'wait --for=jsonpath={.data.token} secret/istio-reader-service-account-istio-remote-secret-token --timeout=10m',
      'get secret/istio-reader-service-account-istio-remote-secret-token -o jsonpath={.data.token}',
    ]);
  });

  test('no secret value appears in the output', () => {
    const caKey = readFileSync(join(box.stateDir, 'ca', 'frankfurt', 'ca-key.pem'), 'utf8');
    const deployKey = readFileSync(box.sshKey, 'utf8');
    const keyLines = [caKey, deployKey].flatMap((k) => k.split('\n')).filter((l) => l.length > 20);
    for (const run of [first, second]) {
      const output = run.stdout + run.stderr;
      assert.equal(output.includes(READER_TOKEN), false);
      assert.equal(output.includes(Buffer.from(READER_TOKEN).toString('base64')), false);
      for (const line of keyLines) assert.equal(output.includes(line), false, 'a key line was printed');
      assert.doesNotMatch(output, PEM_KEY);
    }
  });

  test('a re-run reuses the CA and sends exactly the same calls and manifests', () => {
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /^\[mesh1\] root CA … reused from .*, valid until/m);
    assert.match(second.stdout, /^\[frankfurt\] 2\/6 cacerts … done \(CA reused from .*frankfurt, valid until/m);
    assert.deepEqual(second.calls, first.calls.map((c) => ({ ...c })));
  });

  test('the state directory is private and nothing in the repository holds key material', () => {
    for (const file of ['ca/root-key.pem', 'ca/frankfurt/ca-key.pem', 'ca/saopaulo/ca-key.pem']) {
      assert.equal(statSync(join(box.stateDir, file)).mode & 0o777, 0o600, file);
    }
    assert.equal(statSync(box.stateDir).mode & 0o777, 0o700);
    assert.deepEqual(filesWhere(ROOT, (text) => PEM_KEY.test(text)), []);
    // Nor any line of the keys this run made or used.
    const keys = ['ca/root-key.pem', 'ca/frankfurt/ca-key.pem', 'ca/saopaulo/ca-key.pem'].map((f) => readFileSync(join(box.stateDir, f), 'utf8'));
    const lines = [...keys, readFileSync(box.sshKey, 'utf8')].flatMap((k) => k.split('\n')).filter((l) => l.length > 20 && !l.startsWith('-----'));
    assert.deepEqual(filesWhere(ROOT, (text) => lines.some((l) => text.includes(l))), []);
  });
});

describe('bootstrap with fake tools: variants and failures', () => {
  let box: Sandbox;
  let dist: string;
  before(() => {
    box = sandbox();
    dist = synthDist(DEFAULT_FLEET, box.dir);
  });
  const base = () => ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', box.stateDir];

  test('without the flux CLI, Flux comes from the release manifest', async () => {
    const bin = partialBin(box.dir, ['gcloud', 'kubectl', 'ssh-keyscan', 'gke-gcloud-auth-plugin']);
    const run = await runInProcess(box, [...base(), '--ssh-key', box.sshKey, '--cluster', 'frankfurt'], { path: `${bin}:/usr/bin:/bin` });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.calls.some((c) => c.tool === 'flux'), false);
    const install = run.calls.find((c) => c.argv.includes('https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml'))!;
    assert.ok(install.argv.includes('--server-side'));
    const cacerts = run.calls.findIndex((c) => c.stdin !== undefined && stdinObject(c).metadata.name === 'cacerts');
    assert.ok(cacerts < run.calls.indexOf(install), 'cacerts before Flux');
  });

  test('an https:// repository takes the token from the named variable (username git)', async () => {
    const fleet = join(box.dir, 'https-fleet.yaml');
    writeFileSync(fleet, readFileSync(DEFAULT_FLEET, 'utf8')
      .replace('url: ssh://git@github.com/example/meshfleet', 'url: https://github.com/example/meshfleet')
      .replace('definition: apps/bookinfo.yaml', `definition: ${join(ROOT, 'config/apps/bookinfo.yaml')}`));
    const httpsBox = sandbox();
    const httpsDist = synthDist(fleet, httpsBox.dir);
    const token = 'ghp_fakeTokenValue0123456789abcdef';
    const run = await runInProcess(httpsBox, ['--config', fleet, '--dist', httpsDist, '--state-dir', httpsBox.stateDir, '--token-env', 'FLEET_TOKEN', '--cluster', 'saopaulo'], { env: { FLEET_TOKEN: token, FAKE_WATCH_ENV: 'FLEET_TOKEN' } });
    assert.equal(run.status, 0, run.stderr);
    // The token goes on stdin in the Secret's manifest; no command gets the variable.
    assert.ok(run.calls.length > 10);
    assert.deepEqual(run.calls.filter((c) => c.sawWatchedEnv).map(callLine), []);
    assert.match(run.stdout, /^\[git\] credentials … done \(token from \$FLEET_TOKEN, username git\)$/m);
    const secret = stdinObject(appliesOf(run.calls, 'Secret', 'flux-system')[0]!);
    assert.deepEqual(Object.fromEntries(Object.entries(secret.data!).map(([k, v]) => [k, decode(v)])), { username: 'git', password: token });
    assert.equal((run.stdout + run.stderr).includes(token), false);
    assert.equal(run.calls.some((c) => c.tool === 'ssh-keyscan'), false);
  });

  test('a failing command stops the run; its echoed stdin is redacted', async () => {
    const failBox = sandbox();
    const run = await runInProcess(failBox, ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', failBox.stateDir, '--ssh-key', box.sshKey], { env: { FAKE_FAIL: 'name: flux-system[[:space:]]+namespace: flux-system' } });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^\[frankfurt\] 4\/6 git secret … failed$/m);
    assert.match(run.stderr, /^error: command failed with exit code 1: kubectl --kubeconfig \S+ --context gke_meshfleet-demo_europe-west3_frankfurt apply --server-side .* -f -\n {2}error: fake failure of kubectl\n/);
    assert.match(run.stderr, /identity: <redacted>/);
    const identity = Buffer.from(readFileSync(box.sshKey, 'utf8')).toString('base64');
    assert.equal(run.stderr.includes(identity), false);
    // Nothing after the failed step ran.
    assert.equal(run.calls.some((c) => c.argv.includes('-k')), false);
  });

  test('a failing remote secret apply does not print the kubeconfig or token', async () => {
    const failBox = sandbox();
    const run = await runInProcess(failBox, ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', failBox.stateDir, '--ssh-key', box.sshKey], { env: { FAKE_FAIL: 'name: istio-remote-secret-saopaulo' } });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /saopaulo: <redacted>/);
    assert.equal(run.stderr.includes('fake-reader-token'), false);
    assert.equal(run.stderr.includes(Buffer.from(READER_TOKEN).toString('base64')), false);
  });

  test('a missing tool is named before anything runs', async () => {
    const bin = partialBin(box.dir, ['kubectl', 'flux']);
    const toolBox = sandbox();
    const run = await runInProcess(toolBox, ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', toolBox.stateDir, '--ssh-key', box.sshKey], { path: bin });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: missing tools on PATH: gcloud, gke-gcloud-auth-plugin, openssl, ssh-keyscan; nothing was done\n {2}gcloud: install the Google Cloud CLI/);
    assert.deepEqual(run.calls, []);
    assert.equal(existsSync(toolBox.stateDir), false);
  });

  test('kubectl is checked first; one older than 1.31 stops the run before any change', async () => {
    const oldBox = sandbox();
    const run = await runInProcess(oldBox, ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', oldBox.stateDir, '--ssh-key', box.sshKey], { env: { FAKE_KUBECTL_MINOR: '30' } });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: kubectl 1\.30 is too old: bootstrap needs 1\.31 or newer \(for `kubectl wait --for=create`\)/);
    assert.deepEqual(run.calls.map((c) => c.argv), [['version', '--client', '-o', 'json']]);
    assert.equal(existsSync(oldBox.stateDir), false);
  });

  test('a missing credential names the flag', async () => {
    const run = await runInProcess(box, base());
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'error: missing git credential: git.url is ssh://git@github.com/example/meshfleet, so Flux needs a deploy key; pass --ssh-key FILE (a private key whose public half is a read-only deploy key of the repository)\n');
    assert.deepEqual(run.calls, []);
  });

  test('a state directory inside the repository is refused', async () => {
    const inside = join(ROOT, '.meshfleet-state-test');
    const run = await runInProcess(box, ['--config', DEFAULT_FLEET, '--dist', dist, '--state-dir', inside, '--ssh-key', box.sshKey]);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `error: refusing state directory ${inside} (--state-dir): it is inside the git work tree ${ROOT.replace(/\/$/, '')}, and it will hold private keys; choose a directory outside any repository with --state-dir DIR or MESHFLEET_STATE_DIR\n`);
    assert.equal(existsSync(inside), false);
    assert.deepEqual(run.calls, []);
  });

  test('a dist without the cluster folders stops a real run before any change', async () => {
    const run = await runInProcess(box, ['--config', DEFAULT_FLEET, '--dist', join(box.dir, 'no-dist'), '--state-dir', box.stateDir, '--ssh-key', box.sshKey]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: the dist is not ready for bootstrap:\n {2}.*no-dist\/clusters\/frankfurt\/flux-system\/kustomization\.yaml is missing: run `npm run synth/);
    assert.deepEqual(run.calls, []);
  });
});
