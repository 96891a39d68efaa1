/**
 * The global entry's cloud-side prerequisites, end to end and in-process: `provision()` against the
 * fake GKE API and the fake `gcloud` executable (test/fake-bin-gcloud/) first on PATH, which keeps
 * the network resources, fleet features and IAM policy in a JSON file and records every call.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFleet } from '../config/load.ts';
import { FakeGcloudBin, type FakeGcloudState } from './fake-bin-gcloud/harness.ts';
import { RecordingGcloud, defaultFleet, runProvision } from './fake-gke/harness.ts';
import { FakeGke } from './fake-gke/server.ts';

const PROJECT = 'meshfleet-demo';
const GLOBAL = loadFleet(fileURLToPath(new URL('../config/examples/global-frontends.yaml', import.meta.url)));
const MEMBERSHIP = `projects/${PROJECT}/locations/europe-west3/memberships/frankfurt`;
const MCI_AGENT = 'serviceAccount:service-123456789012@gcp-sa-multiclusteringress.iam.gserviceaccount.com';
const MCS_IMPORTER = `serviceAccount:${PROJECT}.svc.id.goog[gke-mcs/gke-mcs-importer]`;
const HEALTH_CHECK_RULE = `projects/${PROJECT}/global/firewalls/mesh-vpc-lb-health-checks`;

let gke: FakeGke;
let bin: FakeGcloudBin;
/** The fake's state after the fresh apply: the whole global-frontends fleet exists. */
let provisioned: FakeGcloudState;

before(async () => {
  gke = await FakeGke.start({ pollsToDone: 2 });
  bin = new FakeGcloudBin();
});
after(async () => {
  await gke.close();
  bin.dispose();
});

/** provision() for the global-frontends fleet, every gcloud step through the fake gcloud (as against Google). */
const run = (options: Parameters<typeof runProvision>[1] & { fail?: string } = {}) => {
  const { fail, ...rest } = options;
  return runProvision(gke.address, { fleet: GLOBAL, compute: { mode: 'google' }, gcloud: bin.gcloud(fail), ...rest });
};

/** Index of the first progress line matching `re` in `out` (the Applying section appends in time order). */
const lineIndex = (out: string, re: RegExp): number => out.split('\n').findIndex((l) => re.test(l));

describe('global-frontends, step by step', () => {
  test('fresh apply: the features, the bindings and the health-check rule, after the clusters', async () => {
    const { code, out } = await run();
    assert.equal(code, 0, out);

    // The clusters are fleet members with the Gateway API, on the wire.
    for (const name of ['frankfurt', 'saopaulo']) {
      const request = gke.requests('CreateCluster').find((r) => r.cluster.name === name);
      assert.equal(request.cluster.fleet.project, PROJECT);
      assert.equal(request.cluster.networkConfig.gatewayApiConfig.channel, 'CHANNEL_STANDARD');
    }

    const state = bin.state();
    assert.deepEqual(Object.keys(state.features ?? {}).sort(), ['multiclusteringress', 'multiclusterservicediscovery']);
    assert.equal(state.features!.multiclusteringress.spec.multiclusteringress.configMembership, MEMBERSHIP);
    const members = (role: string) => state.iamPolicy!.bindings.find((b) => b.role === role && !b.condition)?.members;
    assert.deepEqual(members('roles/container.admin'), [MCI_AGENT]);
    assert.deepEqual(members('roles/compute.networkViewer'), [MCS_IMPORTER]);
    const rule = state.compute![HEALTH_CHECK_RULE];
    assert.deepEqual(rule.sourceRanges, ['35.191.0.0/16', '130.211.0.0/22']);
    assert.deepEqual(rule.destinationRanges, ['10.100.0.0/14', '10.108.0.0/14'], 'the pod ranges of both serving clusters');
    assert.deepEqual(rule.allowed, [{ IPProtocol: 'tcp', ports: ['80'] }, { IPProtocol: 'tcp', ports: ['443'] }, { IPProtocol: 'tcp', ports: ['15021'] }]);
    assert.equal(rule.direction, 'INGRESS');
    assert.match(rule.network, /\/global\/networks\/mesh-vpc$/);

    // Order of the writes: the VPC before its rule; MCS, then MCI, then the agent's binding; MCS before the importer's.
    const writes = bin.writes();
    const at = (prefix: string) => {
      const n = writes.findIndex((w) => w.startsWith(prefix));
      assert.ok(n >= 0, `no call ${prefix} in\n${writes.join('\n')}`);
      return n;
    };
    assert.ok(at('compute networks create mesh-vpc') < at('compute firewall-rules create mesh-vpc-lb-health-checks'));
    assert.ok(at('container fleet multi-cluster-services enable') < at('container fleet ingress enable'));
    assert.ok(at('container fleet ingress enable') < at('projects add-iam-policy-binding meshfleet-demo --member=serviceAccount:service-'));
    assert.ok(at('container fleet multi-cluster-services enable') < at(`projects add-iam-policy-binding meshfleet-demo --member=${MCS_IMPORTER}`));
    assert.equal(writes.filter((w) => w.startsWith('container fleet') || w.startsWith('projects add-iam')).length, 4, 'each once');
    assert.ok(writes.includes(`container fleet ingress enable --config-membership=${MEMBERSHIP} --project=${PROJECT}`));
    // … and the features only once every cluster is created (progress lines are appended in time order).
    const firstFeature = lineIndex(out, /^ {2}feature multiclusterservicediscovery +\S+ +creating/);
    assert.ok(firstFeature > lineIndex(out, /^ {2}cluster frankfurt +\S+ +created$/));
    assert.ok(firstFeature > lineIndex(out, /^ {2}cluster saopaulo +\S+ +created$/));

    assert.match(out, /\n {2}fleet and IAM: gcloud container fleet, gcloud projects \(gcloud's active account\)\n/);
    assert.match(out, /\n {2}firewall +mesh-vpc-lb-health-checks +global +create\n/);
    assert.match(out, /\n {2}feature +multiclusteringress +global +create\n {6}config membership projects\/meshfleet-demo\/locations\/europe-west3\/memberships\/frankfurt\n/);
    assert.match(out, /\n {2}iam +roles\/container\.admin +project +create\n {6}member serviceAccount:service-123456789012@gcp-sa-multiclusteringress\.iam\.gserviceaccount\.com\n/);
    assert.match(out, /\n16 to create\.\n/);
    for (const item of ['firewall mesh-vpc-lb-health-checks', 'feature multiclusterservicediscovery', 'feature multiclusteringress', 'iam roles/container.admin', 'iam roles/compute.networkViewer']) {
      assert.match(out, new RegExp(`\\n {2}${item.replace(/\./g, '\\.')} +created +\\S+\\n`));
    }
    assert.match(out, /Done\.\n$/);
    provisioned = state;
  });

  test('a re-run is a no-op: everything exists, only reads are sent, nothing is asked', async () => {
    bin.clearCalls();
    gke.resetCalls();
    const { code, out } = await run({ yes: false });
    assert.equal(code, 0, out);
    assert.deepEqual(bin.writes(), []);
    assert.equal(gke.requests('CreateCluster').length, 0);
    assert.deepEqual(bin.calls().filter((c) => !c.startsWith('compute ')).sort(), [
      'container fleet ingress describe --project=meshfleet-demo --format=json',
      'container fleet multi-cluster-services describe --project=meshfleet-demo --format=json',
      'projects describe meshfleet-demo --format=json',
      'projects get-iam-policy meshfleet-demo --format=json',
    ], 'the policy is read once for both bindings');
    for (const row of [/feature +multiclusterservicediscovery +global +exists\n/, /feature +multiclusteringress +global +exists\n/,
      /iam +roles\/container\.admin +project +exists\n/, /iam +roles\/compute\.networkViewer +project +exists\n/, /firewall +mesh-vpc-lb-health-checks +global +exists\n/]) {
      assert.match(out, row);
    }
    assert.match(out, /\n16 exist\.\n\nNothing to change: everything is as config says\.\n$/);
  });

  test('a config membership that is not the config cluster is reported as differs, and left alone', async () => {
    const wrong = structuredClone(provisioned);
    wrong.features!.multiclusteringress.spec.multiclusteringress.configMembership = `projects/${PROJECT}/locations/southamerica-east1/memberships/saopaulo`;
    bin.seed(wrong);
    bin.clearCalls();
    const { code, out } = await run({ yes: false });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(
      '\\n {2}feature +multiclusteringress +global +differs \\(reported only; nothing is changed\\)\\n'
      + ` {6}config membership ${MEMBERSHIP}\\n`
      + ` {6}spec\\.multiclusteringress\\.configMembership \\(want ${MEMBERSHIP}, have projects/${PROJECT}/locations/southamerica-east1/memberships/saopaulo\\)\\n`
      + ` {6}to change it \\(provision does not\\): gcloud container fleet ingress update --config-membership=${MEMBERSHIP} --project=${PROJECT} `
      + "\\(re-points the load balancer's config; traffic may be interrupted\\)\\n",
    ));
    assert.match(out, /\n15 exist, 1 differ\.\n\nDifferences provision does not change, with their fix:\n  feature multiclusteringress \(global\): spec\.multiclusteringress\.configMembership \(want [^\n]*\n\nNothing provision changes is left to do; the differences above are yours to fix or accept\.\n$/);
    assert.deepEqual(bin.writes(), [], 'no enable, no update');
    assert.equal(bin.state().features!.multiclusteringress.spec.multiclusteringress.configMembership, `projects/${PROJECT}/locations/southamerica-east1/memberships/saopaulo`);
  });

  test('one failing command fails its item and what needs it; the others are created, and a re-run finishes', async () => {
    // The clusters and the network exist; the fleet items and the health-check rule do not.
    const partial = structuredClone(provisioned);
    delete partial.features;
    delete partial.iamPolicy;
    delete partial.compute![HEALTH_CHECK_RULE];
    bin.seed(partial);
    bin.clearCalls();
    const failed = await run({ fail: '^container fleet ingress enable ' });
    assert.equal(failed.code, 1, failed.out);
    assert.match(failed.out, /\n {2}feature multiclusteringress +failed +\S+ +gcloud container fleet ingress enable: fake failure: the test asked this command to fail\n/);
    assert.match(failed.out, /\n {2}iam roles\/container\.admin +skipped +0ms +needs feature multiclusteringress, which failed\n/);
    for (const item of ['firewall mesh-vpc-lb-health-checks', 'feature multiclusterservicediscovery', 'iam roles/compute.networkViewer']) {
      assert.match(failed.out, new RegExp(`\\n {2}${item.replace(/\./g, '\\.')} +created +\\S+\\n`));
    }
    assert.match(failed.out, /2 of 5 failed or skipped; fix the cause and re-run: what exists is kept\.\n$/);

    bin.clearCalls();
    const again = await run();
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /\n2 to create, 14 exist\.\n/);
    assert.deepEqual(bin.writes(), [
      `container fleet ingress enable --config-membership=${MEMBERSHIP} --project=${PROJECT}`,
      `projects add-iam-policy-binding ${PROJECT} --member=${MCI_AGENT} --role=roles/container.admin --condition=None --format=json`,
    ]);
  });

  test('an item that cannot be read needs attention; the others are planned as usual', async () => {
    bin.seed(provisioned);
    bin.clearCalls();
    const { code, out } = await run({ fail: '^projects describe ' });
    assert.equal(code, 1, out);
    assert.match(out, /\n {2}iam +roles\/container\.admin +project +needs attention: cannot read: the project number: gcloud projects describe meshfleet-demo: fake failure: the test asked this command to fail\n/);
    assert.match(out, /\n {2}iam +roles\/compute\.networkViewer +project +exists\n/);
    assert.match(out, /\n15 exist, 1 need attention\.\n\nNothing to change; see the items that need attention above\.\n$/);
  });
});

describe('plan only', () => {
  test('--dry-run sends nothing and shows every fleet and IAM command', async () => {
    bin.clearCalls();
    gke.resetCalls();
    const { code, out } = await run({ dryRun: true, offline: true, yes: false });
    assert.equal(code, 0, out);
    assert.deepEqual(bin.calls(), [], 'not even a read');
    assert.deepEqual(gke.calls, []);
    assert.match(out, /\n {2}feature +multiclusterservicediscovery +global +check, then create if missing\n/);
    assert.match(out, /\n {2}iam +roles\/container\.admin +project +check, then create if missing\n {6}member serviceAccount:service-PROJECT_NUMBER@gcp-sa-multiclusteringress\.iam\.gserviceaccount\.com\n/);
    const requests = out.slice(out.indexOf('\nReads:\n'));
    for (const command of [
      'gcloud projects describe meshfleet-demo --format=json',
      'gcloud compute firewall-rules describe mesh-vpc-lb-health-checks --project=meshfleet-demo --format=json',
      'gcloud container fleet multi-cluster-services describe --project=meshfleet-demo --format=json',
      'gcloud container fleet ingress describe --project=meshfleet-demo --format=json',
      'gcloud projects get-iam-policy meshfleet-demo --format=json',
      "gcloud compute firewall-rules create mesh-vpc-lb-health-checks --project=meshfleet-demo --network=mesh-vpc --direction=INGRESS --action=ALLOW --rules=tcp:80,tcp:443,tcp:15021 --source-ranges=35.191.0.0/16,130.211.0.0/22 --destination-ranges=10.100.0.0/14,10.108.0.0/14 --description='meshfleet: Google health checks and global load balancer proxies reach the ingress gateway pods' --format=json",
      'gcloud container fleet multi-cluster-services enable --project=meshfleet-demo',
      `gcloud container fleet ingress enable --config-membership=${MEMBERSHIP} --project=meshfleet-demo`,
      'gcloud projects add-iam-policy-binding meshfleet-demo --member=serviceAccount:service-PROJECT_NUMBER@gcp-sa-multiclusteringress.iam.gserviceaccount.com --role=roles/container.admin --condition=None --format=json',
      "gcloud projects add-iam-policy-binding meshfleet-demo --member='serviceAccount:meshfleet-demo.svc.id.goog[gke-mcs/gke-mcs-importer]' --role=roles/compute.networkViewer --condition=None --format=json",
    ]) {
      assert.ok(requests.includes(`\n  ${command}\n`), `dry run lacks:\n  ${command}\nin\n${requests}`);
    }
    assert.equal(requests.split('\n').filter((l) => l === '  gcloud projects get-iam-policy meshfleet-demo --format=json').length, 1, 'one policy read for both bindings');
    assert.match(out, /Dry run: no request was sent\.\n$/);
  });

  test('the default fleet (global entry off) plans none of these items', async () => {
    bin.clearCalls();
    const { code, out, err } = await run({ fleet: defaultFleet(), dryRun: true, offline: true });
    assert.equal(code, 0, out);
    assert.equal(err, '');
    assert.doesNotMatch(out, /fleet and IAM|lb-health-checks|\n {2}feature |\n {2}iam |container fleet|add-iam-policy-binding|get-iam-policy|projects describe/);
    assert.match(out, /\n11 to check\.\n/);
    assert.deepEqual(bin.calls(), []);
  });

  test('next to an emulator the fleet and IAM items are skipped with a notice, never sent to Google', async () => {
    const gcloud = new RecordingGcloud();
    const { code, out, err } = await runProvision(gke.address, { fleet: GLOBAL, gcloud, dryRun: true, offline: true });
    assert.equal(code, 0, out);
    assert.match(out, /\n {2}fleet and IAM: skipped \(no emulator for GKE Hub and IAM\)\n/);
    assert.match(out, /\n {2}feature +multiclusteringress +global +skipped: no fleet or IAM emulator\n/);
    assert.match(out, /\n {2}iam +roles\/compute\.networkViewer +project +skipped: no fleet or IAM emulator\n/);
    assert.match(out, /\n {2}firewall +mesh-vpc-lb-health-checks +global +check, then create if missing\n/, 'the rule is a compute step: it follows the compute emulator');
    assert.doesNotMatch(out, /container fleet|add-iam-policy-binding|projects describe/);
    assert.equal(err, 'notice: global entry fleet features and IAM bindings skipped: an emulator is in use, and GKE Hub and IAM have none; they run against Google Cloud only\n');
  });
});
