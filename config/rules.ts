/**
 * Cross-field rules: what a schema cannot say about one field alone. Each rule reports through
 * the `Reporter` at the exact field that must change, with the value and what was expected.
 */
import type { AppDefinitionData } from './app-schema.ts';
import { contains, hasHostBits, parseCidr, overlaps, type Cidr } from './cidr.ts';
import type { Reporter } from './load.ts';
import { hasIngress } from './model.ts';
import { isKnownRegion } from './regions.ts';
import type { FleetData } from './schema.ts';

const RANGE_KINDS = ['nodes', 'pods', 'services', 'controlPlane'] as const;

export function checkFleet(fleet: FleetData, at: Reporter): void {
  const clusters = fleet.clusters;
  const names = new Map<string, number>();
  clusters.forEach((c, i) => {
    if (names.has(c.name)) at(['clusters', i, 'name'], `duplicate cluster name (got ${JSON.stringify(c.name)}, expected a name not already used by clusters[${names.get(c.name)}])`);
    else names.set(c.name, i);
  });
  const byName = new Map<string, (typeof clusters)[number]>();
  for (const c of clusters) if (!byName.has(c.name)) byName.set(c.name, c);
  const hasPrimary = clusters.some((c) => c.role === 'primary');

  if (!hasPrimary) {
    at(['clusters'], 'no primary cluster (got only remotes, expected at least one cluster with role: primary)');
  }

  clusters.forEach((c, i) => {
    if (c.role === 'remote') {
      if (c.primary === undefined) at(['clusters', i], `remote without a primary (got nothing, expected primary: NAME of a primary cluster)`);
      else if (!byName.has(c.primary)) at(['clusters', i, 'primary'], `unknown cluster (got ${JSON.stringify(c.primary)}, expected one of ${primaryNames(fleet)})`);
      else if (hasPrimary && byName.get(c.primary)!.role !== 'primary') at(['clusters', i, 'primary'], `not a primary (got ${JSON.stringify(c.primary)}, expected one of ${primaryNames(fleet)})`);
    } else if (c.primary !== undefined) {
      at(['clusters', i, 'primary'], `a primary has no primary (got ${JSON.stringify(c.primary)}, expected no primary key, or role: remote)`);
    }
    // Failover targets and the nearest ingress come from where regions are: an unknown one (a
    // typo, or a region newer than the table) has no place to measure from.
    if (!isKnownRegion(c.region)) at(['clusters', i, 'region'], `unknown GCP region (got ${JSON.stringify(c.region)}, expected a region of config/gcp-regions.ts such as europe-west3; add a new region there with its location)`);
    (c.zones ?? []).forEach((z, j) => {
      if (!z.startsWith(`${c.region}-`)) at(['clusters', i, 'zones', j], `zone outside the cluster's region (got ${JSON.stringify(z)}, expected a zone of ${c.region}, such as ${c.region}-a)`);
    });
    if (fleet.mesh.networkModel === 'flat' && c.network !== undefined && c.network !== fleet.mesh.network) {
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

  checkGlobalEntry(fleet, at);

  Object.entries(fleet.apps).forEach(([app, ref]) => {
    Object.keys(ref.placement).forEach((cluster) => {
      if (!byName.has(cluster)) at(['apps', app, 'placement', cluster], `unknown cluster (got ${JSON.stringify(cluster)}, expected one of ${[...byName.keys()].join(', ')})`, { key: true });
    });
  });
}

/** The global entry needs clusters that serve it, one of which holds its config, and TLS needs a certificate map. */
function checkGlobalEntry(fleet: FleetData, at: Reporter): void {
  const entry = fleet.globalEntry;
  if (!entry?.enabled) return;
  const serving = fleet.clusters.filter(hasIngress).map((c) => c.name);
  const config = fleet.clusters.find((c) => c.name === entry.configCluster);
  if (serving.length === 0) at(['globalEntry'], 'no serving cluster (got no cluster with ingress, expected ingress: true on at least one cluster)');
  if (!config) at(['globalEntry', 'configCluster'], `unknown cluster (got ${JSON.stringify(entry.configCluster)}, expected one of ${fleet.clusters.map((c) => c.name).join(', ')})`);
  else if (!hasIngress(config) && serving.length > 0) at(['globalEntry', 'configCluster'], `config cluster does not serve (got ${JSON.stringify(entry.configCluster)}, which has no ingress; expected one of ${serving.join(', ')})`);
  if (entry.tls?.enabled !== false && entry.tls !== undefined && entry.tls.certificateMap === undefined) {
    at(['globalEntry', 'tls'], 'TLS without a certificate map (got none, expected certificateMap: NAME of a Certificate Manager map, or enabled: false)');
  }
  const seen = new Set<string>();
  entry.hostnames.forEach((h, i) => {
    if (seen.has(h)) at(['globalEntry', 'hostnames', i], `duplicate hostname (got ${JSON.stringify(h)}, expected each hostname once)`);
    seen.add(h);
  });
}

/** Rules of one app definition, and of the fleet's placement and traffic for it. */
export function checkApp(appName: string, def: AppDefinitionData, fleet: FleetData, atDef: Reporter, atFleet: Reporter): void {
  const services = Object.keys(def.services);
  const serviceList = services.join(', ');
  for (const [name, svc] of Object.entries(def.services)) {
    const portNames = new Map<string, number>();
    const portNumbers = new Map<number, number>();
    svc.ports.forEach((p, j) => {
      if (portNames.has(p.name)) atDef(['services', name, 'ports', j, 'name'], `duplicate port name (got ${JSON.stringify(p.name)}, expected a name not used by ports[${portNames.get(p.name)}])`);
      if (portNumbers.has(p.port)) atDef(['services', name, 'ports', j, 'port'], `duplicate port (got ${p.port}, expected a port not used by ports[${portNumbers.get(p.port)}])`);
      portNames.set(p.name, j);
      portNumbers.set(p.port, j);
    });
    svc.calls.forEach((callee, j) => {
      if (!(callee in def.services)) atDef(['services', name, 'calls', j], `unknown service (got ${JSON.stringify(callee)}, expected one of ${serviceList})`);
      else if (callee === name) atDef(['services', name, 'calls', j], `a service calling itself (got ${JSON.stringify(callee)}, expected another service)`);
    });
  }
  const versions = new Map<string, string>();
  for (const [name, w] of Object.entries(def.workloads)) {
    if (!(w.service in def.services)) {
      atDef(['workloads', name, 'service'], `unknown service (got ${JSON.stringify(w.service)}, expected one of ${serviceList})`);
      continue;
    }
    const key = `${w.service}/${w.version}`;
    if (versions.has(key)) atDef(['workloads', name, 'version'], `duplicate version (got ${JSON.stringify(w.version)}, expected a version of ${w.service} not used by ${versions.get(key)})`);
    versions.set(key, name);
    const mounts = new Set<string>();
    w.volumes.forEach((v, j) => {
      if (mounts.has(v.name)) atDef(['workloads', name, 'volumes', j, 'name'], `duplicate volume (got ${JSON.stringify(v.name)}, expected a unique volume name)`);
      mounts.add(v.name);
    });
  }
  for (const name of services) {
    if (!Object.values(def.workloads).some((w) => w.service === name)) atDef(['services', name], `service without workloads (got none, expected a workload with service: ${name})`);
  }
  if (def.ingress) {
    const svc = def.services[def.ingress.service];
    if (!svc) atDef(['ingress', 'service'], `unknown service (got ${JSON.stringify(def.ingress.service)}, expected one of ${serviceList})`);
    else if (!svc.ports.some((p) => p.port === def.ingress!.port)) atDef(['ingress', 'port'], `port not served (got ${def.ingress.port}, expected one of ${svc.ports.map((p) => p.port).join(', ')})`);
  }

  const ref = fleet.apps[appName]!;
  const clusterNames = new Set(fleet.clusters.map((c) => c.name));
  const workloads = Object.keys(def.workloads);
  const placedServices = new Set<string>();
  for (const [cluster, placed] of Object.entries(ref.placement)) {
    for (const [workload, override] of Object.entries(placed)) {
      const path = ['apps', appName, 'placement', cluster, workload];
      const w = def.workloads[workload];
      if (!w) {
        atFleet(path, `unknown workload (got ${JSON.stringify(workload)}, expected one of ${workloads.join(', ')})`, { key: true });
        continue;
      }
      if (clusterNames.has(cluster)) placedServices.add(w.service);
      if (override?.replicas !== undefined && override.autoscaling !== undefined) {
        atFleet([...path, 'autoscaling'], `replicas and autoscaling both set (got replicas ${override.replicas} and autoscaling, expected one of them)`, { key: true });
      }
      if (override?.autoscaling && override.autoscaling.min > override.autoscaling.max) {
        atFleet([...path, 'autoscaling', 'min'], `min above max (got min ${override.autoscaling.min} > max ${override.autoscaling.max}, expected min <= max)`);
      }
    }
  }
  for (const name of services) {
    if (Object.values(def.workloads).some((w) => w.service === name) && !placedServices.has(name)) {
      atFleet(['apps', appName, 'placement'], `service ${name} runs nowhere (got no placed workload of it, expected at least one of ${Object.entries(def.workloads).filter(([, w]) => w.service === name).map(([n]) => n).join(', ')} placed in a cluster)`);
    }
  }
  for (const [name, traffic] of Object.entries(ref.traffic)) {
    const path = ['apps', appName, 'traffic', name];
    if (!(name in def.services)) {
      atFleet(path, `unknown service (got ${JSON.stringify(name)}, expected one of ${serviceList})`, { key: true });
      continue;
    }
    if (traffic.weights) {
      const own = Object.values(def.workloads).filter((w) => w.service === name).map((w) => w.version);
      for (const version of Object.keys(traffic.weights)) {
        if (!own.includes(version)) atFleet([...path, 'weights', version], `unknown version (got ${JSON.stringify(version)}, expected one of ${own.join(', ')})`, { key: true });
      }
      const sum = Object.values(traffic.weights).reduce((a, b) => a + b, 0);
      if (sum !== 100) atFleet([...path, 'weights'], `weights do not add up (got ${sum}, expected 100)`);
      const placed = new Set(Object.values(ref.placement).flatMap((p) => Object.keys(p)));
      for (const [version, weight] of Object.entries(traffic.weights)) {
        const workload = Object.entries(def.workloads).find(([, w]) => w.service === name && w.version === version)?.[0];
        if (weight > 0 && workload && !placed.has(workload)) {
          atFleet([...path, 'weights', version], `weight for a version that runs nowhere (got ${weight}, expected 0, or ${workload} placed in a cluster)`);
        }
      }
      if (def.ingress && name === appName) {
        atFleet([...path, 'weights'], `weights on a service named like its app (got ${JSON.stringify(name)}, expected a service name other than the app name: both would need the VirtualService ${JSON.stringify(appName)})`, { key: true });
      }
    }
  }
}

function primaryNames(fleet: FleetData): string {
  const names = fleet.clusters.filter((c) => c.role === 'primary').map((c) => c.name);
  return names.length ? names.join(', ') : 'a primary cluster (none is defined)';
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
