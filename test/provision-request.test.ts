/** The pure parts of provisioning: request builder, diffs, network steps, plan, rendering, backoff. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFleet } from '../config/load.ts';
import type { Cluster, Fleet } from '../config/model.ts';
import { applyItems } from '../scripts/provision/apply.ts';
import { clusterDifferences } from '../scripts/provision/cluster-diff.ts';
import { clusterRequest, type GkeCluster } from '../scripts/provision/cluster-request.ts';
import { endpointsFromEnv, parseHostPort } from '../scripts/provision/endpoints.ts';
import { formatDuration } from '../scripts/provision/format.ts';
import { fleetSteps, sameMembership } from '../scripts/provision/fleet-steps.ts';
import { commandLine, errorSummary, isNotFound } from '../scripts/provision/gcloud.ts';
import { networkSteps } from '../scripts/provision/network-steps.ts';
import { changesOf, planCluster, planGcloudStep } from '../scripts/provision/plan.ts';
import { Progress } from '../scripts/provision/progress.ts';
import { renderPlan } from '../scripts/provision/render.ts';
import { backoffDelay } from '../scripts/provision/retry.ts';
import { DEFAULT_TIMING, timingFromEnv } from '../scripts/provision/timing.ts';
import { selectClusters } from '../scripts/provision/run.ts';
import { Capture, defaultFleet } from './fake-gke/harness.ts';

const fleet = defaultFleet();
const [frankfurt, saopaulo] = fleet.clusters as [Cluster, Cluster];
/** config/examples/global-frontends.yaml: the global entry on, config cluster frankfurt, both clusters serving. */
const globalFleet = loadFleet(fileURLToPath(new URL('../config/examples/global-frontends.yaml', import.meta.url)));

/** The default fleet with some fields changed (the loaded one is frozen). */
function variant(gke: Partial<Fleet['gke']>, cluster: Partial<Cluster> = {}): { fleet: Fleet; cluster: Cluster } {
  const c = { ...frankfurt, ...cluster };
  return { fleet: { ...fleet, gke: { ...fleet.gke, ...gke }, clusters: [c, saopaulo] }, cluster: c };
}

describe('clusterRequest', () => {
  test('default fleet, primary: VPC-native, Workload Identity, private nodes by the current field', () => {
    const { parent, cluster } = clusterRequest(fleet, frankfurt);
    assert.equal(parent, 'projects/meshfleet-demo/locations/europe-west3');
    assert.equal(cluster.name, 'frankfurt');
    assert.equal(cluster.network, 'projects/meshfleet-demo/global/networks/mesh-vpc');
    assert.equal(cluster.subnetwork, 'projects/meshfleet-demo/regions/europe-west3/subnetworks/frankfurt');
    assert.deepEqual(cluster.ipAllocationPolicy, { useIpAliases: true, clusterSecondaryRangeName: 'frankfurt-pods', servicesSecondaryRangeName: 'frankfurt-services' });
    assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: 'meshfleet-demo.svc.id.goog' });
    assert.deepEqual(cluster.releaseChannel, { channel: 'REGULAR' });
    assert.deepEqual(cluster.networkConfig, { defaultEnablePrivateNodes: true });
    assert.deepEqual(cluster.privateClusterConfig, { masterIpv4CidrBlock: '172.16.0.0/28' });
    assert.equal(cluster.locations, undefined, 'no zones in config: GKE chooses');
    assert.equal(cluster.fleet, undefined);
    assert.deepEqual(cluster.resourceLabels, { 'meshfleet-mesh': 'mesh1', 'meshfleet-role': 'primary' });
    assert.deepEqual(cluster.nodePools, [{
      name: 'default', initialNodeCount: 1,
      config: {
        machineType: 'e2-standard-4', diskSizeGb: 100, spot: false,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'], workloadMetadataConfig: { mode: 'GKE_METADATA' },
      },
      autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 3 },
      management: { autoRepair: true, autoUpgrade: true },
    }]);
  });

  test('fleet registration, Gateway API, zones and config labels', () => {
    const v = variant({ fleetRegistration: true, gatewayApi: true }, { zones: ['europe-west3-a', 'europe-west3-b'], labels: { team: 'mesh', 'meshfleet-role': 'ignored' } });
    const { cluster } = clusterRequest(v.fleet, v.cluster);
    assert.deepEqual(cluster.fleet, { project: 'meshfleet-demo' });
    assert.deepEqual(cluster.networkConfig, { defaultEnablePrivateNodes: true, gatewayApiConfig: { channel: 'CHANNEL_STANDARD' } });
    assert.deepEqual(cluster.locations, ['europe-west3-a', 'europe-west3-b']);
    // The role label is derived; config cannot contradict it.
    assert.deepEqual(cluster.resourceLabels, { team: 'mesh', 'meshfleet-mesh': 'mesh1', 'meshfleet-role': 'primary' });
  });

  test('global-frontends: every cluster is registered to the fleet and has the Gateway API (the global entry turns both on)', () => {
    assert.equal(globalFleet.gke.fleetRegistration, true);
    assert.equal(globalFleet.gke.gatewayApi, true);
    for (const c of globalFleet.clusters) {
      const { cluster } = clusterRequest(globalFleet, c);
      assert.deepEqual(cluster.fleet, { project: 'meshfleet-demo' }, c.name);
      assert.equal(cluster.networkConfig?.gatewayApiConfig?.channel, 'CHANNEL_STANDARD', c.name);
      assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: 'meshfleet-demo.svc.id.goog' }, c.name);
    }
  });

  test('public nodes: no control-plane range is sent', () => {
    const v = variant({ privateNodes: false });
    const { cluster } = clusterRequest(v.fleet, v.cluster);
    assert.deepEqual(cluster.networkConfig, { defaultEnablePrivateNodes: false });
    assert.equal(cluster.privateClusterConfig, undefined);
  });

  test('a pool that may scale to zero still starts with one node per zone', () => {
    const v = variant({}, { nodePools: [{ ...frankfurt.nodePools[0]!, minNodes: 0 }] });
    const [pool] = clusterRequest(v.fleet, v.cluster).cluster.nodePools!;
    assert.equal(pool!.initialNodeCount, 1);
    assert.equal(pool!.autoscaling!.minNodeCount, 0);
  });
});

describe('clusterDifferences', () => {
  const request = clusterRequest(fleet, saopaulo);
  const want = request.cluster;

  test('what GKE echoes back (short network names, proto defaults) is no difference', () => {
    const live = structuredClone(want);
    live.network = 'mesh-vpc';
    live.subnetwork = 'saopaulo';
    live.fleet = null;
    live.resourceLabels = { ...live.resourceLabels, 'goog-managed': 'x' };
    assert.deepEqual(clusterDifferences(request, live), []);
  });

  test('names each field we set that differs, with both values', () => {
    const live = structuredClone(want);
    live.releaseChannel = { channel: 'RAPID' };
    live.nodePools![0]!.autoscaling!.minNodeCount = 0;
    live.nodePools![0]!.config!.spot = false;
    // A cluster made with the deprecated field is private all the same: no difference.
    live.networkConfig = {};
    live.privateClusterConfig = { enablePrivateNodes: true, masterIpv4CidrBlock: '172.16.0.16/28' };
    assert.deepEqual(clusterDifferences(request, live).map((d) => `${d.field}: ${d.want} → ${d.have}`), [
      'releaseChannel.channel: REGULAR → RAPID',
      'nodePools[default].config.spot: true → false',
      'nodePools[default].autoscaling.minNodeCount: 1 → 0',
    ]);
  });

  test('a node pool missing from the live cluster', () => {
    const live = { ...structuredClone(want), nodePools: [{ name: 'other' }] };
    assert.deepEqual(clusterDifferences(request, live).map((d) => [d.field, d.want, d.have, d.kind]), [
      ['nodePools[default]', 'present', 'missing', 'update'],
      ['nodePools[other]', 'absent', 'present', undefined],
    ]);
  });
});

describe('networkSteps', () => {
  test('VPC, subnets, firewall rules, router and NAT per region, in dependency order', () => {
    const steps = networkSteps(fleet);
    assert.deepEqual(steps.map((s) => s.id), [
      'network:mesh-vpc',
      'subnet:europe-west3/frankfurt', 'subnet:southamerica-east1/saopaulo',
      'firewall:mesh-vpc-mesh-internal', 'firewall:mesh-vpc-mesh-webhooks',
      'router:europe-west3/mesh-vpc-europe-west3', 'nat:europe-west3/mesh-vpc-europe-west3-nat',
      'router:southamerica-east1/mesh-vpc-southamerica-east1', 'nat:southamerica-east1/mesh-vpc-southamerica-east1-nat',
    ]);
    assert.deepEqual(steps.find((s) => s.kind === 'nat')!.needs, ['router:europe-west3/mesh-vpc-europe-west3']);
    assert.equal(commandLine(steps[0]!.create), 'gcloud compute networks create mesh-vpc --project=meshfleet-demo --subnet-mode=custom --bgp-routing-mode=regional --format=json');
  });

  test('the mesh firewall lists every node and pod range of the fleet, even for one selected cluster', () => {
    const steps = networkSteps(fleet, [saopaulo]);
    const mesh = steps.find((s) => s.id === 'firewall:mesh-vpc-mesh-internal')!;
    assert.ok(mesh.create.includes('--source-ranges=10.10.0.0/20,10.100.0.0/14,10.20.0.0/20,10.108.0.0/14'));
    assert.ok(mesh.create.includes('--rules=all'));
    const webhooks = steps.find((s) => s.id === 'firewall:mesh-vpc-mesh-webhooks')!;
    assert.ok(webhooks.create.includes('--source-ranges=172.16.0.0/28,172.16.0.16/28'));
    assert.ok(webhooks.create.includes('--rules=tcp:15017'));
    assert.deepEqual(steps.filter((s) => s.kind === 'subnet').map((s) => s.name), ['saopaulo']);
    assert.deepEqual(steps.filter((s) => s.kind === 'router').map((s) => s.location), ['southamerica-east1']);
  });

  test('public nodes need neither NAT nor the webhook rule', () => {
    const kinds = networkSteps(variant({ privateNodes: false }).fleet).map((s) => s.id);
    assert.ok(!kinds.some((k) => k.startsWith('router:') || k.startsWith('nat:') || k === 'firewall:mesh-vpc-mesh-webhooks'));
  });

  test('a NAT is found inside its router; a subnet is judged by its ranges', () => {
    const steps = networkSteps(fleet);
    const nat = steps.find((s) => s.kind === 'nat')!;
    assert.equal(planGcloudStep(nat, { name: 'mesh-vpc-europe-west3', nats: [] }).action, 'create');
    assert.equal(planGcloudStep(nat, { nats: [{ name: 'mesh-vpc-europe-west3-nat', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' }] }).action, 'exists');
    assert.equal(planGcloudStep(nat, null).action, 'create');
    const subnet = steps.find((s) => s.kind === 'subnet')!;
    const item = planGcloudStep(subnet, {
      network: 'https://www.googleapis.com/compute/v1/projects/meshfleet-demo/global/networks/mesh-vpc', ipCidrRange: '10.10.0.0/20', privateIpGoogleAccess: true,
      secondaryIpRanges: [{ rangeName: 'frankfurt-pods', ipCidrRange: '10.100.0.0/16' }, { rangeName: 'frankfurt-services', ipCidrRange: '10.104.0.0/20' }],
    });
    // A range in use cannot move: an error with the fix, never a change.
    assert.equal(item.action, 'broken');
    assert.equal(item.note, 'secondaryIpRanges[frankfurt-pods] cannot change in place');
    assert.deepEqual(item.differences.map((d) => [d.field, d.want, d.have, d.kind, d.fix]), [[
      'secondaryIpRanges[frankfurt-pods]', '10.100.0.0/14', '10.100.0.0/16', 'immutable',
      `a running cluster's ranges cannot change: put the live range back in ${fleet.file}, or add a new cluster with new ranges, move its workloads there and remove frankfurt`,
    ]]);
  });

  test('what provision owns is changed in place: a missing secondary range, private access, NAT ranges, firewall ranges', () => {
    const steps = networkSteps(fleet);
    const subnet = planGcloudStep(steps.find((s) => s.kind === 'subnet')!, {
      network: 'projects/meshfleet-demo/global/networks/mesh-vpc', ipCidrRange: '10.10.0.0/20', privateIpGoogleAccess: false,
      secondaryIpRanges: [{ rangeName: 'frankfurt-pods', ipCidrRange: '10.100.0.0/14' }],
    });
    assert.equal(subnet.action, 'update');
    assert.deepEqual(changesOf(subnet.differences).map((args) => commandLine(args)), [
      'gcloud compute networks subnets update frankfurt --project=meshfleet-demo --region=europe-west3 --add-secondary-ranges=frankfurt-services=10.104.0.0/20 --format=json',
      'gcloud compute networks subnets update frankfurt --project=meshfleet-demo --region=europe-west3 --enable-private-ip-google-access --format=json',
    ]);
    const nat = planGcloudStep(steps.find((s) => s.kind === 'nat')!, { nats: [{ name: 'mesh-vpc-europe-west3-nat', sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS' }] });
    assert.equal(nat.action, 'update');
    assert.deepEqual(changesOf(nat.differences).map((args) => commandLine(args)), [
      'gcloud compute routers nats update mesh-vpc-europe-west3-nat --project=meshfleet-demo --region=europe-west3 --router=mesh-vpc-europe-west3 --nat-all-subnet-ip-ranges --format=json',
    ]);
    // Two fields of one rule differ: one update sets both.
    const rule = planGcloudStep(steps.find((s) => s.id === 'firewall:mesh-vpc-mesh-internal')!, {
      network: 'projects/meshfleet-demo/global/networks/mesh-vpc', direction: 'INGRESS', sourceRanges: ['10.10.0.0/20'], allowed: [{ IPProtocol: 'tcp' }],
    });
    assert.equal(rule.action, 'update');
    assert.deepEqual(rule.differences.map((d) => `${d.field}: ${d.want} → ${d.have}`), [
      'sourceRanges: [10.10.0.0/20, 10.100.0.0/14, 10.20.0.0/20, 10.108.0.0/14] → [10.10.0.0/20]',
      'allowed: [all] → [tcp]',
    ]);
    assert.deepEqual(changesOf(rule.differences).map((args) => commandLine(args)), [
      'gcloud compute firewall-rules update mesh-vpc-mesh-internal --project=meshfleet-demo --rules=all --source-ranges=10.10.0.0/20,10.100.0.0/14,10.20.0.0/20,10.108.0.0/14 --no-disabled --format=json',
    ]);
    // A rule on another network cannot be moved: delete it and re-run.
    const other = planGcloudStep(steps.find((s) => s.id === 'firewall:mesh-vpc-mesh-internal')!, {
      network: 'projects/meshfleet-demo/global/networks/default', direction: 'INGRESS', sourceRanges: ['10.10.0.0/20', '10.100.0.0/14', '10.20.0.0/20', '10.108.0.0/14'], allowed: [{ IPProtocol: 'all' }],
    });
    assert.equal(other.action, 'broken');
    assert.equal(other.differences[0]!.fix, 'gcloud compute firewall-rules delete mesh-vpc-mesh-internal --project=meshfleet-demo, then re-run provision');
  });
});

describe('global entry steps', () => {
  const number = '123456789012';
  const steps = fleetSteps(globalFleet, globalFleet.clusters, number);
  const step = (id: string) => steps.find((s) => s.id === id)!;

  test('the health-check rule: Google\'s ranges to the serving clusters\' pods on the gateway ports, after the VPC', () => {
    const rules = networkSteps(globalFleet).filter((s) => s.kind === 'firewall');
    assert.deepEqual(rules.map((s) => s.name), ['mesh-vpc-mesh-internal', 'mesh-vpc-mesh-webhooks', 'mesh-vpc-lb-health-checks']);
    const rule = rules[2]!;
    assert.deepEqual(rule.needs, ['network:mesh-vpc']);
    assert.equal(commandLine(rule.create), "gcloud compute firewall-rules create mesh-vpc-lb-health-checks --project=meshfleet-demo --network=mesh-vpc --direction=INGRESS --action=ALLOW --rules=tcp:80,tcp:443,tcp:15021 --source-ranges=35.191.0.0/16,130.211.0.0/22 --destination-ranges=10.100.0.0/14,10.108.0.0/14 --description='meshfleet: Google health checks and global load balancer proxies reach the ingress gateway pods' --format=json");
    // gcloud's grouping of ports does not matter; a missing port or a wider destination does.
    const live = {
      network: 'https://www.googleapis.com/compute/v1/projects/meshfleet-demo/global/networks/mesh-vpc', direction: 'INGRESS',
      sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'], destinationRanges: ['10.100.0.0/14', '10.108.0.0/14'],
      allowed: [{ IPProtocol: 'tcp', ports: ['80', '443', '15021'] }],
    };
    assert.equal(planGcloudStep(rule, live).action, 'exists');
    assert.deepEqual(planGcloudStep(rule, { ...live, destinationRanges: undefined, allowed: [{ IPProtocol: 'tcp', ports: ['80'] }] }).differences.map((d) => d.field), ['destinationRanges', 'allowed']);
  });

  test('the default fleet has none of them', () => {
    assert.deepEqual(fleetSteps(fleet), []);
    assert.ok(!networkSteps(fleet).some((s) => s.name.endsWith('lb-health-checks')));
  });

  test('features after the clusters, bindings after their feature; one policy read for both bindings', () => {
    assert.deepEqual(steps.map((s) => [s.id, s.needs]), [
      ['feature:multiclusterservicediscovery', ['cluster:europe-west3/frankfurt', 'cluster:southamerica-east1/saopaulo']],
      ['feature:multiclusteringress', ['feature:multiclusterservicediscovery', 'cluster:europe-west3/frankfurt']],
      ['iam:roles/container.admin', ['feature:multiclusteringress']],
      ['iam:roles/compute.networkViewer', ['feature:multiclusterservicediscovery']],
    ]);
    assert.deepEqual(steps.map((s) => commandLine(s.create)), [
      'gcloud container fleet multi-cluster-services enable --project=meshfleet-demo',
      'gcloud container fleet ingress enable --config-membership=projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt --project=meshfleet-demo',
      'gcloud projects add-iam-policy-binding meshfleet-demo --member=serviceAccount:service-123456789012@gcp-sa-multiclusteringress.iam.gserviceaccount.com --role=roles/container.admin --condition=None --format=json',
      "gcloud projects add-iam-policy-binding meshfleet-demo --member='serviceAccount:meshfleet-demo.svc.id.goog[gke-mcs/gke-mcs-importer]' --role=roles/compute.networkViewer --condition=None --format=json",
    ]);
    assert.equal(new Set(steps.filter((s) => s.kind === 'iam').map((s) => commandLine(s.describe))).size, 1);
    // Only saopaulo selected: the config cluster is not in this run, so MCI waits for MCS only.
    const onlySaopaulo = globalFleet.clusters.filter((c) => c.name === 'saopaulo');
    assert.deepEqual(fleetSteps(globalFleet, onlySaopaulo)[1]!.needs, ['feature:multiclusterservicediscovery']);
  });

  test('multi-cluster ingress: the config membership is compared by location and name, the project by id or number', () => {
    const mci = step('feature:multiclusteringress');
    const feature = (configMembership?: string) => ({ name: 'x', spec: configMembership ? { multiclusteringress: { configMembership } } : {} });
    assert.equal(planGcloudStep(mci, null).action, 'create');
    assert.equal(planGcloudStep(mci, feature('projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt')).action, 'exists');
    assert.equal(planGcloudStep(mci, feature(`projects/${number}/locations/europe-west3/memberships/frankfurt`)).action, 'exists');
    const other = planGcloudStep(mci, feature('projects/meshfleet-demo/locations/global/memberships/frankfurt'));
    assert.equal(other.action, 'differs');
    assert.deepEqual(other.differences, [{
      field: 'spec.multiclusteringress.configMembership',
      want: 'projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt',
      have: 'projects/meshfleet-demo/locations/global/memberships/frankfurt',
    }]);
    assert.equal(other.note, undefined);
    assert.deepEqual(renderPlan([other]).slice(1), [
      '  feature  multiclusteringress  global    differs (reported only; nothing is changed)',
      '      config membership projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt',
      '      spec.multiclusteringress.configMembership (want projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt, have projects/meshfleet-demo/locations/global/memberships/frankfurt)',
      "      to change it (provision does not): gcloud container fleet ingress update --config-membership=projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt --project=meshfleet-demo (re-points the load balancer's config; traffic may be interrupted)",
      '1 differ.',
    ]);
    assert.deepEqual(planGcloudStep(mci, feature()).differences.map((d) => d.have), ['unset']);
    assert.ok(!sameMembership('projects/meshfleet-demo/locations/europe-west3/memberships/frankfurt', 'projects/other/locations/europe-west3/memberships/frankfurt', 'meshfleet-demo', number));
  });

  test('IAM: only an unconditional binding of the role holding the member counts', () => {
    const viewer = step('iam:roles/compute.networkViewer');
    const member = 'serviceAccount:meshfleet-demo.svc.id.goog[gke-mcs/gke-mcs-importer]';
    const policy = (bindings: unknown[]) => ({ version: 3, etag: 'x', bindings });
    assert.equal(planGcloudStep(viewer, policy([{ role: 'roles/compute.networkViewer', members: ['user:a@example.com', member] }])).action, 'exists');
    assert.equal(planGcloudStep(viewer, policy([{ role: 'roles/compute.networkViewer', members: [member], condition: { title: 'until 2027' } }])).action, 'create');
    assert.equal(planGcloudStep(viewer, policy([{ role: 'roles/compute.admin', members: [member] }])).action, 'create');
    assert.equal(planGcloudStep(viewer, policy([])).action, 'create');
  });

  test('an unreadable item needs attention, with the reason', () => {
    const item = planGcloudStep(step('feature:multiclusterservicediscovery'), new Error('gcloud container fleet multi-cluster-services describe: PERMISSION_DENIED'));
    assert.equal(item.action, 'broken');
    assert.equal(item.note, 'cannot read: gcloud container fleet multi-cluster-services describe: PERMISSION_DENIED');
  });

  test('gcloud says "not enabled" for a fleet feature that does not exist', () => {
    assert.ok(isNotFound('ERROR: (gcloud.container.fleet.ingress.describe) Ingress Feature for project [meshfleet-demo] is not enabled\n'));
    assert.ok(isNotFound('ERROR: (gcloud.container.fleet.multi-cluster-services.describe) Multi-cluster Services Feature for project [p] is not enabled\n'));
    // A disabled API is a failure, not an absent feature.
    assert.ok(!isNotFound('ERROR: (gcloud.container.fleet.ingress.describe) PERMISSION_DENIED: GKE Hub API has not been used in project p before or it is disabled.\n'));
    assert.ok(!isNotFound('ERROR: (gcloud.projects.describe) Projects instance [p] not found: Resource not found.\n'));
  });
});

describe('plan', () => {
  const request = clusterRequest(fleet, frankfurt);
  const live = (status: GkeCluster['status'], extra = {}): GkeCluster => ({ ...structuredClone(request.cluster), status, ...extra });

  test('cluster actions by live status', () => {
    assert.equal(planCluster(frankfurt, request, undefined).action, 'unknown');
    assert.equal(planCluster(frankfurt, request, null).action, 'create');
    assert.equal(planCluster(frankfurt, request, live('RUNNING')).action, 'exists');
    assert.equal(planCluster(frankfurt, request, live('RECONCILING')).note, 'RECONCILING');
    assert.equal(planCluster(frankfurt, request, live('PROVISIONING')).action, 'wait');
    const broken = planCluster(frankfurt, request, live('ERROR', { statusMessage: 'quota' }));
    assert.equal(broken.action, 'broken');
    assert.equal(broken.note, 'ERROR: quota; delete it in the console or with gcloud, then re-run');
    assert.equal(planCluster(frankfurt, request, live('STOPPING')).action, 'broken');
  });

  test('rendering: one row per item, differences below, counts last', () => {
    const items = [
      planCluster(frankfurt, request, null),
      planCluster(saopaulo, clusterRequest(fleet, saopaulo), { ...structuredClone(clusterRequest(fleet, saopaulo).cluster), status: 'RUNNING', releaseChannel: { channel: 'STABLE' } }),
    ];
    assert.deepEqual(renderPlan(items), [
      '  KIND     NAME       LOCATION            ACTION',
      '  cluster  frankfurt  europe-west3        create',
      '  cluster  saopaulo   southamerica-east1  differs (reported only; nothing is changed)',
      '      releaseChannel.channel (want REGULAR, have STABLE) [security drift]',
      '1 to create, 1 differ.',
    ]);
  });
});

describe('applyItems', () => {
  test('an item runs after what it needs; a failure skips its dependants only', async () => {
    const item = (id: string, needs: string[] = []) => ({ ...planCluster(frankfurt, clusterRequest(fleet, frankfurt), null, { needs }), id, name: id });
    const order: string[] = [];
    const results = await applyItems([item('c', ['b']), item('b', ['a']), item('a'), item('d', ['x'])], async (i) => {
      order.push(i.id);
      return { item: i, result: i.id === 'b' ? 'failed' : 'created', durationMs: 0 };
    });
    assert.deepEqual(order, ['a', 'd', 'b']);
    assert.deepEqual(results.map((r) => `${r.item.id} ${r.result}${r.detail ? ` (${r.detail})` : ''}`),
      ['c skipped (needs cluster b, which failed)', 'b failed', 'a created', 'd created']);
  });
});

describe('environment and helpers', () => {
  test('emulator addresses', () => {
    assert.deepEqual(parseHostPort('X', '127.0.0.1:8085'), { host: '127.0.0.1', port: 8085 });
    assert.deepEqual(parseHostPort('X', '[::1]:9000'), { host: '::1', port: 9000 });
    assert.deepEqual(parseHostPort('X', 'http://localhost:80/'), { host: 'localhost', port: 80 });
    assert.throws(() => parseHostPort('GKE_EMULATOR_HOST', 'localhost'), { message: 'GKE_EMULATOR_HOST must be HOST:PORT, e.g. 127.0.0.1:8085 (got "localhost")' });
    assert.throws(() => parseHostPort('X', 'h:70000'), /must be HOST:PORT/);
  });

  test('network steps follow COMPUTE_EMULATOR_HOST, are skipped beside a GKE emulator, else go to Google', () => {
    assert.deepEqual(endpointsFromEnv({}), { compute: { mode: 'google' } });
    assert.deepEqual(endpointsFromEnv({ GKE_EMULATOR_HOST: 'h:1' }).compute, { mode: 'skip', reason: 'GKE_EMULATOR_HOST is set and COMPUTE_EMULATOR_HOST is not' });
    assert.deepEqual(endpointsFromEnv({ GKE_EMULATOR_HOST: 'h:1', COMPUTE_EMULATOR_HOST: '127.0.0.1:2' }),
      { gkeEmulator: { host: 'h', port: 1 }, compute: { mode: 'emulator', url: 'http://127.0.0.1:2/compute/v1/' } });
  });

  test('--cluster selection keeps fleet order and names unknown clusters', () => {
    assert.deepEqual(selectClusters(fleet, ['saopaulo', 'frankfurt']).map((c) => c.name), ['frankfurt', 'saopaulo']);
    assert.throws(() => selectClusters(fleet, ['tokyo', 'x']), { message: 'unknown clusters tokyo, x (expected one of frankfurt, saopaulo)' });
  });

  test('backoff doubles, is capped, and is jittered within [½, 1] of the step', () => {
    assert.deepEqual([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 100, 500, () => 1)), [100, 200, 400, 500, 500]);
    assert.deepEqual([0, 1, 2].map((n) => backoffDelay(n, 100, 500, () => 0)), [50, 100, 200]);
    assert.deepEqual(timingFromEnv({}), DEFAULT_TIMING);
    const t = timingFromEnv({ MESHFLEET_RETRY_DELAY_MS: '2', MESHFLEET_POLL_INTERVAL_MS: '5', MESHFLEET_POLL_TIMEOUT_MS: '100' });
    assert.deepEqual([t.retry.initialMs, t.retry.maxMs, t.poll.initialMs, t.poll.maxMs, t.poll.timeoutMs], [2, 60, 5, 30, 100]);
    assert.deepEqual(timingFromEnv({ MESHFLEET_RETRY_DELAY_MS: 'soon' }).retry, DEFAULT_TIMING.retry);
  });

  test('gcloud output: not-found detection and one-line errors', () => {
    assert.ok(isNotFound("ERROR: (gcloud.compute.networks.describe) Could not fetch resource:\n - The resource 'projects/p/global/networks/x' was not found\n"));
    assert.ok(!isNotFound('ERROR: (gcloud.compute.networks.describe) Could not fetch resource:\n - Required permission denied\n'));
    assert.equal(
      errorSummary(['compute', 'routers', 'create', 'r1', '--region=x'], 'Creating router [r1]...\n....failed.\nERROR: (gcloud.compute.routers.create) Could not fetch resource:\n - Quota exceeded\n'),
      'gcloud compute routers create r1: Could not fetch resource: Quota exceeded',
    );
    assert.equal(commandLine(['x', "--description=it's here", 'a b']), "gcloud x --description='it'\\''s here' 'a b'");
  });

  test('durations', () => {
    assert.deepEqual([12, 1234, 65_000, 3_725_000].map(formatDuration), ['12ms', '1.2s', '1m05s', '1h02m']);
  });
});

describe('Progress', () => {
  test('not a terminal: a plain line per change, nothing for repeats', () => {
    const out = new Capture(false);
    let now = 0;
    const p = new Progress(out, ['cluster a', 'cluster bb'], { now: () => now });
    p.start('cluster a', 'sending CreateCluster');
    p.update('cluster a', 'sending CreateCluster');
    now = 65_000;
    p.finish('cluster a', 'created');
    p.stop();
    assert.equal(out.text, '  cluster a       0ms  sending CreateCluster\n  cluster a     1m05s  created\n');
  });

  test('not a terminal: a running item is repeated as a heartbeat', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const out = new Capture(false);
    let now = 0;
    const p = new Progress(out, ['cluster a', 'cluster b'], { heartbeatMs: 60_000, now: () => now });
    p.start('cluster a', 'creating');
    for (const minute of [1, 2]) {
      now = minute * 60_000;
      t.mock.timers.tick(60_000);
    }
    p.stop();
    assert.equal(out.text, '  cluster a      0ms  creating\n  cluster a    1m00s  creating\n  cluster a    2m00s  creating\n');
  });

  test('terminal: every line redrawn in place', () => {
    const out = new Capture(true);
    const p = new Progress(out, ['a', 'b'], { now: () => 0, tickMs: 60_000 });
    p.update('b', 'creating');
    p.stop();
    const frames = out.text.split(/(?=\x1b\[2F)/);
    assert.equal(frames.length, 3, 'first frame, update, final frame');
    assert.match(frames[1]!, /^\x1b\[2F\x1b\[2K {2}a {6}0ms {2}waiting\n\x1b\[2K {2}b {6}0ms {2}creating\n$/);
  });
});
