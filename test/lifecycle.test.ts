/**
 * The fleet's life, as docs/lifecycle.md tells it, against the fake GKE API (gRPC, the real
 * client), the fake gcloud (compute) and the fake kubectl/gcloud/flux of bootstrap: two clusters →
 * add virginia (us-east1, remote of frankfurt, its own ranges) → change a node pool → move a
 * workload and remove saopaulo. Each step: edit config → synth → check → provision → bootstrap,
 * asserting every request the fakes saw, and that running the step again changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { writeTree } from '../scripts/lib/write-tree.ts';
import { hasErrors } from '../scripts/review/checks.ts';
import { FakeGcloudBin } from './fake-bin-gcloud/harness.ts';
import { FAKE_BIN, removeSandboxes, runInProcess, sandbox, type BootstrapRun, type Sandbox } from './fake-bin/harness.ts';
import { runProvision, type RunResult } from './fake-gke/harness.ts';
import { FakeGke } from './fake-gke/server.ts';
import { checksOf } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE_KUBE = fileURLToPath(new URL('./fake-kube', import.meta.url));
const P = 'projects/meshfleet-demo';
const FLAGS = '--project=meshfleet-demo';

/** The fleet as data: the default fleet, its app definition by absolute path (the file moves to a scratch folder). */
type FleetDoc = { clusters: Record<string, any>[]; apps: { bookinfo: { definition: string; placement: Record<string, unknown> } } } & Record<string, unknown>;
const DEFAULT: FleetDoc = parse(readFileSync(join(ROOT, 'config/fleet.yaml'), 'utf8'));
DEFAULT.apps.bookinfo.definition = join(ROOT, 'config/apps/bookinfo.yaml');

const VIRGINIA = {
  name: 'virginia', region: 'us-east1', role: 'remote', primary: 'frankfurt',
  ranges: { nodes: '10.30.0.0/20', pods: '10.116.0.0/14', services: '10.120.0.0/20', controlPlane: '172.16.0.32/28' },
  nodePools: [{ name: 'default', machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3 }],
};

let gke: FakeGke;
let compute: FakeGcloudBin;
let box: Sandbox;
let fleetFile: string;
let dist: string;
let kubeDir: string;

before(async () => {
  gke = await FakeGke.start({ pollsToDone: 1 });
  compute = new FakeGcloudBin();
  box = sandbox();
  fleetFile = join(box.dir, 'fleet.yaml');
  dist = join(box.dir, 'dist');
  kubeDir = join(box.dir, 'kube-state');
  mkdirSync(kubeDir);
});
after(async () => {
  await gke.close();
  compute.dispose();
  removeSandboxes();
});

/** The fleet as the last edit wrote and loaded it (what provision reads from the file). */
let fleet: Fleet;

/** Config → synth → check, as a user does before committing: the check must pass. */
function edit(doc: FleetDoc): void {
  writeFileSync(fleetFile, stringify(doc));
  fleet = loadFleet(fleetFile);
  const rendered = renderFleet(fleet, { documents: true });
  writeTree(dist, rendered.files);
  const findings = checksOf(fleet, rendered, { distInRepo: 'dist' });
  assert.equal(hasErrors(findings), false, JSON.stringify(findings));
}

/** What the fakes saw during `run`: GKE calls and gcloud commands, each as one sorted line (parallel items interleave). */
async function observe<T>(run: () => Promise<T>): Promise<T & { gke: string[]; gcloud: string[] }> {
  gke.resetCalls();
  compute.clearCalls();
  const result = await run();
  const gkeCalls = gke.calls.map(({ method, request: r }) => {
    const target = method === 'CreateCluster' ? `${r.parent}/clusters/${r.cluster.name}`
      : method === 'CreateNodePool' ? `${r.parent}/nodePools/${r.nodePool.name}` : r.name || r.parent;
    return `${method} ${target.replace(/\/operations\/operation-\d+-/, '/operations/#-')}`;
  });
  return { ...result, gke: gkeCalls.sort(), gcloud: compute.calls().sort() };
}

const provision = (options: Parameters<typeof runProvision>[1] = {}) =>
  observe<RunResult>(() => runProvision(gke.address, { fleet, gcloud: compute.gcloud(), ...options }));

const bootstrap = (...extra: string[]): Promise<BootstrapRun> => runInProcess(box, ['--config', fleetFile, '--dist', dist, '--state-dir', box.stateDir, '--ssh-key', box.sshKey, ...extra], {
  path: `${FAKE_KUBE}:${FAKE_BIN}:${process.env.PATH}`, env: { FAKE_KUBE_DIR: kubeDir },
});

/** Remote secrets per cluster, as the fake kubectl keeps them. */
function remoteSecrets(): Record<string, string[]> {
  return Object.fromEntries(readdirSync(kubeDir).filter((f) => f.endsWith('.secrets')).map((f) => [
    f.replace(/^gke_meshfleet-demo_[a-z0-9-]+_/, '').replace(/\.secrets$/, ''),
    readFileSync(join(kubeDir, f), 'utf8').split('\n').filter(Boolean).sort(),
  ]).filter(([, names]) => names.length > 0));
}

/** Changes the bootstrap calls made: remote secret applies and deletes, as `cluster verb name`. */
const secretChanges = (run: BootstrapRun): string[] => run.calls.flatMap((c) => {
  const cluster = c.argv[c.argv.indexOf('--context') + 1]?.split('_').at(-1);
  const applied = c.stdin?.match(/name: (istio-remote-secret-[a-z0-9-]+)/)?.[1];
  if (applied) return [`${cluster} apply ${applied}`];
  const i = c.argv.indexOf('delete');
  return i >= 0 ? [`${cluster} delete ${c.argv[i + 2]}`] : [];
});

describe('the fleet lifecycle (docs/lifecycle.md), end to end against the fakes', () => {
  test('day one: two clusters are created, handed to Flux and wired; a re-run changes nothing', async () => {
    edit(DEFAULT);
    const first = await provision();
    assert.equal(first.code, 0, first.out);
    assert.deepEqual(first.gke, [
      'CreateCluster projects/meshfleet-demo/locations/europe-west3/clusters/frankfurt',
      'CreateCluster projects/meshfleet-demo/locations/southamerica-east1/clusters/saopaulo',
      'GetOperation projects/meshfleet-demo/locations/europe-west3/operations/#-frankfurt',
      'GetOperation projects/meshfleet-demo/locations/southamerica-east1/operations/#-saopaulo',
      `ListClusters ${P}/locations/-`,
    ]);
    assert.deepEqual(compute.writes().sort(), [
      `compute firewall-rules create mesh-vpc-mesh-internal ${FLAGS} --network=mesh-vpc --direction=INGRESS --action=ALLOW --rules=all --source-ranges=10.10.0.0/20,10.100.0.0/14,10.20.0.0/20,10.108.0.0/14 --description=meshfleet: nodes and pods of every fleet cluster reach each other (flat mesh network) --format=json`,
      `compute firewall-rules create mesh-vpc-mesh-webhooks ${FLAGS} --network=mesh-vpc --direction=INGRESS --action=ALLOW --rules=tcp:15017 --source-ranges=172.16.0.0/28,172.16.0.16/28 --description=meshfleet: private GKE control planes reach the istiod webhooks --format=json`,
      `compute networks create mesh-vpc ${FLAGS} --subnet-mode=custom --bgp-routing-mode=regional --format=json`,
      `compute networks subnets create frankfurt ${FLAGS} --region=europe-west3 --network=mesh-vpc --range=10.10.0.0/20 --secondary-range=frankfurt-pods=10.100.0.0/14,frankfurt-services=10.104.0.0/20 --enable-private-ip-google-access --format=json`,
      `compute networks subnets create saopaulo ${FLAGS} --region=southamerica-east1 --network=mesh-vpc --range=10.20.0.0/20 --secondary-range=saopaulo-pods=10.108.0.0/14,saopaulo-services=10.112.0.0/20 --enable-private-ip-google-access --format=json`,
      `compute routers create mesh-vpc-europe-west3 ${FLAGS} --region=europe-west3 --network=mesh-vpc --format=json`,
      `compute routers create mesh-vpc-southamerica-east1 ${FLAGS} --region=southamerica-east1 --network=mesh-vpc --format=json`,
      `compute routers nats create mesh-vpc-europe-west3-nat ${FLAGS} --region=europe-west3 --router=mesh-vpc-europe-west3 --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges --format=json`,
      `compute routers nats create mesh-vpc-southamerica-east1-nat ${FLAGS} --region=southamerica-east1 --router=mesh-vpc-southamerica-east1 --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges --format=json`,
    ]);
    const boot = await bootstrap();
    assert.equal(boot.status, 0, boot.stderr);
    assert.deepEqual(secretChanges(boot), ['frankfurt apply istio-remote-secret-saopaulo']);
    assert.deepEqual(remoteSecrets(), { frankfurt: ['istio-remote-secret-saopaulo'] });

    const again = await provision();
    assert.equal(again.code, 0, again.out);
    assert.deepEqual(again.gke, [`ListClusters ${P}/locations/-`], 'only the read');
    assert.deepEqual(compute.writes(), []);
    assert.match(again.out, /Nothing to change: everything is as config says\.\n$/);
  });

  test('add virginia: the dry run shows every change field by field; provision makes exactly those; bootstrap wires it to frankfurt', async () => {
    edit({ ...DEFAULT, clusters: [...DEFAULT.clusters, VIRGINIA] });
    const plan = await provision({ dryRun: true });
    assert.equal(plan.code, 0, plan.out);
    assert.deepEqual(compute.writes(), [], 'a dry run only reads');
    assert.deepEqual(plan.gke, [`ListClusters ${P}/locations/-`]);
    // Every gcloud call it made is a read it lists, and it lists no read it did not make.
    const reads = plan.out.slice(plan.out.indexOf('Reads:\n'), plan.out.indexOf('Writes:\n')).split('\n').filter((l) => l.startsWith('  gcloud ')).map((l) => l.slice('  gcloud '.length));
    assert.deepEqual(plan.gcloud, [...reads].sort());
    assert.equal(reads.length, 10, "subnets list, then the VPC, 3 subnets, 2 firewall rules, 3 routers (a NAT is read with its router)");
    // The firewall rules gain virginia's ranges: shown as a field diff, then as the command.
    assert.match(plan.out, /firewall +mesh-vpc-mesh-internal +global +update\n {6}sourceRanges \(want \[10\.10\.0\.0\/20, 10\.100\.0\.0\/14, 10\.20\.0\.0\/20, 10\.108\.0\.0\/14, 10\.30\.0\.0\/20, 10\.116\.0\.0\/14\], have \[10\.10\.0\.0\/20, 10\.100\.0\.0\/14, 10\.20\.0\.0\/20, 10\.108\.0\.0\/14\]\) \[update\]\n/);
    assert.match(plan.out, /firewall +mesh-vpc-mesh-webhooks +global +update\n {6}sourceRanges \(want \[172\.16\.0\.0\/28, 172\.16\.0\.16\/28, 172\.16\.0\.32\/28\], have \[172\.16\.0\.0\/28, 172\.16\.0\.16\/28\]\) \[update\]\n/);
    assert.match(plan.out, /\n4 to create, 2 to update, 9 exist\.\n/);
    const writes = plan.out.slice(plan.out.indexOf('Writes:\n'));
    assert.deepEqual(writes.split('\n').filter((l) => /^ {2}\S/.test(l)), [
      `  gcloud compute networks subnets create virginia ${FLAGS} --region=us-east1 --network=mesh-vpc --range=10.30.0.0/20 --secondary-range=virginia-pods=10.116.0.0/14,virginia-services=10.120.0.0/20 --enable-private-ip-google-access --format=json`,
      `  gcloud compute firewall-rules update mesh-vpc-mesh-internal ${FLAGS} --rules=all --source-ranges=10.10.0.0/20,10.100.0.0/14,10.20.0.0/20,10.108.0.0/14,10.30.0.0/20,10.116.0.0/14 --no-disabled --format=json`,
      `  gcloud compute firewall-rules update mesh-vpc-mesh-webhooks ${FLAGS} --rules=tcp:15017 --source-ranges=172.16.0.0/28,172.16.0.16/28,172.16.0.32/28 --no-disabled --format=json`,
      `  gcloud compute routers create mesh-vpc-us-east1 ${FLAGS} --region=us-east1 --network=mesh-vpc --format=json`,
      `  gcloud compute routers nats create mesh-vpc-us-east1-nat ${FLAGS} --region=us-east1 --router=mesh-vpc-us-east1 --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges --format=json`,
      '  GKE CreateCluster (then GetOperation until DONE):',
    ]);

    const applied = await provision();
    assert.equal(applied.code, 0, applied.out);
    assert.deepEqual(applied.gke, [
      'CreateCluster projects/meshfleet-demo/locations/us-east1/clusters/virginia',
      'GetOperation projects/meshfleet-demo/locations/us-east1/operations/#-virginia',
      `ListClusters ${P}/locations/-`,
    ]);
    assert.deepEqual(compute.writes().sort(), writes.split('\n').filter((l) => l.startsWith('  gcloud ')).map((l) => l.slice('  gcloud '.length)).sort());
    assert.deepEqual(gke.requests('CreateCluster')[0].cluster.privateClusterConfig.masterIpv4CidrBlock, '172.16.0.32/28');

    // Bootstrap the new cluster only: its six steps, and frankfurt's istiod learns to watch it.
    const boot = await bootstrap('--cluster', 'virginia');
    assert.equal(boot.status, 0, boot.stderr);
    assert.deepEqual(secretChanges(boot), ['frankfurt apply istio-remote-secret-virginia']);
    assert.deepEqual(remoteSecrets(), { frankfurt: ['istio-remote-secret-saopaulo', 'istio-remote-secret-virginia'] });

    const again = await provision();
    assert.deepEqual([again.code, again.gke, compute.writes()], [0, [`ListClusters ${P}/locations/-`], []]);
  });

  test('change a node pool: autoscaling and machine type change in place, one operation at a time', async () => {
    const bigger = structuredClone(DEFAULT);
    bigger.clusters[0]!.nodePools = [{ name: 'default', machineType: 'e2-standard-8', minNodes: 1, maxNodes: 6 }];
    edit({ ...bigger, clusters: [...bigger.clusters, VIRGINIA] });
    const applied = await provision();
    assert.equal(applied.code, 0, applied.out);
    const pool = `${P}/locations/europe-west3/clusters/frankfurt/nodePools/default`;
    assert.match(applied.out, /cluster +frankfurt +europe-west3 +update\n {6}nodePools\[default\]\.config\.machineType \(want e2-standard-8, have e2-standard-4\) \[update\]\n {6}nodePools\[default\]\.autoscaling\.maxNodeCount \(want 6, have 3\) \[update\]\n/);
    assert.deepEqual(applied.gke, [
      'GetOperation projects/meshfleet-demo/locations/europe-west3/operations/#-frankfurt',
      'GetOperation projects/meshfleet-demo/locations/europe-west3/operations/#-frankfurt',
      `ListClusters ${P}/locations/-`,
      `SetNodePoolAutoscaling ${pool}`,
      `UpdateNodePool ${pool}`,
    ]);
    assert.deepEqual(compute.writes(), []);
    const update = gke.requests('UpdateNodePool')[0];
    assert.deepEqual([update.machineType, update.diskSizeGb], ['e2-standard-8', '100']);
    assert.deepEqual(gke.requests('SetNodePoolAutoscaling')[0].autoscaling.maxNodeCount, 6);
    assert.match(applied.out, /cluster frankfurt +updated +\S+ +UpdateNodePool, SetNodePoolAutoscaling\n/);

    const again = await provision();
    assert.deepEqual([again.code, again.gke, compute.writes()], [0, [`ListClusters ${P}/locations/-`], []]);
  });

  test('remove saopaulo: its workload moves first; then it is listed as not in config, --prune deletes it, bootstrap drops its remote secret', async () => {
    const bigger = structuredClone(DEFAULT);
    bigger.clusters[0]!.nodePools = [{ name: 'default', machineType: 'e2-standard-8', minNodes: 1, maxNodes: 6 }];
    const { saopaulo, ...rest } = bigger.apps.bookinfo.placement;
    const moved: FleetDoc = { ...bigger, clusters: [bigger.clusters[0]!, VIRGINIA], apps: { bookinfo: { ...bigger.apps.bookinfo, placement: { ...rest, virginia: saopaulo } } } };
    edit(moved);

    const listed = await provision({ dryRun: true });
    assert.equal(listed.code, 0, listed.out);
    assert.deepEqual(compute.writes(), []);
    assert.match(listed.out, /cluster +saopaulo +southamerica-east1 +not in config \(kept; --prune deletes it\): labelled meshfleet-mesh=mesh1\n/);
    assert.match(listed.out, /subnet +saopaulo +southamerica-east1 +not in config \(kept; --prune deletes it\)\n/);
    assert.match(listed.out, /router +mesh-vpc-southamerica-east1 +southamerica-east1 +not in config \(kept; --prune deletes it\): with its NAT\n/);

    const pruned = await provision({ prune: true });
    assert.equal(pruned.code, 0, pruned.out);
    assert.deepEqual(pruned.gke, [
      'DeleteCluster projects/meshfleet-demo/locations/southamerica-east1/clusters/saopaulo',
      'GetOperation projects/meshfleet-demo/locations/southamerica-east1/operations/#-saopaulo',
      `ListClusters ${P}/locations/-`,
    ]);
    assert.deepEqual(compute.writes().sort(), [
      `compute firewall-rules update mesh-vpc-mesh-internal ${FLAGS} --rules=all --source-ranges=10.10.0.0/20,10.100.0.0/14,10.30.0.0/20,10.116.0.0/14 --no-disabled --format=json`,
      `compute firewall-rules update mesh-vpc-mesh-webhooks ${FLAGS} --rules=tcp:15017 --source-ranges=172.16.0.0/28,172.16.0.32/28 --no-disabled --format=json`,
      `compute networks subnets delete saopaulo ${FLAGS} --region=southamerica-east1 --quiet`,
      `compute routers delete mesh-vpc-southamerica-east1 ${FLAGS} --region=southamerica-east1 --quiet`,
    ]);
    assert.equal(gke.clusters.has(`${P}/locations/southamerica-east1/clusters/saopaulo`), false);

    const boot = await bootstrap();
    assert.equal(boot.status, 0, boot.stderr);
    assert.deepEqual(secretChanges(boot), ['frankfurt apply istio-remote-secret-virginia', 'frankfurt delete istio-remote-secret-saopaulo']);
    assert.match(boot.stdout, /^\[frankfurt\] stale remote secrets … removed istio-system\/istio-remote-secret-saopaulo$/m);
    assert.deepEqual(remoteSecrets(), { frankfurt: ['istio-remote-secret-virginia'] });

    // Re-runs: provision sends only its reads; bootstrap deletes nothing and leaves the secrets as they are.
    const again = await provision({ prune: true });
    assert.deepEqual([again.code, again.gke, compute.writes()], [0, [`ListClusters ${P}/locations/-`], []]);
    assert.deepEqual(again.gcloud.filter((c) => !/ (describe|list) /.test(` ${c} `)), []);
    const bootAgain = await bootstrap();
    assert.equal(bootAgain.status, 0, bootAgain.stderr);
    assert.deepEqual(secretChanges(bootAgain), ['frankfurt apply istio-remote-secret-virginia']);
    assert.match(bootAgain.stdout, /^\[frankfurt\] stale remote secrets … none$/m);
    assert.deepEqual(remoteSecrets(), { frankfurt: ['istio-remote-secret-virginia'] });
  });
});

describe('the documented order', () => {
  /** The steps of `text`, in the order they first appear. */
  const steps = (text: string): string[] => {
    const marks: [string, RegExp][] = [
      ['synth', /npm run synth/], ['check', /npm run check/], ['push', /\bpush\b/], ['provision', /npm run provision/], ['bootstrap', /npm run bootstrap/],
    ];
    return marks.map(([name, re]) => [name, text.search(re)] as const).filter(([, at]) => at >= 0).sort((a, b) => a[1] - b[1]).map(([name]) => name);
  };
  const section = (file: string, heading: string): string => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const start = text.indexOf(heading);
    assert.ok(start >= 0, `${file} has no "${heading}"`);
    const next = text.indexOf('\n#', start + heading.length);
    return text.slice(start, next < 0 ? undefined : next);
  };
  // Bootstrap waits for the cluster's flux-system sync, which needs its dist folder pushed.
  const ORDER = ['synth', 'check', 'push', 'provision', 'bootstrap'];

  test('README\'s add-a-cluster steps: synth, check, commit and push, provision, bootstrap', () => {
    assert.deepEqual(steps(section('README.md', '## Add, change or remove a cluster')), ORDER);
  });

  test('docs/lifecycle.md says the same, for the path and for adding a cluster', () => {
    assert.deepEqual(steps(section('docs/lifecycle.md', '## The fleet\'s life')), ORDER);
    assert.deepEqual(steps(section('docs/lifecycle.md', '### Add a cluster')), ORDER);
  });
});
