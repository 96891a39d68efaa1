/**
 * The network pieces the fleet needs, as gcloud commands: the VPC, a subnet per cluster with its
 * pod and service ranges, the firewall rules of the flat mesh network (and, with the global entry,
 * the one for Google's load balancer) and, for private nodes, a Cloud Router with Cloud NAT per
 * region. Each step also says how an existing resource is brought to config: the fields provision
 * changes in place (with the gcloud command that does it) and those it must not change (an error
 * with the fix). Pure: builds commands, runs nothing.
 */
import { INGRESS } from '../../charts/istio/names.ts';
import type { Cluster, Fleet } from '../../config/model.ts';
import { compareField, type Difference } from './differences.ts';
import { commandLine } from './gcloud.ts';
import {
  healthCheckFirewallName, meshFirewallName, natName, podsRangeName, routerName, servicesRangeName, subnetName, webhookFirewallName,
} from './names.ts';

export type NetworkKind = 'network' | 'subnet' | 'firewall' | 'router' | 'nat';

/** Live state of one resource as gcloud prints it (`--format=json`). */
export type Described = Record<string, unknown>;

/** One resource made with gcloud: how to read it, how to create it, how to judge what exists. */
export interface GcloudStep<K extends string = string> {
  /** Unique id, also used in `needs`: `subnet:europe-west3/frankfurt`. */
  readonly id: string;
  readonly kind: K;
  readonly name: string;
  /** Region, `global`, or `project` (IAM). */
  readonly location: string;
  /** Plan items that must succeed first (steps or clusters). */
  readonly needs: readonly string[];
  /** gcloud arguments that print the resource as JSON (for a NAT: its router). */
  readonly describe: readonly string[];
  /** gcloud arguments that create it. */
  readonly create: readonly string[];
  /** This step's resource within what `describe` printed, or undefined when it is absent. */
  readonly find: (described: Described) => Described | undefined;
  /**
   * Fields of an existing resource that differ from config. An `update` difference carries the
   * gcloud arguments that change it (`change`); differences sharing a command run it once.
   */
  readonly differences: (live: Described) => Difference<GcloudArgs>[];
  /** Shown under the plan row: what the item is about when its name cannot say it (a member, a membership). */
  readonly detail?: string;
  /** When the resource differs: the command that would change it, for a human. Shown, never run. */
  readonly remedy?: string;
  /** Steps with the same key are created one at a time (one IAM policy is read-modify-write). */
  readonly serial?: string;
}

/** One network resource. */
export type NetworkStep = GcloudStep<NetworkKind>;

/** Arguments of one gcloud command. */
export type GcloudArgs = readonly string[];

/** An in-place change by gcloud: `fix` shows the command, `change` holds it. */
const gcloudUpdate = (args: GcloudArgs) => ({ kind: 'update' as const, fix: commandLine(args), change: args });

/** Istio's sidecar-injector and validation webhooks listen here; GKE's own rules open only 443/10250. */
export const ISTIOD_WEBHOOK_PORT = 15017;

/** Where Google's health checks and global load balancer proxies come from (Google's "firewall rules" for load balancing). */
export const GOOGLE_LB_RANGES: readonly string[] = ['35.191.0.0/16', '130.211.0.0/22'];

/**
 * Ports of the ingress gateway pods the global load balancer reaches: the gateway chart's container
 * ports for HTTP and HTTPS (80 and 443, the same as its Service ports) and the status port its
 * health check probes (15021, `/healthz/ready`).
 */
export const INGRESS_POD_PORTS: readonly number[] = [INGRESS.httpPort, 443, INGRESS.statusPort];

/**
 * Every network step for `clusters` (default: all) in dependency order. The VPC and the firewall
 * rules are fleet-wide (the rules always list every cluster's ranges); subnets, routers and NATs
 * follow the selected clusters.
 */
export function networkSteps(fleet: Fleet, clusters: readonly Cluster[] = fleet.clusters): NetworkStep[] {
  const project = [`--project=${fleet.project}`];
  const json = ['--format=json'];
  const vpc = fleet.network.name;
  const networkId = `network:${vpc}`;
  const steps: NetworkStep[] = [];

  steps.push({
    id: networkId, kind: 'network', name: vpc, location: 'global', needs: [],
    describe: ['compute', 'networks', 'describe', vpc, ...project, ...json],
    // Custom mode: subnets are only the ones listed here, with ranges that cannot collide.
    create: ['compute', 'networks', 'create', vpc, ...project, '--subnet-mode=custom', '--bgp-routing-mode=regional', ...json],
    find: (d) => d,
    differences: (live) => {
      const out: Difference<GcloudArgs>[] = [];
      // Switching to custom mode cannot be undone, and keeps the auto subnets: a human's decision.
      compareField(out, 'autoCreateSubnetworks', false, live.autoCreateSubnetworks, {
        kind: 'immutable', fix: `${commandLine(['compute', 'networks', 'update', vpc, ...project, '--switch-to-custom-subnet-mode'])} (one-way; the auto-mode subnets stay)`,
      });
      return out;
    },
  });

  for (const cluster of clusters) {
    const name = subnetName(cluster);
    const secondary = { [podsRangeName(cluster)]: cluster.ranges.pods, [servicesRangeName(cluster)]: cluster.ranges.services };
    steps.push({
      id: subnetId(cluster), kind: 'subnet', name, location: cluster.region, needs: [networkId],
      describe: ['compute', 'networks', 'subnets', 'describe', name, ...project, `--region=${cluster.region}`, ...json],
      create: [
        'compute', 'networks', 'subnets', 'create', name, ...project, `--region=${cluster.region}`, `--network=${vpc}`,
        `--range=${cluster.ranges.nodes}`,
        `--secondary-range=${Object.entries(secondary).map(([k, v]) => `${k}=${v}`).join(',')}`,
        // Private nodes reach Google APIs (Artifact Registry, logging) without public IPs.
        '--enable-private-ip-google-access',
        ...json,
      ],
      find: (d) => d,
      differences: (live) => {
        const out: Difference<GcloudArgs>[] = [];
        const update = ['compute', 'networks', 'subnets', 'update', name, ...project, `--region=${cluster.region}`];
        // The cluster's nodes, pods and Services live in these ranges: they cannot move under it.
        const replace = `a running cluster's ranges cannot change: put the live range back in ${fleetFileOf(fleet)}, or add a new cluster with new ranges, move its workloads there and remove ${cluster.name}`;
        compareField(out, 'network', vpc, lastSegment(live.network), { kind: 'immutable', fix: `subnet ${name} belongs to another network: delete it (gcloud compute networks subnets delete ${name} --region=${cluster.region}) or rename the cluster` });
        compareField(out, 'ipCidrRange', cluster.ranges.nodes, live.ipCidrRange, { kind: 'immutable', fix: replace });
        const liveRanges = (live.secondaryIpRanges as { rangeName?: string; ipCidrRange?: string }[] | undefined) ?? [];
        for (const [rangeName, range] of Object.entries(secondary)) {
          const have = liveRanges.find((r) => r.rangeName === rangeName)?.ipCidrRange;
          // A missing secondary range can be added; a different one is in use.
          compareField(out, `secondaryIpRanges[${rangeName}]`, range, have,
            have === undefined ? gcloudUpdate([...update, `--add-secondary-ranges=${rangeName}=${range}`, ...json]) : { kind: 'immutable', fix: replace });
        }
        compareField(out, 'privateIpGoogleAccess', true, live.privateIpGoogleAccess, gcloudUpdate([...update, '--enable-private-ip-google-access', ...json]));
        return out;
      },
    });
  }

  // Pods are alias IPs of their node's NIC, so a rule on the VMs covers pod-to-pod traffic too;
  // Istio's cross-cluster ports (15012 xDS, 15017 webhooks, 15443 east-west) are inside "all".
  const meshSources = fleet.clusters.flatMap((c) => [c.ranges.nodes, c.ranges.pods]);
  steps.push(firewallStep(fleet, meshFirewallName(fleet), networkId, {
    sources: meshSources, rules: ['all'],
    description: 'meshfleet: nodes and pods of every fleet cluster reach each other (flat mesh network)',
  }));

  // A remote's API server calls the primary's istiod webhooks; GKE's automatic rules for private
  // control planes open only 443 and 10250, so Istio's GKE guide asks for 15017 explicitly.
  const controlPlanes = fleet.gke.privateNodes ? fleet.clusters.flatMap((c) => (c.ranges.controlPlane ? [c.ranges.controlPlane] : [])) : [];
  if (controlPlanes.length > 0) {
    steps.push(firewallStep(fleet, webhookFirewallName(fleet), networkId, {
      sources: controlPlanes, rules: [`tcp:${ISTIOD_WEBHOOK_PORT}`],
      description: 'meshfleet: private GKE control planes reach the istiod webhooks',
    }));
  }

  // The global entry's load balancer sends to the ingress gateway pods themselves (container-native
  // NEGs: pod IP and port), from Google's ranges, which the VPC denies by default. Only the serving
  // clusters' pod ranges are opened, for every serving cluster even when only some are selected.
  const entry = fleet.globalEntry;
  if (entry) {
    const serving = fleet.clusters.filter((c) => entry.servingClusters.includes(c.name));
    steps.push(firewallStep(fleet, healthCheckFirewallName(fleet), networkId, {
      sources: [...GOOGLE_LB_RANGES], destinations: serving.map((c) => c.ranges.pods), rules: INGRESS_POD_PORTS.map((p) => `tcp:${p}`),
      description: 'meshfleet: Google health checks and global load balancer proxies reach the ingress gateway pods',
    }));
  }

  // Private nodes have no public IP: without NAT, Flux cannot clone the git repository and
  // images from public registries (Bookinfo's on docker.io) cannot be pulled.
  if (fleet.gke.privateNodes) {
    for (const region of unique(clusters.map((c) => c.region))) {
      const router = routerName(fleet, region);
      const routerId = `router:${region}/${router}`;
      const describeRouter = ['compute', 'routers', 'describe', router, ...project, `--region=${region}`, ...json];
      steps.push({
        id: routerId, kind: 'router', name: router, location: region, needs: [networkId],
        describe: describeRouter,
        create: ['compute', 'routers', 'create', router, ...project, `--region=${region}`, `--network=${vpc}`, ...json],
        find: (d) => d,
        differences: (live) => {
          const out: Difference<GcloudArgs>[] = [];
          compareField(out, 'network', vpc, lastSegment(live.network), {
            kind: 'immutable', fix: `router ${router} belongs to another network: delete it (gcloud compute routers delete ${router} --region=${region}) and re-run`,
          });
          return out;
        },
      });
      const nat = natName(fleet, region);
      steps.push({
        id: `nat:${region}/${nat}`, kind: 'nat', name: nat, location: region, needs: [routerId],
        describe: describeRouter,
        create: [
          'compute', 'routers', 'nats', 'create', nat, ...project, `--region=${region}`, `--router=${router}`,
          '--auto-allocate-nat-external-ips', '--nat-all-subnet-ip-ranges', ...json,
        ],
        find: (d) => (d.nats as Described[] | undefined)?.find((n) => n.name === nat),
        differences: (live) => {
          const out: Difference<GcloudArgs>[] = [];
          compareField(out, 'sourceSubnetworkIpRangesToNat', 'ALL_SUBNETWORKS_ALL_IP_RANGES', live.sourceSubnetworkIpRangesToNat,
            gcloudUpdate(['compute', 'routers', 'nats', 'update', nat, ...project, `--region=${region}`, `--router=${router}`, '--nat-all-subnet-ip-ranges', ...json]));
          return out;
        },
      });
    }
  }
  return steps;
}

/** Id of the subnet step of a cluster (a cluster's creation needs it). */
export const subnetId = (cluster: Pick<Cluster, 'name' | 'region'>): string => `subnet:${cluster.region}/${subnetName(cluster)}`;

/** What a firewall rule allows: from where, to where (default: every instance of the VPC), which protocols and ports. */
interface FirewallRule {
  readonly sources: readonly string[];
  readonly destinations?: readonly string[];
  /** gcloud `--rules` entries: `all`, `tcp:15017`, … */
  readonly rules: readonly string[];
  readonly description: string;
}

function firewallStep(fleet: Fleet, name: string, networkId: string, rule: FirewallRule): NetworkStep {
  const vpc = fleet.network.name;
  const { sources, destinations, rules } = rule;
  return {
    id: `firewall:${name}`, kind: 'firewall', name, location: 'global', needs: [networkId],
    describe: ['compute', 'firewall-rules', 'describe', name, `--project=${fleet.project}`, '--format=json'],
    create: [
      'compute', 'firewall-rules', 'create', name, `--project=${fleet.project}`, `--network=${vpc}`,
      '--direction=INGRESS', '--action=ALLOW', `--rules=${rules.join(',')}`, `--source-ranges=${sources.join(',')}`,
      ...(destinations ? [`--destination-ranges=${destinations.join(',')}`] : []),
      `--description=${rule.description}`, '--format=json',
    ],
    find: (d) => d,
    differences: (live) => {
      const out: Difference<GcloudArgs>[] = [];
      const recreate = { kind: 'immutable' as const, fix: `${commandLine(['compute', 'firewall-rules', 'delete', name, `--project=${fleet.project}`])}, then re-run provision` };
      compareField(out, 'network', vpc, lastSegment(live.network), recreate);
      compareField(out, 'direction', 'INGRESS', live.direction, recreate);
      // One update sets every field provision owns, so a re-run after it finds nothing to do.
      const update = gcloudUpdate([
        'compute', 'firewall-rules', 'update', name, `--project=${fleet.project}`, `--rules=${rules.join(',')}`, `--source-ranges=${sources.join(',')}`,
        ...(destinations ? [`--destination-ranges=${destinations.join(',')}`] : []), '--no-disabled', '--format=json',
      ]);
      compareField(out, 'sourceRanges', sources, live.sourceRanges, update);
      if (destinations) compareField(out, 'destinationRanges', destinations, live.destinationRanges, update);
      // gcloud may group ports by protocol or not; compare as protocol:port pairs.
      const allowed = (live.allowed as { IPProtocol?: string; ports?: string[] }[] | undefined) ?? [];
      const liveRules = allowed.flatMap((a) => (a.ports?.length ? a.ports.map((p) => `${a.IPProtocol}:${p}`) : [a.IPProtocol ?? '']));
      compareField(out, 'allowed', rules, liveRules, update);
      compareField(out, 'disabled', false, live.disabled, update);
      return out;
    },
  };
}

export const lastSegment = (value: unknown): string | undefined => (typeof value === 'string' ? value.split('/').pop() : undefined);
/** The fleet file, for messages that tell the user what to edit. */
const fleetFileOf = (fleet: Fleet): string => fleet.file;
const unique = <T>(values: T[]): T[] => [...new Set(values)];
