/** The pure pieces of bootstrap: pairs, redaction, command lines, state directory, credentials, dist checks. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { loadFleet } from '../config/load.ts';
import { formatCommand, shellWord } from '../scripts/bootstrap/command.ts';
import { checkDist } from '../scripts/bootstrap/dist-check.ts';
import { BootstrapError } from '../scripts/bootstrap/errors.ts';
import { resolveGitAuth } from '../scripts/bootstrap/git-auth.ts';
import { kubeTarget, remoteKubeconfig } from '../scripts/bootstrap/kube.ts';
import { secretManifest } from '../scripts/bootstrap/manifests.ts';
import { Redactor } from '../scripts/bootstrap/redact.ts';
import { parseDescribe, remoteSecretManifest, remoteSecretPairs } from '../scripts/bootstrap/remote-secrets.ts';
import { assertOutsideGit, defaultStateDir, gitWorkTreeOf, resolveStateDir } from '../scripts/bootstrap/state-dir.ts';
import { findOnPath } from '../scripts/bootstrap/tools.ts';
import { ROOT, synthDist } from './fake-bin/harness.ts';

const scratch: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-unit-'));
  scratch.push(dir);
  return dir;
};
after(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A fleet file with the given clusters (no apps), written to a temp dir. */
function fleetWith(clusters: string): string {
  const file = join(tmp(), 'fleet.yaml');
  writeFileSync(file, `project: meshfleet-test
git: { url: ssh://git@example.com/fleet }
network: { name: vpc }
clusters:
${clusters}
`);
  return file;
}
const FRANKFURT = '  - { name: frankfurt, region: europe-west3, role: primary, eastWestAddress: 10.10.15.250, ranges: { nodes: 10.10.0.0/20, pods: 10.100.0.0/14, services: 10.104.0.0/20 } }';
const IOWA = '  - { name: iowa, region: us-central1, role: primary, ranges: { nodes: 10.30.0.0/20, pods: 10.116.0.0/14, services: 10.120.0.0/20 } }';
const SAOPAULO = '  - { name: saopaulo, region: southamerica-east1, role: remote, primary: frankfurt, ranges: { nodes: 10.20.0.0/20, pods: 10.108.0.0/14, services: 10.112.0.0/20 } }';

describe('remote secret pairs', () => {
  test('primary-remote: each remote is read by its primary only', () => {
    const fleet = loadFleet(fleetWith([FRANKFURT, SAOPAULO].join('\n')));
    assert.deepEqual(remoteSecretPairs(fleet), [{ reader: 'frankfurt', target: 'saopaulo' }]);
  });

  test('multi-primary with a remote: every primary reads every other cluster', () => {
    const fleet = loadFleet(fleetWith([FRANKFURT, SAOPAULO, IOWA].join('\n')));
    assert.deepEqual(remoteSecretPairs(fleet).map((p) => `${p.reader}<-${p.target}`), ['frankfurt<-saopaulo', 'frankfurt<-iowa', 'iowa<-frankfurt', 'iowa<-saopaulo']);
    assert.deepEqual(remoteSecretPairs(fleet, 'saopaulo').map((p) => `${p.reader}<-${p.target}`), ['frankfurt<-saopaulo', 'iowa<-saopaulo']);
    assert.deepEqual(remoteSecretPairs(fleet, 'iowa').map((p) => `${p.reader}<-${p.target}`), ['frankfurt<-iowa', 'iowa<-frankfurt', 'iowa<-saopaulo']);
  });

  test('one primary alone needs none', () => {
    assert.deepEqual(remoteSecretPairs(loadFleet(fleetWith(FRANKFURT))), []);
  });

  test("the remote secret has istioctl's shape", () => {
    const kubeconfig = remoteKubeconfig({ cluster: 'saopaulo', server: 'https://203.0.113.7', caData: 'Q0E=', token: 'tok' });
    const secret = parse(remoteSecretManifest('saopaulo', kubeconfig).text);
    assert.deepEqual(secret.metadata, {
      name: 'istio-remote-secret-saopaulo',
      namespace: 'istio-system',
      labels: { 'app.kubernetes.io/managed-by': 'meshfleet-bootstrap', 'istio/multiCluster': 'true' },
      annotations: { 'networking.istio.io/cluster': 'saopaulo' },
    });
    assert.equal(Buffer.from(secret.data.saopaulo, 'base64').toString(), kubeconfig);
    assert.deepEqual(parse(kubeconfig).users, [{ name: 'saopaulo', user: { token: 'tok' } }]);
  });

  test('describe output without an endpoint is a clear error', () => {
    assert.deepEqual(parseDescribe('{"endpoint":"1.2.3.4","masterAuth":{"clusterCaCertificate":"Q0E="}}', 'x'), { endpoint: '1.2.3.4', caData: 'Q0E=' });
    assert.throws(() => parseDescribe('{"status":"PROVISIONING"}', 'saopaulo'), { message: 'gcloud container clusters describe saopaulo gave no endpoint or masterAuth.clusterCaCertificate (is the cluster running?)' });
  });
});

describe('redaction and command lines', () => {
  test('a registered secret, its base64 and its long lines are redacted', () => {
    const r = new Redactor();
    const key = '-----BEGIN KEY-----\nAAAABBBBCCCCDDDDEEEEFFFF\nGGGGHHHHIIIIJJJJKKKKLLLL\n-----END KEY-----\n';
    r.add(key);
    assert.equal(r.redact(`x ${key} y`), 'x <redacted> y');
    assert.equal(r.redact(`b64 ${Buffer.from(key).toString('base64')}`), 'b64 <redacted>');
    assert.equal(r.redact('echoed: GGGGHHHHIIIIJJJJKKKKLLLL'), 'echoed: <redacted>');
    r.add('doc: a\ntoken: s3cr3t-s3cr3t-s3cr3t\n', { lines: false });
    assert.equal(r.redact('token: s3cr3t-s3cr3t-s3cr3t'), 'token: s3cr3t-s3cr3t-s3cr3t');
  });

  test('secret manifests keep values in data (base64); the display shows <redacted>', () => {
    const m = secretManifest({ name: 's', namespace: 'n', data: { password: 'hunter2' } });
    assert.equal(parse(m.text).data.password, Buffer.from('hunter2').toString('base64'));
    assert.equal(parse(m.display).data.password, '<redacted>');
    assert.equal(m.display.includes('hunter2') || m.display.includes(Buffer.from('hunter2').toString('base64')), false);
  });

  test('commands print as shell lines: env first, quoting only where needed, ~ for home, stdin as a heredoc', () => {
    assert.equal(formatCommand({ env: { KUBECONFIG: '/home/me/s/k.yaml' }, argv: ['gcloud', 'x', '--format=json'] }, { home: '/home/me' }), 'KUBECONFIG=~/s/k.yaml gcloud x --format=json');
    assert.equal(formatCommand({ argv: ['kubectl', '--for=jsonpath={.data.token}', "it's"] }), `kubectl --for='jsonpath={.data.token}' 'it'\\''s'`);
    assert.equal(formatCommand({ argv: ['kubectl', 'apply', '-f', '-'], input: { text: 'secret', display: 'a: <redacted>\n' } }), "kubectl apply -f - <<'EOF'\na: <redacted>\nEOF");
    assert.equal(shellWord('/tmp/a b'), "'/tmp/a b'");
  });
});

describe('state directory', () => {
  test('default: $XDG_CONFIG_HOME (else ~/.config)/meshfleet/<project>/<mesh>', () => {
    assert.equal(defaultStateDir({ HOME: '/home/me' }, 'p-1', 'mesh1'), '/home/me/.config/meshfleet/p-1/mesh1');
    assert.equal(defaultStateDir({ HOME: '/home/me', XDG_CONFIG_HOME: '/xdg' }, 'p-1', 'mesh1'), '/xdg/meshfleet/p-1/mesh1');
    assert.equal(defaultStateDir({ HOME: '/home/me', XDG_CONFIG_HOME: '' }, 'p-1', 'mesh1'), '/home/me/.config/meshfleet/p-1/mesh1');
    assert.equal(resolveStateDir(undefined, { HOME: '/h', MESHFLEET_STATE_DIR: '/s' }, 'p', 'm'), '/s');
    assert.equal(resolveStateDir('/flag', { HOME: '/h', MESHFLEET_STATE_DIR: '/s' }, 'p', 'm'), '/flag');
  });

  test('inside a git work tree (also through a symlink, also not yet existing) is refused', () => {
    const repo = tmp();
    mkdirSync(join(repo, '.git'));
    const link = join(tmp(), 'link');
    symlinkSync(repo, link);
    assert.equal(gitWorkTreeOf(join(repo, 'a/b/c')), repo);
    assert.equal(gitWorkTreeOf(join(link, 'state')), repo);
    assert.equal(gitWorkTreeOf(tmp()), undefined);
    assert.throws(() => assertOutsideGit(join(ROOT, 'state'), '--state-dir'), BootstrapError);
  });
});

describe('git credentials', () => {
  const key = join(tmp(), 'key');
  writeFileSync(key, 'k');
  const ssh = 'ssh://git@github.com:2222/example/fleet';
  const https = 'https://github.com/example/fleet';

  test('ssh:// takes a deploy key; host and port come from the URL', () => {
    assert.deepEqual(resolveGitAuth(ssh, { sshKey: key }, {}), { kind: 'ssh', keyFile: key, knownHostsFile: undefined, host: 'github.com', port: '2222' });
  });

  test('https:// takes a token from a named variable', () => {
    assert.deepEqual(resolveGitAuth(https, { tokenEnv: 'T' }, { T: 'x' }), { kind: 'token', envName: 'T' });
  });

  test('each missing or mismatched credential is an error naming the flag', () => {
    const cases: [string, Parameters<typeof resolveGitAuth>[1], NodeJS.ProcessEnv, string][] = [
      [ssh, {}, {}, `missing git credential: git.url is ${ssh}, so Flux needs a deploy key; pass --ssh-key FILE (a private key whose public half is a read-only deploy key of the repository)`],
      [ssh, { tokenEnv: 'T' }, { T: 'x' }, `--token-env works with https:// URLs, but git.url is ${ssh}; pass --ssh-key FILE (a deploy key that can read the repository) instead`],
      [ssh, { sshKey: '/nonexistent/key' }, {}, 'cannot read --ssh-key /nonexistent/key (ENOENT)'],
      [ssh, { sshKey: key, knownHosts: '/nonexistent/kh' }, {}, 'cannot read --known-hosts /nonexistent/kh (ENOENT)'],
      [https, {}, {}, `missing git credential: git.url is ${https}, so Flux needs a token; pass --token-env NAME, NAME being an environment variable that holds a token with read access to the repository`],
      [https, { tokenEnv: 'T' }, {}, 'missing git credential: the environment variable T (named by --token-env) is not set or empty'],
      [https, { sshKey: key }, {}, `--ssh-key and --known-hosts work with ssh:// URLs, but git.url is ${https}; pass --token-env NAME (NAME: an environment variable holding a token that can read the repository) instead`],
    ];
    for (const [url, flags, env, message] of cases) assert.throws(() => resolveGitAuth(url, flags, env), { name: 'BootstrapError', message });
  });
});

describe('dist checks, kube targets, tools', () => {
  test('a current dist passes; a stale or missing one is reported with the fix', () => {
    const fleet = loadFleet(join(ROOT, 'config/fleet.yaml'));
    const dist = synthDist(join(ROOT, 'config/fleet.yaml'), tmp());
    assert.deepEqual(checkDist(fleet, dist, ['frankfurt', 'saopaulo'], ['saopaulo']), []);
    const other = loadFleet(fleetWith(FRANKFURT));
    const problems = checkDist(other, dist, ['frankfurt'], []);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /flux-system syncs ssh:\/\/git@github\.com\/example\/meshfleet with secret flux-system, but the config says ssh:\/\/git@example\.com\/fleet with flux-system: run `npm run synth/);
    const empty = tmp();
    mkdirSync(join(empty, 'clusters/saopaulo'), { recursive: true });
    assert.match(checkDist(fleet, empty, [], ['saopaulo'])[0]!, /clusters\/saopaulo renders no Secret istio-system\/istio-reader-service-account-istio-remote-secret-token/);
  });

  test('kube targets use gcloud context names and one kubeconfig file per cluster', () => {
    assert.deepEqual(kubeTarget('/s', 'p-1', { name: 'frankfurt', region: 'europe-west3' }), {
      cluster: 'frankfurt', region: 'europe-west3', project: 'p-1', kubeconfig: '/s/kube/frankfurt.yaml', context: 'gke_p-1_europe-west3_frankfurt',
    });
  });

  test('findOnPath finds executables only', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'data'), '', { mode: 0o644 });
    assert.equal(findOnPath('tool', `/nonexistent:${dir}`), join(dir, 'tool'));
    assert.equal(findOnPath('data', dir), undefined);
  });
});
