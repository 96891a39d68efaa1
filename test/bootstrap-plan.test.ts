/**
 * `npm run bootstrap -- --dry-run`: every command, in order, grouped under its progress heading;
 * nothing runs and nothing is written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { partialBin, removeSandboxes, ROOT, runBootstrap, runInProcess, sandbox, synthDist, type Sandbox } from './fake-bin/harness.ts';

const DEFAULT_FLEET = join(ROOT, 'config/fleet.yaml');
after(removeSandboxes);
const MULTI_PRIMARY = join(ROOT, 'config/examples/multi-primary.yaml');
const TOKEN = 'secret/istio-reader-service-account-istio-remote-secret-token';

interface PlanStep {
  readonly heading: string;
  readonly commands: string[];
}

/**
 * The dry-run output as headings with short commands: kubeconfig/context flags become `@cluster`,
 * the apply flags `apply`, the dist path `<dist>`, a heredoc `< Kind/namespace/name`, and openssl
 * keeps its subcommand. Local actions (`# …`) are left out.
 */
function planOf(stdout: string, dist: string): PlanStep[] {
  const steps: PlanStep[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('[')) steps.push({ heading: line, commands: [] });
    if (!line.startsWith('    ') || line.startsWith('    #')) continue;
    let cmd = line.trim();
    if (cmd.startsWith('openssl')) cmd = cmd.split(' ').slice(0, 2).join(' ');
    cmd = cmd.replace(/^KUBECONFIG=\S+ /, '')
      .replace(/^(\S+)(.*?) --kubeconfig \S+ --context gke_[a-z0-9-]+_[a-z0-9-]+_([a-z0-9-]+)/, '$1@$3$2')
      .replace('apply --server-side --force-conflicts --field-manager=meshfleet-bootstrap', 'apply')
      .split(dist).join('<dist>');
    if (cmd.endsWith(" <<'EOF'")) {
      const body: string[] = [];
      while (lines[++i]!.trim() !== 'EOF') body.push(lines[i]!.slice(4));
      const obj = parse(body.join('\n')) as { kind: string; metadata: { name: string; namespace?: string } };
      cmd = `${cmd.slice(0, -" <<'EOF'".length)} < ${[obj.kind, obj.metadata.namespace, obj.metadata.name].filter(Boolean).join('/')}`;
    }
    steps.at(-1)!.commands.push(cmd);
  }
  return steps;
}

const clusterSteps = (name: string, region: string, flux: string[]): PlanStep[] => [
  { heading: `[${name}] 1/6 kube context`, commands: [`gcloud container clusters get-credentials ${name} --region ${region} --project meshfleet-demo --quiet`] },
  { heading: `[${name}] 2/6 cacerts`, commands: ['openssl genpkey', 'openssl req', 'openssl x509', `kubectl@${name} apply -f - < Namespace/istio-system`, `kubectl@${name} apply -f - < Secret/istio-system/cacerts`] },
  { heading: `[${name}] 3/6 flux install`, commands: flux.map((c) => c.replace('@', `@${name}`)) },
  { heading: `[${name}] 4/6 git secret`, commands: [`kubectl@${name} apply -f - < Secret/flux-system/flux-system`] },
  { heading: `[${name}] 5/6 flux-system sync`, commands: [`kubectl@${name} apply -k <dist>/clusters/${name}/flux-system`] },
  { heading: `[${name}] 6/6 sync ready`, commands: [`kubectl@${name} -n flux-system wait kustomization/flux-system --for=condition=Ready --timeout=10m`] },
];
const WITH_FLUX_CLI = ['flux@ install --version=v2.9.4'];
const readerToken = (name: string, region: string): PlanStep => ({
  heading: `[${name}] reader token`,
  commands: [
    `kubectl@${name} -n istio-system wait --for=create ${TOKEN} --timeout=10m`,
    `kubectl@${name} -n istio-system wait --for='jsonpath={.data.token}' ${TOKEN} --timeout=10m`,
    `kubectl@${name} -n istio-system get ${TOKEN} -o 'jsonpath={.data.token}'`,
    `gcloud container clusters describe ${name} --region ${region} --project meshfleet-demo --format=json`,
  ],
});
const remoteSecret = (reader: string, target: string): PlanStep => ({
  heading: `[${reader}] remote secret for ${target}`,
  commands: [`kubectl@${reader} apply -f - < Secret/istio-system/istio-remote-secret-${target}`],
});
const staleSecrets = (reader: string): PlanStep => ({
  heading: `[${reader}] stale remote secrets`,
  commands: [`kubectl@${reader} -n istio-system get secrets -l istio/multiCluster=true -o 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'`],
});
const PREAMBLE: PlanStep[] = [
  { heading: '[mesh1] root CA', commands: ['openssl genpkey', 'openssl req'] },
  { heading: '[git] credentials', commands: ['ssh-keyscan github.com'] },
];

describe('bootstrap --dry-run, default fleet (frankfurt primary, saopaulo remote of it)', () => {
  let box: Sandbox;
  let dist: string;
  before(() => {
    box = sandbox();
    dist = synthDist(DEFAULT_FLEET, box.dir);
  });
  const dryRun = (...extra: string[]) => runInProcess(box, ['--dry-run', '--dist', dist, '--state-dir', box.stateDir, '--ssh-key', box.sshKey, ...extra]);

  test('lists every step and command in order: CA and credentials, six steps per cluster, then the remote secret', async () => {
    const run = await dryRun();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(planOf(run.stdout, dist), [
      ...PREAMBLE,
      ...clusterSteps('frankfurt', 'europe-west3', WITH_FLUX_CLI),
      ...clusterSteps('saopaulo', 'southamerica-east1', WITH_FLUX_CLI),
      readerToken('saopaulo', 'southamerica-east1'),
      remoteSecret('frankfurt', 'saopaulo'),
      staleSecrets('frankfurt'),
    ]);
    assert.match(run.stdout, /^dry run: 2 clusters, 1 remote secret; nothing was changed$/m);
  });

  test('runs nothing and writes nothing', async () => {
    const run = await dryRun();
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.calls, []);
    assert.equal(existsSync(box.stateDir), false);
  });

  test('secret values are redacted in the printed manifests', async () => {
    const run = await dryRun();
    for (const key of ['ca-key.pem', 'identity', 'known_hosts', 'saopaulo']) assert.match(run.stdout, new RegExp(`^ {6}${key}: <redacted>$`, 'm'));
    assert.doesNotMatch(run.stdout, /-----BEGIN/);
  });

  test('without the flux CLI: the release manifest, then waits for its CRDs and controllers', async () => {
    const bin = partialBin(box.dir, ['gcloud', 'kubectl', 'ssh-keyscan', 'gke-gcloud-auth-plugin']);
    const run = await runInProcess(box, ['--dry-run', '--dist', dist, '--state-dir', box.stateDir, '--ssh-key', box.sshKey, '--cluster', 'frankfurt'], { path: `${bin}:/usr/bin:/bin` });
    assert.equal(run.status, 0, run.stderr);
    const flux = planOf(run.stdout, dist).find((s) => s.heading === '[frankfurt] 3/6 flux install')!;
    assert.deepEqual(flux.commands, [
      'kubectl@frankfurt apply --server-side --field-manager=meshfleet-bootstrap -f https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml',
      'kubectl@frankfurt wait --for=condition=Established crd/gitrepositories.source.toolkit.fluxcd.io crd/kustomizations.kustomize.toolkit.fluxcd.io --timeout=2m',
      'kubectl@frankfurt -n flux-system wait --for=condition=Available deployment --all --timeout=5m',
    ]);
  });

  test('--cluster saopaulo: its six steps, a context for frankfurt, and the pair they share', async () => {
    const run = await dryRun('--cluster', 'saopaulo');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(planOf(run.stdout, dist).map((s) => s.heading), [
      '[mesh1] root CA', '[git] credentials',
      ...clusterSteps('saopaulo', 'southamerica-east1', WITH_FLUX_CLI).map((s) => s.heading),
      '[frankfurt] kube context', '[saopaulo] reader token', '[frankfurt] remote secret for saopaulo',
    ]);
  });

  test('--cluster frankfurt: the remote secret still reads saopaulo', async () => {
    const run = await dryRun('--cluster', 'frankfurt');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(planOf(run.stdout, dist).map((s) => s.heading).slice(-9), [
      ...clusterSteps('frankfurt', 'europe-west3', WITH_FLUX_CLI).map((s) => s.heading),
      '[saopaulo] kube context', '[saopaulo] reader token', '[frankfurt] remote secret for saopaulo',
    ]);
  });

  test('an unknown --cluster is a usage error (exit 2) naming the choices', async () => {
    const run = await dryRun('--cluster', 'tokyo');
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'error: unknown cluster "tokyo" (--cluster): expected one of frankfurt, saopaulo\nRun with --help for details.\n');
  });

  test('the default state directory is under ~/.config, named by project and mesh', async () => {
    const run = runBootstrap(box, ['--dry-run', '--dist', dist, '--ssh-key', box.sshKey]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^dry run: nothing is changed; state directory ~\/\.config\/meshfleet\/meshfleet-demo\/mesh1$/m);
    const xdg = await runInProcess(box, ['--dry-run', '--dist', dist, '--ssh-key', box.sshKey], { env: { XDG_CONFIG_HOME: join(box.dir, 'xdg') } });
    assert.match(xdg.stdout, new RegExp(`state directory ${join(box.dir, 'xdg')}/meshfleet/meshfleet-demo/mesh1$`, 'm'));
    const fromEnv = await runInProcess(box, ['--dry-run', '--dist', dist, '--ssh-key', box.sshKey], { env: { MESHFLEET_STATE_DIR: join(box.dir, 'mine') } });
    assert.match(fromEnv.stdout, new RegExp(`state directory ${join(box.dir, 'mine')}$`, 'm'));
  });
});

describe('bootstrap --dry-run, multi-primary example', () => {
  test('both primaries bootstrapped, then each reads the other', async () => {
    const box = sandbox();
    const dist = synthDist(MULTI_PRIMARY, box.dir);
    const run = await runInProcess(box, ['--config', MULTI_PRIMARY, '--dry-run', '--dist', dist, '--state-dir', box.stateDir, '--ssh-key', box.sshKey]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(planOf(run.stdout, dist), [
      ...PREAMBLE,
      ...clusterSteps('frankfurt', 'europe-west3', WITH_FLUX_CLI),
      ...clusterSteps('saopaulo', 'southamerica-east1', WITH_FLUX_CLI),
      readerToken('frankfurt', 'europe-west3'),
      readerToken('saopaulo', 'southamerica-east1'),
      remoteSecret('frankfurt', 'saopaulo'),
      remoteSecret('saopaulo', 'frankfurt'),
      staleSecrets('frankfurt'),
      staleSecrets('saopaulo'),
    ]);
    assert.match(run.stdout, /^dry run: 2 clusters, 2 remote secrets; nothing was changed$/m);
  });
});
