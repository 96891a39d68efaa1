/**
 * Cross-field rules of the fleet file: what a schema cannot say about one field alone (the rules
 * of an app definition are in app-rules.ts). Each rule reports through the `Reporter` at the exact
 * field that must change, with the value and what was expected.
 */
import * as provisionNames from '../scripts/provision/names.ts';
import { contains, hasHostBits, parseCidr, overlaps, type Cidr } from './cidr.ts';
import type { Reporter } from './load.ts';
import { hasEastWestGateway, hasIngress } from './model.ts';
import { checkIstio } from './istio-rules.ts';
import { isKnownRegion } from './regions.ts';
import type { ClusterData, FleetData } from './schema.ts';

/** The sections of a fleet file that passed the schema: rules run on what is valid. */
export type PartialFleet = { readonly [K in keyof FleetData]?: FleetData[K] };

/** Whether the fleet file itself sets a value at `path` (rather than leaving it to its default). */
export type Given = (path: readonly PropertyKey[]) => boolean;

const RANGE_KINDS = ['nodes', 'pods', 'services', 'controlPlane'] as const;

/**
 * Rules across the fleet file. Runs on the sections that are valid; returns the names that
 * references to clusters may use (the clusters, plus a name a duplicate entry presumably meant:
 * its references are not reported again).
 */
export function checkFleet(fleet: PartialFleet, at: Reporter, given: Given): ReadonlySet<string> {
  checkUnusedMeshNetwork(fleet, at, given);
  checkIstio(fleet, at);
  const clusters = fleet.clusters;
  if (!clusters) return new Set();
  const names = clusterNames(fleet, clusters, at);
  const byName = new Map<string, ClusterData>();
  for (const c of clusters) if (!byName.has(c.name)) byName.set(c.name, c);
  const hasPrimary = clusters.some((c) => c.role === 'primary');

  if (!hasPrimary) {
    at(['clusters'], 'no primary cluster (got only remotes, expected at least one cluster with role: primary)');
  }

  clusters.forEach((c, i) => {
    if (c.role === 'remote') {
      if (c.primary === undefined) at(['clusters', i], `remote without a primary (got nothing, expected primary: NAME of a primary cluster)`);
      else if (!byName.has(c.primary)) {
        if (!names.has(c.primary)) at(['clusters', i, 'primary'], `unknown cluster (got ${JSON.stringify(c.primary)}, expected one of ${primaryNames(clusters)})`);
      } else if (hasPrimary && byName.get(c.primary)!.role !== 'primary') at(['clusters', i, 'primary'], `not a primary (got ${JSON.stringify(c.primary)}, expected one of ${primaryNames(clusters)})`);
    } else if (c.primary !== undefined) {
      at(['clusters', i, 'primary'], `a primary has no primary (got ${JSON.stringify(c.primary)}, expected no primary key, or role: remote)`);
    }
    // Failover targets and the nearest ingress come from where regions are: an unknown one (a
    // typo, or a region newer than the table) has no place to measure from.
    if (!isKnownRegion(c.region)) at(['clusters', i, 'region'], `unknown GCP region (got ${JSON.stringify(c.region)}, expected a region of config/gcp-regions.ts such as europe-west3; add a new region there with its location)`);
    (c.zones ?? []).forEach((z, j) => {
      if (!z.startsWith(`${c.region}-`)) at(['clusters', i, 'zones', j], `zone outside the cluster's region (got ${JSON.stringify(z)}, expected a zone of ${c.region}, such as ${c.region}-a)`);
    });
    if (fleet.mesh?.networkModel === 'flat' && c.network !== undefined && c.network !== fleet.mesh.network) {
      at(['clusters', i, 'network'], `flat mesh has one network (got ${JSON.stringify(c.network)}, expected ${JSON.stringify(fleet.mesh.network)} or no network key; use mesh.networkModel: multi-network for one network per cluster)`);
    }
    const pools = new Set<string>();
    c.nodePools.forEach((p, j) => {
      if (pools.has(p.name)) at(['clusters', i, 'nodePools', j, 'name'], `duplicate node pool name (got ${JSON.stringify(p.name)}, expected a name unique in the cluster)`);
      pools.add(p.name);
      if (p.minNodes > p.maxNodes) at(['clusters', i, 'nodePools', j, 'minNodes'], `min above max (got minNodes ${p.minNodes} > maxNodes ${p.maxNodes}, expected minNodes <= maxNodes)`);
    });
    for (const kind of ['ingress', 'eastWest'] as const) {
      const size = c.gateways[kind];
      if (size.minReplicas > size.maxReplicas) at(['clusters', i, 'gateways', kind, 'minReplicas'], `min above max (got minReplicas ${size.minReplicas} > maxReplicas ${size.maxReplicas}, expected minReplicas <= maxReplicas)`);
    }
    const cp = c.ranges.controlPlane;
    if (cp !== undefined && parseCidr(cp).prefix !== 28) at(['clusters', i, 'ranges', 'controlPlane'], `wrong size (got ${JSON.stringify(cp)}, expected a /28 range, as GKE requires)`);
  });

  // Every subnet, pod, service and control-plane range of the whole fleet must be disjoint:
  // with alias IPs in one VPC, pods of all clusters route to each other directly.
  const seen: { cidr: Cidr; path: (string | number)[] }[] = [];
  clusters.forEach((c, i) => {
    for (const kind of RANGE_KINDS) {
      const text = c.ranges[kind];
      if (text === undefined) continue;
      const path = ['clusters', i, 'ranges', kind];
      if (hasHostBits(text)) {
        at(path, `not a network address (got ${JSON.stringify(text)}, expected ${JSON.stringify(parseCidr(text).text.replace(/^[^/]+/, numberToIp(parseCidr(text).start)))})`);
        continue;
      }
      const cidr = parseCidr(text);
      const clash = seen.find((s) => overlaps(s.cidr, cidr));
      if (clash) {
        const other = clusters[clash.path[1] as number]!;
        at(path, `overlapping range (got ${text}, which overlaps ${other.name} ${clash.path[3]} ${clash.cidr.text}; expected a range disjoint from every other range of the fleet)`);
      }
      seen.push({ cidr, path });
    }
  });

  clusters.forEach((c, i) => {
    const servesRemotes = clusters.some((r) => r.role === 'remote' && r.primary === c.name);
    if (c.eastWestAddress !== undefined && !hasHostBits(c.ranges.nodes) && !contains(parseCidr(c.ranges.nodes), c.eastWestAddress)) {
      at(['clusters', i, 'eastWestAddress'], `address outside the cluster's subnet (got ${c.eastWestAddress}, expected an address in ranges.nodes ${c.ranges.nodes})`);
    }
    if (c.role === 'primary' && servesRemotes && c.eastWestAddress === undefined) {
      at(['clusters', i], `primary serving remotes without eastWestAddress (got nothing, expected a static internal IP in ${c.ranges.nodes}: remotes reach istiod there, and it must be an IP, not a hostname)`);
    }
  });

  checkUnusedClusterSettings(fleet, clusters, at, given);
  checkDerivedNames(fleet, clusters, at);
  checkGlobalEntry(fleet, clusters, names, at, given);
  checkRollout(fleet, clusters, names, at);

  Object.entries(fleet.apps ?? {}).forEach(([app, ref]) => {
    Object.keys(ref.placement).forEach((cluster) => {
      if (!names.has(cluster)) at(['apps', app, 'placement', cluster], `unknown cluster (got ${JSON.stringify(cluster)}, expected one of ${[...byName.keys()].join(', ')})`, { key: true });
    });
  });
  return names;
}

/**
 * Duplicate cluster names, and the names references may use. A duplicate entry most likely lost
 * its intended name to a copy-paste: when the references to names no cluster has (placement,
 * primary, config cluster) are no more than the duplicates, they are that name, said once in the
 * duplicate's message instead of as an "unknown cluster" at every reference.
 */
function clusterNames(fleet: PartialFleet, clusters: readonly ClusterData[], at: Reporter): ReadonlySet<string> {
  const names = new Set(clusters.map((c) => c.name));
  const firstIndex = new Map<string, number>();
  const duplicates: number[] = [];
  clusters.forEach((c, i) => {
    if (firstIndex.has(c.name)) duplicates.push(i);
    else firstIndex.set(c.name, i);
  });
  const referenced = [
    ...Object.values(fleet.apps ?? {}).flatMap((ref) => Object.keys(ref.placement)),
    ...clusters.flatMap((c) => (c.role === 'remote' && c.primary !== undefined ? [c.primary] : [])),
    ...(fleet.globalEntry?.enabled ? [fleet.globalEntry.configCluster] : []),
  ];
  const missing = [...new Set(referenced.filter((n) => !names.has(n)))];
  const presumed = duplicates.length > 0 && missing.length <= duplicates.length ? missing : [];
  for (const i of duplicates) {
    const c = clusters[i]!;
    const hint = presumed.length > 0 ? `, such as ${presumed.map((n) => JSON.stringify(n)).join(' or ')}, which the config refers to but no cluster has` : '';
    at(['clusters', i, 'name'], `duplicate cluster name (got ${JSON.stringify(c.name)}, expected a name not already used by clusters[${firstIndex.get(c.name)}]${hint})`);
  }
  return new Set([...names, ...presumed]);
}

/** `mesh.network` names the one network of a flat mesh; in multi-network each cluster is its own. */
function checkUnusedMeshNetwork(fleet: PartialFleet, at: Reporter, given: Given): void {
  if (fleet.mesh?.networkModel === 'multi-network' && given(['mesh', 'network'])) {
    at(['mesh', 'network'], `unused (got ${JSON.stringify(fleet.mesh.network)}, expected no network key: with networkModel multi-network each cluster is its own network, named after the cluster or its network key)`, { warning: true });
  }
}

/** Settings a cluster accepts but that have no effect on what its topology runs: warnings. */
function checkUnusedClusterSettings(fleet: PartialFleet, clusters: readonly ClusterData[], at: Reporter, given: Given): void {
  clusters.forEach((c, i) => {
    const remotes = clusters.filter((r) => r.role === 'remote' && r.primary === c.name).map((r) => r.name);
    if (fleet.mesh && !hasEastWestGateway({ mesh: fleet.mesh }, { role: c.role, remotes })) {
      const why = `${c.name} runs no east-west gateway; only a primary serving remotes, or every cluster of a multi-network mesh, runs one`;
      if (c.eastWestAddress !== undefined) at(['clusters', i, 'eastWestAddress'], `unused (got ${c.eastWestAddress}, expected no eastWestAddress: ${why})`, { warning: true });
      if (given(['clusters', i, 'gateways', 'eastWest'])) at(['clusters', i, 'gateways', 'eastWest'], `unused (got a size, expected no eastWest key: ${why})`, { warning: true, key: true });
    }
    if (!hasIngress(c) && given(['clusters', i, 'gateways', 'ingress'])) {
      at(['clusters', i, 'gateways', 'ingress'], `unused (got a size, expected no ingress key: ${c.name} runs no ingress gateway; set ingress: true on the cluster to run one)`, { warning: true, key: true });
    }
    if (fleet.gke?.privateNodes === false && c.ranges.controlPlane !== undefined) {
      at(['clusters', i, 'ranges', 'controlPlane'], `unused (got ${c.ranges.controlPlane}, expected no controlPlane range: gke.privateNodes is false, so the control plane has a public endpoint)`, { warning: true });
    }
  });
}

/** Compute resource names (subnets, ranges, firewall rules, routers, NATs) are RFC 1035 labels. */
const MAX_RESOURCE_NAME = 63;

/**
 * Names `npm run provision` derives from config names (scripts/provision/names.ts): a name that
 * passes here must not fail there, half-way through provisioning. One problem per field, for its
 * longest derived name.
 */
function checkDerivedNames(fleet: PartialFleet, clusters: readonly ClusterData[], at: Reporter): void {
  const n = provisionNames;
  const net = (make: (fleet: { network: { name: string } }) => string) => (name: string) => make({ network: { name } });
  const regions = [...new Set(clusters.map((c) => c.region))];
  const derived: { path: PropertyKey[]; name: string; makers: { what: string; make: (name: string) => string }[] }[] = clusters.map((c, i) => ({
    path: ['clusters', i, 'name'],
    name: c.name,
    makers: [
      { what: 'subnet', make: (name: string) => n.subnetName({ name }) },
      { what: 'pods range', make: (name: string) => n.podsRangeName({ name }) },
      { what: 'services range', make: (name: string) => n.servicesRangeName({ name }) },
    ],
  }));
  if (fleet.network) {
    derived.push({
      path: ['network', 'name'],
      name: fleet.network.name,
      makers: [
        { what: 'mesh firewall rule', make: net(n.meshFirewallName) },
        { what: 'webhook firewall rule', make: net(n.webhookFirewallName) },
        { what: 'health-check firewall rule', make: net(n.healthCheckFirewallName) },
        ...regions.flatMap((region) => [
          { what: `Cloud Router of ${region}`, make: (name: string) => n.routerName({ network: { name } }, region) },
          { what: `Cloud NAT of ${region}`, make: (name: string) => n.natName({ network: { name } }, region) },
        ]),
      ],
    });
  }
  for (const { path, name, makers } of derived) {
    // What each maker adds to the name, measured on a one-letter name (the makers refuse long results).
    const longest = makers.map((m) => ({ what: m.what, extra: m.make('x').length - 1 })).sort((a, b) => b.extra - a.extra)[0]!;
    if (name.length + longest.extra > MAX_RESOURCE_NAME) {
      at(path, `name too long for the names derived from it (got ${JSON.stringify(name)}, ${name.length} characters: the ${longest.what} would be named with ${name.length + longest.extra}, expected at most ${MAX_RESOURCE_NAME - longest.extra} characters here, as GCP names have at most ${MAX_RESOURCE_NAME})`);
    }
  }
}

/**
 * The global entry needs clusters that serve it, one of which holds its config, TLS needs a
 * certificate map, and the GKE settings it turns on must not be switched off.
 */
function checkGlobalEntry(fleet: PartialFleet, clusters: readonly ClusterData[], names: ReadonlySet<string>, at: Reporter, given: Given): void {
  const entry = fleet.globalEntry;
  if (!entry?.enabled) return;
  const serving = clusters.filter(hasIngress).map((c) => c.name);
  const config = clusters.find((c) => c.name === entry.configCluster);
  if (serving.length === 0) at(['globalEntry'], 'no serving cluster (got no cluster with ingress, expected ingress: true on at least one cluster)');
  if (!config) {
    if (!names.has(entry.configCluster)) at(['globalEntry', 'configCluster'], `unknown cluster (got ${JSON.stringify(entry.configCluster)}, expected one of ${clusters.map((c) => c.name).join(', ')})`);
  } else if (!hasIngress(config) && serving.length > 0) at(['globalEntry', 'configCluster'], `config cluster does not serve (got ${JSON.stringify(entry.configCluster)}, which has no ingress; expected one of ${serving.join(', ')})`);
  if (entry.tls?.enabled !== false && entry.tls !== undefined && entry.tls.certificateMap === undefined) {
    at(['globalEntry', 'tls'], 'TLS without a certificate map (got none, expected certificateMap: NAME of a Certificate Manager map, or enabled: false)');
  }
  if (entry.tls?.enabled === false && entry.tls.certificateMap !== undefined) {
    at(['globalEntry', 'tls', 'certificateMap'], `unused (got ${JSON.stringify(entry.tls.certificateMap)}, expected no certificateMap: tls.enabled is false, so the load balancer serves plain HTTP)`, { warning: true });
  }
  checkUnique(entry.hostnames, ['globalEntry', 'hostnames'], 'hostname', at);
  // The multi-cluster Gateway needs every cluster registered to the fleet and the Gateway API on:
  // the global entry turns both on, so an explicit `false` would be silently overridden.
  const needs = { fleetRegistration: 'every cluster registered to the GKE fleet', gatewayApi: 'the GKE Gateway API on every cluster' } as const;
  for (const [key, what] of Object.entries(needs) as [keyof typeof needs, string][]) {
    if (fleet.gke?.[key] === false && given(['gke', key])) {
      at(['gke', key], `contradicts globalEntry (got false, expected true or no ${key} key: the global entry's multi-cluster Gateway needs ${what})`);
    }
  }
}

/**
 * Waves: unique names, and every cluster of the fleet in exactly one wave, so each cluster's
 * GitRepository follows exactly one branch. A cluster added to the fleet must be given a wave; a
 * removed one must leave its wave.
 */
function checkRollout(fleet: PartialFleet, clusters: readonly ClusterData[], names: ReadonlySet<string>, at: Reporter): void {
  const waves = fleet.rollout?.waves;
  if (!waves) return;
  const waveNames = new Map<string, number>();
  const waveOf = new Map<string, string>();
  waves.forEach((w, i) => {
    const first = waveNames.get(w.name);
    if (first !== undefined) at(['rollout', 'waves', i, 'name'], `duplicate wave name (got ${JSON.stringify(w.name)}, expected a name not already used by rollout.waves[${first}])`);
    else waveNames.set(w.name, i);
    w.clusters.forEach((cluster, j) => {
      const path = ['rollout', 'waves', i, 'clusters', j];
      if (!names.has(cluster)) at(path, `unknown cluster (got ${JSON.stringify(cluster)}, expected one of ${clusters.map((c) => c.name).join(', ')})`);
      else if (waveOf.has(cluster)) at(path, `cluster already in a wave (got ${JSON.stringify(cluster)}, which is in wave ${JSON.stringify(waveOf.get(cluster))}; expected each cluster in exactly one wave)`);
      else waveOf.set(cluster, w.name);
    });
  });
  const missing = [...new Set(clusters.map((c) => c.name))].filter((name) => !waveOf.has(name));
  if (missing.length > 0) {
    at(['rollout', 'waves'], `cluster${missing.length > 1 ? 's' : ''} in no wave (got ${missing.map((n) => JSON.stringify(n)).join(', ')} in none, expected every cluster in exactly one wave: add ${missing.length > 1 ? 'them' : 'it'} to the clusters of a wave)`);
  }
}

/** Each item of a list once: `duplicate <what> (got "x", expected each <what> once)` at every repeat. */
export function checkUnique(items: readonly string[], path: PropertyKey[], what: string, at: Reporter): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item)) at([...path, i], `duplicate ${what} (got ${JSON.stringify(item)}, expected each ${what} once)`);
    seen.add(item);
  });
}

function primaryNames(clusters: readonly ClusterData[]): string {
  const names = clusters.filter((c) => c.role === 'primary').map((c) => c.name);
  return names.length ? names.join(', ') : 'a primary cluster (none is defined)';
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
