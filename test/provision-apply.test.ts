/**
 * provision() end to end, in-process, against the fake GKE API (a real gRPC server speaking the
 * protos shipped with @google-cloud/container) — the client is never stubbed.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { clusterManagerService } from './fake-gke/proto.ts';
import { FakeGke } from './fake-gke/server.ts';
import { findCluster } from '../config/model.ts';
import { clusterRequest } from '../scripts/provision/cluster-request.ts';
import { defaultFleet, RecordingGcloud, runProvision } from './fake-gke/harness.ts';

const PROJECT = 'meshfleet-demo';
let fake: FakeGke;

before(async () => {
  fake = await FakeGke.start({ pollsToDone: 3 });
});
after(() => fake.close());
beforeEach(() => fake.reset());

/** The decoded CreateCluster request the fake received for `name`. */
const created = (name: string) => fake.requests('CreateCluster').find((r) => r.cluster.name === name);

describe('fresh fleet', () => {
  test('creates both clusters with the request derived from config', async () => {
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 0, out);

    const frankfurt = created('frankfurt');
    assert.equal(frankfurt.parent, `projects/${PROJECT}/locations/europe-west3`);
    assert.equal(frankfurt.cluster.network, `projects/${PROJECT}/global/networks/mesh-vpc`);
    assert.equal(frankfurt.cluster.subnetwork, `projects/${PROJECT}/regions/europe-west3/subnetworks/frankfurt`);
    assert.deepEqual(
      { ...frankfurt.cluster.ipAllocationPolicy, other: undefined },
      { ...frankfurt.cluster.ipAllocationPolicy, useIpAliases: true, clusterSecondaryRangeName: 'frankfurt-pods', servicesSecondaryRangeName: 'frankfurt-services', other: undefined },
    );
    assert.equal(frankfurt.cluster.workloadIdentityConfig.workloadPool, `${PROJECT}.svc.id.goog`);
    assert.equal(frankfurt.cluster.releaseChannel.channel, 'REGULAR');
    // Private nodes through the current field, never the deprecated one.
    assert.equal(frankfurt.cluster.networkConfig.defaultEnablePrivateNodes, true);
    assert.equal(frankfurt.cluster.privateClusterConfig.enablePrivateNodes, false);
    assert.equal(frankfurt.cluster.privateClusterConfig.masterIpv4CidrBlock, '172.16.0.0/28');
    assert.deepEqual(frankfurt.cluster.resourceLabels, { 'meshfleet-mesh': 'mesh1', 'meshfleet-role': 'primary' });
    assert.equal(frankfurt.cluster.fleet, null, 'fleet registration is off in the default fleet');
    assert.equal(frankfurt.cluster.nodePools[0].config.spot, false);

    const saopaulo = created('saopaulo');
    assert.equal(saopaulo.parent, `projects/${PROJECT}/locations/southamerica-east1`);
    assert.equal(saopaulo.cluster.resourceLabels['meshfleet-role'], 'remote');
    assert.equal(saopaulo.cluster.privateClusterConfig.masterIpv4CidrBlock, '172.16.0.16/28');
    const [pool] = saopaulo.cluster.nodePools;
    assert.equal(pool.name, 'default');
    assert.equal(pool.config.spot, true);
    assert.equal(pool.config.machineType, 'e2-standard-4');
    assert.equal(pool.config.diskSizeGb, 100);
    assert.equal(pool.config.workloadMetadataConfig.mode, 'GKE_METADATA');
    assert.equal(pool.autoscaling.enabled, true);
    assert.equal(pool.autoscaling.minNodeCount, 1);
    assert.equal(pool.autoscaling.maxNodeCount, 3);

    // Reads first (one ListClusters over every location), then the operations polled by their full name.
    assert.deepEqual(fake.requests('ListClusters').map((r) => r.parent), [`projects/${PROJECT}/locations/-`]);
    for (const r of fake.requests('GetOperation')) assert.match(r.name, /^projects\/meshfleet-demo\/locations\/[a-z0-9-]+\/operations\/operation-/);
    assert.equal(fake.requests('GetOperation').length, 6, 'three polls per operation');

    assert.match(out, /cluster +frankfurt +europe-west3 +create\n/);
    assert.match(out, /Summary:\n +ITEM +RESULT +TIME +DETAIL\n +cluster frankfurt +created +\S+\n +cluster saopaulo +created/);
    assert.match(out, /Done\.\n$/);
  });

  test('a re-run is a no-op: nothing is created (and, with nothing to do, nothing is asked)', async () => {
    await runProvision(fake.address);
    fake.resetCalls();
    const { code, out } = await runProvision(fake.address, { yes: false });
    assert.equal(code, 0);
    assert.equal(fake.requests('CreateCluster').length, 0);
    assert.match(out, /cluster +frankfurt +europe-west3 +exists\n/);
    assert.match(out, /cluster +saopaulo +southamerica-east1 +exists\n/);
    assert.match(out, /Nothing to change: everything is as config says\.\n$/);
  });

  test('--cluster limits the run to the named clusters', async () => {
    const { code, out } = await runProvision(fake.address, { only: ['saopaulo'] });
    assert.equal(code, 0);
    assert.deepEqual(fake.requests('CreateCluster').map((r) => r.cluster.name), ['saopaulo']);
    assert.match(out, /1 of 2 clusters/);
  });
});

describe('transient faults', () => {
  test('UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED are retried until success', async () => {
    fake.fail('ListClusters', { code: status.RESOURCE_EXHAUSTED });
    fake.fail('CreateCluster', { code: status.UNAVAILABLE }, { code: status.UNAVAILABLE });
    fake.fail('GetOperation', { code: status.DEADLINE_EXCEEDED });
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 0, out);
    // 1 list + 1 retry; 2 clusters + 2 retries.
    assert.equal(fake.requests('ListClusters').length, 2);
    assert.equal(fake.requests('CreateCluster').length, 4);
    assert.equal(fake.clusters.size, 2);
    assert.match(out, /CreateCluster: UNAVAILABLE, retry 1\/3 in/);
    assert.match(out, /cluster saopaulo +created/);
  });

  test('a transient error that outlasts the retries fails that cluster with the gRPC code', async () => {
    fake.fail('CreateCluster', ...Array(4).fill({ code: status.UNAVAILABLE, details: 'backend unavailable' }));
    const { code, out } = await runProvision(fake.address, { only: ['frankfurt'] });
    assert.equal(code, 1);
    assert.equal(fake.requests('CreateCluster').length, 4, 'FAST allows 4 attempts');
    assert.match(out, /cluster frankfurt +failed +\S+ +UNAVAILABLE: backend unavailable\n/);
  });

  test('a non-transient error is not retried', async () => {
    fake.fail('CreateCluster', { code: status.PERMISSION_DENIED, details: 'container.clusters.create denied' });
    const { code, out } = await runProvision(fake.address, { only: ['frankfurt'] });
    assert.equal(code, 1);
    assert.equal(fake.requests('CreateCluster').length, 1);
    assert.match(out, /cluster frankfurt +failed +\S+ +PERMISSION_DENIED: container\.clusters\.create denied/);
  });
});

describe('partial failure', () => {
  test('one cluster failing does not stop the other; exit code 1', async () => {
    fake.failOperation('saopaulo', { code: status.RESOURCE_EXHAUSTED, message: 'Insufficient regional quota to satisfy request: resource "CPUS"' });
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 1);
    assert.equal(fake.clusters.get(`projects/${PROJECT}/locations/europe-west3/clusters/frankfurt`)?.status, 'RUNNING');
    assert.match(out, /cluster frankfurt +created/);
    assert.match(out, /cluster saopaulo +failed +\S+ +operation operation-\d+-saopaulo failed: RESOURCE_EXHAUSTED: Insufficient regional quota/);
    assert.match(out, /1 of 2 failed or skipped; fix the cause and re-run: what exists is kept\.\n$/);

    // The failed cluster now sits in ERROR: the next plan says so and creates nothing.
    fake.resetCalls();
    const again = await runProvision(fake.address);
    assert.equal(again.code, 1);
    assert.equal(fake.requests('CreateCluster').length, 0);
    assert.match(again.out, /cluster +saopaulo +southamerica-east1 +needs attention: ERROR: Insufficient regional quota/);
  });
});

describe('convergence', () => {
  test('ALREADY_EXISTS from a concurrent creator counts as exists, after waiting for RUNNING', async () => {
    // Between our read and our create, someone else creates frankfurt.
    fake.fail('CreateCluster', { run: () => fake.seedCluster(PROJECT, 'europe-west3', { name: 'frankfurt' }, 'PROVISIONING') });
    const { code, out } = await runProvision(fake.address, { only: ['frankfurt'] });
    assert.equal(code, 0, out);
    assert.equal(fake.requests('CreateCluster').length, 1);
    assert.ok(fake.requests('GetCluster').length >= 3, 'polled until RUNNING');
    assert.match(out, /cluster frankfurt +exists +\S+ +created concurrently; RUNNING\n/);
  });

  test('a cluster still provisioning from an interrupted run is waited for, not re-created', async () => {
    fake.seedCluster(PROJECT, 'southamerica-east1', clusterRequest(defaultFleet(), findCluster(defaultFleet(), 'saopaulo')).cluster as { name: string }, 'PROVISIONING');
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 0, out);
    assert.deepEqual(fake.requests('CreateCluster').map((r) => r.cluster.name), ['frankfurt']);
    assert.match(out, /cluster +saopaulo +southamerica-east1 +wait: PROVISIONING/);
    assert.match(out, /cluster saopaulo +exists +\S+ +was provisioning; now RUNNING/);
  });

  test('node pools are changed in place; other drift is reported with its fix; security drift exits 1 unless --accept-drift', async () => {
    await runProvision(fake.address);
    const live = fake.clusters.get(`projects/${PROJECT}/locations/southamerica-east1/clusters/saopaulo`)!;
    live.releaseChannel.channel = 'STABLE';
    live.nodePools[0].autoscaling.maxNodeCount = 5;
    live.resourceLabels['meshfleet-role'] = 'primary';
    live.resourceLabels['cost-center'] = 'not ours to judge';
    fake.resetCalls();
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 1, 'security drift without --accept-drift');
    assert.equal(fake.requests('CreateCluster').length, 0);
    assert.match(out, /cluster +saopaulo +southamerica-east1 +update\n {6}releaseChannel\.channel \(want REGULAR, have STABLE\) \[security drift\]\n {6}resourceLabels\.meshfleet-role \(want remote, have primary\)\n {6}nodePools\[default\]\.autoscaling\.maxNodeCount \(want 3, have 5\) \[update\]\n/);
    assert.doesNotMatch(out, /cost-center/);
    // Only the node pool is changed, with the bounds config gives.
    assert.deepEqual(fake.writes(), [`SetNodePoolAutoscaling projects/${PROJECT}/locations/southamerica-east1/clusters/saopaulo/nodePools/default`]);
    assert.deepEqual(fake.requests('SetNodePoolAutoscaling')[0].autoscaling, { ...fake.requests('SetNodePoolAutoscaling')[0].autoscaling, enabled: true, minNodeCount: 1, maxNodeCount: 3 });
    assert.equal(live.nodePools[0].autoscaling.maxNodeCount, 3);
    assert.match(out, /Differences provision does not change, with their fix:\n  cluster saopaulo \(southamerica-east1\): releaseChannel\.channel \(want REGULAR, have STABLE\) \[security drift\]\n {6}fix: gcloud container clusters update saopaulo --region=southamerica-east1 --project=meshfleet-demo --release-channel=regular\n  cluster saopaulo \(southamerica-east1\): resourceLabels\.meshfleet-role \(want remote, have primary\)\n {6}fix: gcloud container clusters update saopaulo --region=southamerica-east1 --project=meshfleet-demo --update-labels=meshfleet-role=remote\n/);
    assert.match(out, /security drift: 1 setting differs from config \(listed above with the fix\); fix it, or re-run with --accept-drift to accept\.\nDone\.\n$/);

    // Accepted: the same drift, listed, exit 0, and nothing is sent again.
    fake.resetCalls();
    const accepted = await runProvision(fake.address, { acceptDrift: true });
    assert.equal(accepted.code, 0, accepted.out);
    assert.deepEqual(fake.writes(), []);
    assert.match(accepted.out, /security drift accepted \(--accept-drift\): 1 setting differs from config\.\nNothing provision changes is left to do; the differences above are yours to fix or accept\.\n$/);
  });

  test('plain drift (labels) is reported with its fix and exits 0', async () => {
    await runProvision(fake.address);
    fake.clusters.get(`projects/${PROJECT}/locations/europe-west3/clusters/frankfurt`)!.resourceLabels['meshfleet-mesh'] = 'other';
    const { code, out } = await runProvision(fake.address);
    assert.equal(code, 0, out);
    assert.match(out, /cluster +frankfurt +europe-west3 +differs \(reported only; nothing is changed\)\n {6}resourceLabels\.meshfleet-mesh \(want mesh1, have other\)\n/);
    assert.match(out, /fix: gcloud container clusters update frankfurt --region=europe-west3 --project=meshfleet-demo --update-labels=meshfleet-mesh=mesh1\n/);
  });
});

describe('safety', () => {
  test('--dry-run --offline sends nothing at all and prints every request', async () => {
    const { code, out } = await runProvision(fake.address, { dryRun: true, offline: true, yes: false });
    assert.equal(code, 0);
    assert.deepEqual(fake.calls, [], 'not even a read');
    assert.match(out, /cluster +frankfurt +europe-west3 +check, then create if missing/);
    assert.match(out, /GKE ListClusters \{"parent":"projects\/meshfleet-demo\/locations\/-"\}/);
    assert.match(out, /GKE CreateCluster \(then GetOperation until DONE\):\n {4}\{\n {6}"parent": "projects\/meshfleet-demo\/locations\/europe-west3",/);
    assert.match(out, /"masterIpv4CidrBlock": "172\.16\.0\.16\/28"/);
    assert.match(out, /Dry run: no request was sent\.\n$/);
  });

  test('without --yes and without a terminal it refuses before creating anything', async () => {
    const { code, err } = await runProvision(fake.address, { yes: false });
    assert.equal(code, 1);
    assert.equal(fake.requests('CreateCluster').length, 0);
    assert.equal(err.split('\n').filter(Boolean).at(-1),
      'refusing to change anything without confirmation: no terminal to ask on; re-run with --yes (or --dry-run to print the plan only)');
  });

  test('on a terminal it asks; only yes proceeds', async () => {
    const no = await runProvision(fake.address, { yes: false, answer: 'n\n' });
    assert.equal(no.code, 1);
    assert.match(no.out, /Create 2 resources in project meshfleet-demo\? \[y\/N\] Cancelled; nothing was changed\.\n$/);
    assert.equal(fake.requests('CreateCluster').length, 0);
    const eof = await runProvision(fake.address, { yes: false, answer: '' });
    assert.equal(eof.code, 1, 'Ctrl-D is a no');
    assert.equal(fake.requests('CreateCluster').length, 0);
    const yes = await runProvision(fake.address, { yes: false, answer: 'yes\n' });
    assert.equal(yes.code, 0, yes.out);
    assert.equal(fake.requests('CreateCluster').length, 2);
  });
});

describe('network steps (gcloud stand-in)', () => {
  test('run in dependency order; a failed subnet skips its cluster only', async () => {
    const gcloud = new RecordingGcloud();
    gcloud.failures.set('saopaulo', 'gcloud compute networks subnets create saopaulo: quota exceeded');
    const { code, out } = await runProvision(fake.address, { gcloud });
    assert.equal(code, 1);
    const creates = gcloud.creates();
    assert.equal(creates[0], 'networks mesh-vpc', 'the VPC first');
    assert.ok(creates.indexOf('routers mesh-vpc-europe-west3') < creates.indexOf('nats mesh-vpc-europe-west3-nat'));
    assert.deepEqual(fake.requests('CreateCluster').map((r) => r.cluster.name), ['frankfurt']);
    assert.match(out, /subnet saopaulo +failed +\S+ +gcloud compute networks subnets create saopaulo: quota exceeded/);
    assert.match(out, /cluster saopaulo +skipped +\S+ +needs subnet saopaulo, which failed/);
    assert.match(out, /cluster frankfurt +created/);
  });

  test('existing network resources: what provision owns is updated, what cannot change is an error with the fix', async () => {
    const gcloud = new RecordingGcloud();
    gcloud.existing.set('mesh-vpc', { name: 'mesh-vpc', autoCreateSubnetworks: true });
    gcloud.existing.set('mesh-vpc-mesh-internal', {
      name: 'mesh-vpc-mesh-internal', network: 'https://www.googleapis.com/compute/v1/projects/meshfleet-demo/global/networks/mesh-vpc',
      direction: 'INGRESS', allowed: [{ IPProtocol: 'all' }], sourceRanges: ['10.10.0.0/20', '10.100.0.0/14'],
    });
    const { code, out } = await runProvision(fake.address, { gcloud, only: ['frankfurt'] });
    assert.equal(code, 1, 'the VPC needs attention');
    assert.match(out, /network +mesh-vpc +global +needs attention: autoCreateSubnetworks cannot change in place\n {6}autoCreateSubnetworks \(want false, have true\) \[cannot change in place\]\n/);
    assert.match(out, /fix: gcloud compute networks update mesh-vpc --project=meshfleet-demo --switch-to-custom-subnet-mode \(one-way; the auto-mode subnets stay\)\n/);
    assert.match(out, /firewall +mesh-vpc-mesh-internal +global +update\n {6}sourceRanges \(want \[10\.10\.0\.0\/20, 10\.100\.0\.0\/14, 10\.20\.0\.0\/20, 10\.108\.0\.0\/14\], have \[10\.10\.0\.0\/20, 10\.100\.0\.0\/14\]\) \[update\]\n/);
    assert.ok(!gcloud.creates().includes('networks mesh-vpc'));
    assert.ok(!gcloud.creates().includes('firewall-rules mesh-vpc-mesh-internal'));
    assert.ok(gcloud.creates().includes('subnets frankfurt'));
    assert.deepEqual(gcloud.commands.filter((c) => c.includes('update')).map((c) => c.join(' ')), [
      'compute firewall-rules update mesh-vpc-mesh-internal --project=meshfleet-demo --rules=all --source-ranges=10.10.0.0/20,10.100.0.0/14,10.20.0.0/20,10.108.0.0/14 --no-disabled --format=json',
    ]);
    assert.match(out, /firewall mesh-vpc-mesh-internal +updated +\S+ +sourceRanges\n/);
  });
});

describe('the fake GKE API', () => {
  test('decodes the service definition once per process: every fake of a test group serves the same one', async () => {
    const second = await FakeGke.start({ pollsToDone: 1 });
    try {
      assert.equal(clusterManagerService(), clusterManagerService());
      // Both answer, each from its own state.
      const { code, out } = await runProvision(second.address);
      assert.equal(code, 0, out);
      assert.equal(second.requests('CreateCluster').length, 2);
      assert.equal(fake.requests('CreateCluster').length, 0);
    } finally {
      await second.close();
    }
  });
});
