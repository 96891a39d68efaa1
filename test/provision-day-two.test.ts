/**
 * Day-two failure modes of provision, each on its own: a same-named cluster in another region,
 * security drift, fields that cannot change in place, clusters and node pools that left config
 * (listed, or pruned after a confirmation that names them), and servers that never answer.
 * Against the fake GKE API (real client) and the fake gcloud.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { findCluster } from '../config/model.ts';
import { clusterDifferences } from '../scripts/provision/cluster-diff.ts';
import { clusterRequest } from '../scripts/provision/cluster-request.ts';
import { GcloudError } from '../scripts/provision/gcloud.ts';
import { planOrphans } from '../scripts/provision/orphans.ts';
import { DEFAULT_TIMING, withTimingOptions, worstCaseCallMs, type Timing } from '../scripts/provision/timing.ts';
import { staleRemoteSecrets } from '../scripts/bootstrap/remote-secrets.ts';
import { FakeGcloudBin } from './fake-bin-gcloud/harness.ts';
import { defaultFleet, FAST, RecordingGcloud, runProvision } from './fake-gke/harness.ts';
import { FakeGke } from './fake-gke/server.ts';

const PROJECT = 'meshfleet-demo';
const fleet = defaultFleet();
const request = (name: string) => clusterRequest(fleet, findCluster(fleet, name));
const path = (region: string, name: string) => `projects/${PROJECT}/locations/${region}/clusters/${name}`;

let fake: FakeGke;
before(async () => {
  fake = await FakeGke.start({ pollsToDone: 1 });
});
after(() => fake.close());
beforeEach(() => fake.reset());

describe('a cluster of the same name in another region', () => {
  test('is an error naming both regions; no second cluster is created', async () => {
    fake.seedCluster(PROJECT, 'europe-west1', request('frankfurt').cluster as { name: string });
    const gcloud = new RecordingGcloud();
    const { code, out } = await runProvision(fake.address, { gcloud });
    assert.equal(code, 1, out);
    assert.deepEqual(fake.requests('CreateCluster').map((r) => r.cluster.name), ['saopaulo']);
    // Nor the subnet it would have used.
    assert.ok(!gcloud.creates().includes('subnets frankfurt'));
    assert.ok(gcloud.creates().includes('subnets saopaulo'));
    assert.match(out, /\n {2}subnet +frankfurt +europe-west3 +skipped: cluster frankfurt needs attention first\n/);
    assert.match(out, new RegExp(`\n {2}cluster +frankfurt +europe-west3 +needs attention: a cluster named frankfurt exists in europe-west1; config says europe-west3\\. A cluster's region cannot change: set region: europe-west1 in ${fleet.file.replace(/\./g, '\\.')}, or delete the cluster in europe-west1 \\(gcloud container clusters delete frankfurt --region=europe-west1\\) and re-run\n`));
  });

  test('next to the one config names, both regions are named', async () => {
    fake.seedCluster(PROJECT, 'europe-west3', request('frankfurt').cluster as { name: string });
    fake.seedCluster(PROJECT, 'europe-west1', request('frankfurt').cluster as { name: string });
    const { code, out } = await runProvision(fake.address, { only: ['frankfurt'] });
    assert.equal(code, 1);
    assert.match(out, /needs attention: a cluster named frankfurt exists in both europe-west3 and europe-west1; config says europe-west3\./);
    assert.deepEqual(fake.writes(), []);
  });
});

describe('security drift', () => {
  const live = () => structuredClone(request('saopaulo').cluster);
  const security = (have: ReturnType<typeof live>) =>
    clusterDifferences(request('saopaulo'), have).filter((d) => d.kind === 'security').map((d) => `${d.field}: ${d.want} → ${d.have} | ${d.fix}`);
  const update = `gcloud container clusters update saopaulo --region=southamerica-east1 --project=${PROJECT}`;

  test('private nodes, Workload Identity, master authorized networks and the release channel are security drift, each with its fix', () => {
    const have = live();
    have.networkConfig = { defaultEnablePrivateNodes: false };
    have.workloadIdentityConfig = {};
    have.masterAuthorizedNetworksConfig = { enabled: true, cidrBlocks: [{ cidrBlock: '203.0.113.0/24' }] };
    have.releaseChannel = { channel: 'RAPID' };
    have.nodePools![0]!.config!.workloadMetadataConfig = { mode: 'GCE_METADATA' };
    assert.deepEqual(security(have), [
      `workloadIdentityConfig.workloadPool: ${PROJECT}.svc.id.goog → unset | ${update} --workload-pool=${PROJECT}.svc.id.goog`,
      `releaseChannel.channel: REGULAR → RAPID | ${update} --release-channel=regular`,
      `networkConfig.defaultEnablePrivateNodes: true → false | ${update} --enable-private-nodes`,
      `masterAuthorizedNetworksConfig.enabled: unset → true | ${update} --no-enable-master-authorized-networks, or keep it and run provision with --accept-drift`,
      `nodePools[default].config.workloadMetadataConfig.mode: GKE_METADATA → GCE_METADATA | gcloud container node-pools update default --cluster=saopaulo --region=southamerica-east1 --project=${PROJECT} --workload-metadata=GKE_METADATA`,
    ]);
  });

  test('public nodes exit 1, unchanged; --accept-drift lists them and exits 0', async () => {
    await runProvision(fake.address);
    fake.clusters.get(path('europe-west3', 'frankfurt'))!.networkConfig.defaultEnablePrivateNodes = false;
    fake.resetCalls();
    const refused = await runProvision(fake.address);
    assert.equal(refused.code, 1);
    assert.deepEqual(fake.writes(), []);
    assert.match(refused.out, /cluster frankfurt \(europe-west3\): networkConfig\.defaultEnablePrivateNodes \(want true, have false\) \[security drift\]\n {6}fix: gcloud container clusters update frankfurt --region=europe-west3 --project=meshfleet-demo --enable-private-nodes\n/);
    assert.match(refused.out, /\nsecurity drift: 1 setting differs from config \(listed above with the fix\); fix it, or re-run with --accept-drift to accept\.\nNothing provision changes is left to do; the differences above are yours to fix or accept\.\n$/);
    const accepted = await runProvision(fake.address, { acceptDrift: true });
    assert.equal(accepted.code, 0);
    assert.match(accepted.out, /\nsecurity drift accepted \(--accept-drift\): 1 setting differs from config\.\n/);
  });
});

describe('what cannot change in place', () => {
  test('a node pool\'s spot setting: an error with the fix; the cluster\'s other changes wait for it', async () => {
    await runProvision(fake.address);
    const pool = fake.clusters.get(path('southamerica-east1', 'saopaulo'))!.nodePools[0];
    pool.config.spot = false;
    pool.autoscaling.maxNodeCount = 9;
    fake.resetCalls();
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 1);
    assert.deepEqual(fake.writes(), []);
    assert.match(out, /cluster +saopaulo +southamerica-east1 +needs attention: nodePools\[default\]\.config\.spot cannot change in place\n/);
    assert.match(out, /fix: a node pool's spot setting cannot change: add a pool with a new name and the new setting, then remove default from config and run provision --prune\n/);
  });

  test('a cluster\'s pod range (its secondary range name): an error with the fix', async () => {
    await runProvision(fake.address);
    fake.clusters.get(path('europe-west3', 'frankfurt'))!.ipAllocationPolicy.clusterSecondaryRangeName = 'legacy-pods';
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 1);
    assert.match(out, /ipAllocationPolicy\.clusterSecondaryRangeName \(want frankfurt-pods, have legacy-pods\) \[cannot change in place\]\n {6}fix: a cluster's pod range cannot change: add a cluster with a new name and the new pod range, move its workloads there, then remove frankfurt \(provision --prune\)\n/);
  });
});

describe('what left config', () => {
  const seedOrphan = (name = 'oregon', labels: Record<string, string> = { 'meshfleet-mesh': 'mesh1', 'meshfleet-role': 'remote' }) =>
    fake.seedCluster(PROJECT, 'us-west1', { ...structuredClone(request('saopaulo').cluster), name, resourceLabels: labels });

  test('without --prune: listed as not in config, with the fix; nothing is deleted; other meshes\' clusters are not ours', async () => {
    seedOrphan();
    seedOrphan('stranger', { team: 'data' });
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 0, out);
    assert.deepEqual(fake.requests('DeleteCluster'), []);
    assert.match(out, /\n {2}cluster +oregon +us-west1 +not in config \(kept; --prune deletes it\): labelled meshfleet-mesh=mesh1\n/);
    assert.match(out, /\n {2}cluster oregon \(us-west1\): not in config\n {6}fix: remove it with provision --prune, or put it back in config\n/);
    assert.doesNotMatch(out, /stranger/);
  });

  test('--prune without a terminal and without --yes refuses; nothing is deleted', async () => {
    seedOrphan();
    await runProvision(fake.address);
    fake.resetCalls();
    const { code, err } = await runProvision(fake.address, { prune: true, yes: false });
    assert.equal(code, 1);
    assert.deepEqual(fake.writes(), []);
    assert.equal(err.split('\n').at(-2), 'refusing to change anything without confirmation: no terminal to ask on; re-run with --yes (or --dry-run to print the plan only)');
  });

  test('--prune asks, naming every cluster it deletes; only yes deletes', async () => {
    seedOrphan();
    await runProvision(fake.address);
    fake.resetCalls();
    const no = await runProvision(fake.address, { prune: true, yes: false, answer: 'n\n' });
    assert.equal(no.code, 1);
    assert.match(no.out, /This deletes cluster oregon \(us-west1\) with every workload on it\. Delete 1 resource in project meshfleet-demo\? \[y\/N\] Cancelled; nothing was changed\.\n$/);
    assert.deepEqual(fake.writes(), []);
    const yes = await runProvision(fake.address, { prune: true, yes: false, answer: 'y\n' });
    assert.equal(yes.code, 0, yes.out);
    assert.deepEqual(fake.writes(), [`DeleteCluster ${path('us-west1', 'oregon')}`]);
    assert.match(yes.out, /cluster oregon +deleted/);
    assert.equal(fake.clusters.has(path('us-west1', 'oregon')), false);
  });

  test('a cluster already gone when DeleteCluster arrives counts as deleted', async () => {
    seedOrphan();
    fake.fail('DeleteCluster', { code: status.NOT_FOUND, details: 'Not found' });
    const { code, out } = await runProvision(fake.address, { prune: true });
    assert.equal(code, 0, out);
    assert.match(out, /cluster oregon +deleted +\S+ +was already gone\n/);
  });

  test('--prune with --cluster is a usage error: a cluster that left config cannot be named', async () => {
    await assert.rejects(runProvision(fake.address, { prune: true, only: ['frankfurt'] }),
      { message: '--prune works on the whole fleet (a cluster that left config cannot be named with --cluster): drop --cluster' });
  });

  test('a node pool that left config: listed without --prune, deleted with it', async () => {
    await runProvision(fake.address);
    const live = fake.clusters.get(path('europe-west3', 'frankfurt'))!;
    live.nodePools.push({ ...structuredClone(live.nodePools[0]), name: 'old' });
    const listed = await runProvision(fake.address);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /cluster +frankfurt +europe-west3 +differs \(reported only; nothing is changed\)\n {6}nodePools\[old\] \(want absent, have present\)\n/);
    fake.resetCalls();
    const pruned = await runProvision(fake.address, { prune: true });
    assert.equal(pruned.code, 0, pruned.out);
    assert.deepEqual(fake.writes(), [`DeleteNodePool ${path('europe-west3', 'frankfurt')}/nodePools/old`]);
    assert.deepEqual(live.nodePools.map((p: { name: string }) => p.name), ['default']);
  });

  test('orphan subnets and routers are deleted after the cluster that used them; subnets provision did not make are left alone', () => {
    const vpc = `projects/${PROJECT}/global/networks/mesh-vpc`;
    const subnet = (name: string, region: string, ranges = [`${name}-pods`, `${name}-services`]) =>
      ({ name, network: vpc, region: `https://compute/projects/${PROJECT}/regions/${region}`, secondaryIpRanges: ranges.map((rangeName) => ({ rangeName })) });
    const items = planOrphans(fleet, {
      clusters: [{ name: 'oregon', location: 'us-west1', subnetwork: 'oregon', resourceLabels: { 'meshfleet-mesh': 'mesh1' } }],
      subnets: [subnet('frankfurt', 'europe-west3'), subnet('oregon', 'us-west1'), subnet('bastion', 'us-west1', ['other'])],
      routers: new Map([['us-west1', { name: 'mesh-vpc-us-west1' }]]),
    }, true);
    assert.deepEqual(items.map((i) => [i.id, i.action, i.needs]), [
      ['cluster:us-west1/oregon', 'delete', []],
      ['subnet:us-west1/oregon', 'delete', ['cluster:us-west1/oregon']],
      ['router:us-west1/mesh-vpc-us-west1', 'delete', ['cluster:us-west1/oregon']],
    ]);
  });
});

describe('servers that never answer', () => {
  let dead: Server;
  const sockets: Socket[] = [];
  before(async () => {
    // Takes the connection, never speaks: what a hung load balancer or a stuck emulator looks like.
    dead = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    for (const s of sockets) s.destroy();
    dead.close();
  });

  test('the defaults give up on one call within a minute (two attempts of 20 s)', () => {
    assert.equal(worstCaseCallMs(DEFAULT_TIMING), 41_000);
        // 5 s calls, 15 s budget: a second attempt fits (5 + 1 + 5), a third would end at 23 s.
    assert.equal(worstCaseCallMs(withTimingOptions(DEFAULT_TIMING, { callTimeoutS: 5 })), 11_000);
  });

  test('GKE: one line naming the call and the address, after the call budget', async () => {
    const port = (dead.address() as { port: number }).port;
    const timing: Timing = { ...FAST, retry: { attempts: 6, initialMs: 10, maxMs: 20, budgetMs: 900 }, callTimeoutMs: 300 };
    const started = performance.now();
    await assert.rejects(runProvision(`127.0.0.1:${port}`, { timing }), (err: Error) => {
      assert.match(err.message, new RegExp(`^cannot read what exists: GKE ListClusters projects/meshfleet-demo/locations/- at 127\\.0\\.0\\.1:${port} \\(GKE_EMULATOR_HOST\\): no answer in \\d+ms \\(2 attempts of 300ms\\); check that the server is up, or give a slow one more time with --call-timeout SECONDS$`));
      return true;
    });
    assert.ok(performance.now() - started < 3_000, 'gave up after its budget');
  });

  test('gcloud: a read that never answers is stopped at the call timeout, with one line naming it', async () => {
    const bin = new FakeGcloudBin();
    try {
      const gcloud = bin.gcloud(undefined, 'networks describe', { readMs: 1_000 });
      await assert.rejects(gcloud.describe(['compute', 'networks', 'describe', 'mesh-vpc', `--project=${PROJECT}`, '--format=json']), (err: Error) => {
        assert.ok(err instanceof GcloudError);
        assert.equal(err.message, 'gcloud compute networks describe mesh-vpc at Google Cloud: no answer in 1.0s; check that the server is up, or give a slow one more time with --call-timeout SECONDS');
        return true;
      });
    } finally {
      bin.dispose();
    }
  });
});

describe('bootstrap: stale remote secrets', () => {
  test('those for clusters the primary no longer watches, by istioctl\'s name; other Secrets are not touched', () => {
    const listed = 'istio-remote-secret-saopaulo\nistio-remote-secret-virginia\nmy-own-secret\n\n';
    assert.deepEqual(staleRemoteSecrets(listed, ['virginia']), ['istio-remote-secret-saopaulo']);
    assert.deepEqual(staleRemoteSecrets(listed, ['saopaulo', 'virginia']), []);
    assert.deepEqual(staleRemoteSecrets('', ['virginia']), []);
  });
});
