/**
 * Synthetic fleets for the benchmark: N clusters across real GCP regions and one app of S services,
 * written as a fleet file plus an app definition file, exactly what a user would write, so that
 * `loadFleet` reads them through the real path (schema, rules, derived model).
 *
 * Shape, chosen so that every cluster gets real Istio, Flux and app objects:
 *  - 1 primary for up to 2 clusters, 2 up to 20, 3 above; the rest are remotes, dealt round-robin
 *    to the primaries; every primary has an ingress gateway and an east-west address, and so does
 *    every fifth remote (ingress). With several primaries the mesh is multi-primary with remotes.
 *  - every cluster has disjoint node, pod, service and control-plane ranges (checked by the loader).
 *  - the app `shop` has services `svc-00` … in a call tree (svc-i calls svc-2i+1 and svc-2i+2),
 *    two versions of each (three for every third service), every service placed in every cluster
 *    (the version rotates with the cluster), some autoscaled (HPA + PDB), some with 2 replicas
 *    (PDB); svc-00 is the ingress service; svc-01 is routed by weights; every third is `spread`.
 *  - the global entry point is on (multi-cluster Gateway in the first primary, exports elsewhere).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Real GCP regions, continents interleaved so that a fleet of any size spans several of them. */
export const REGIONS = [
  'europe-west3', 'us-central1', 'asia-northeast1', 'southamerica-east1', 'australia-southeast1',
  'europe-west1', 'us-east1', 'asia-southeast1', 'northamerica-northeast1', 'me-west1',
  'europe-west4', 'us-west1', 'asia-east1', 'southamerica-west1', 'africa-south1',
  'europe-west2', 'us-east4', 'asia-south1', 'northamerica-northeast2', 'me-central1',
  'europe-north1', 'us-west2', 'asia-northeast3', 'australia-southeast2', 'europe-west6',
  'us-south1', 'asia-east2', 'europe-central2', 'us-west4', 'asia-south2',
  'europe-west8', 'us-east5', 'asia-northeast2', 'europe-west9', 'us-west3',
  'asia-southeast2', 'europe-southwest1', 'europe-west10', 'europe-west12',
] as const;

/** Upper bound of the address plan below (pod and service ranges run out after it). */
export const MAX_CLUSTERS = 512;

export interface SyntheticFleetSize {
  /** Number of clusters, 1 … MAX_CLUSTERS. */
  readonly clusters: number;
  /** Number of services of the app, 1 … 99. */
  readonly services: number;
}

/** `2x8` → { clusters: 2, services: 8 }. */
export function parseSize(text: string): SyntheticFleetSize {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`bad size ${JSON.stringify(text)} (expected CLUSTERSxSERVICES, e.g. 20x20)`);
  const size = { clusters: Number(m[1]), services: Number(m[2]) };
  if (size.clusters < 1 || size.clusters > MAX_CLUSTERS) throw new Error(`bad size ${text}: 1 to ${MAX_CLUSTERS} clusters`);
  if (size.services < 1 || size.services > 99) throw new Error(`bad size ${text}: 1 to 99 services`);
  return size;
}

export const sizeLabel = (size: SyntheticFleetSize): string => `${size.clusters}x${size.services}`;

export const APP_NAME = 'shop';
export const APP_FILE = `${APP_NAME}.yaml`;
export const FLEET_FILE = 'fleet.yaml';

/** The fleet file and the app definition, as plain data (what the YAML files hold). */
export function syntheticFleet(size: SyntheticFleetSize): { fleet: Record<string, unknown>; app: Record<string, unknown> } {
  const { clusters: n, services: s } = size;
  const primaryCount = n <= 2 ? 1 : n <= 20 ? 2 : 3;
  const clusters = Array.from({ length: n }, (_, i) => clusterData(i, n, primaryCount));
  const names = clusters.map((c) => c.name);

  const services = Array.from({ length: s }, (_, i) => serviceName(i));
  const versionsOf = (i: number) => (i % 3 === 2 ? ['v1', 'v2', 'v3'] : ['v1', 'v2']);

  const appServices: Record<string, unknown> = {};
  const workloads: Record<string, unknown> = {};
  services.forEach((name, i) => {
    const calls = [2 * i + 1, 2 * i + 2].filter((j) => j < s).map(serviceName);
    const ports: Record<string, unknown>[] = [{ name: 'http', port: 8080 }];
    if (i % 4 === 3) ports.push({ name: 'grpc', port: 9090, protocol: 'GRPC' });
    appServices[name] = { ports, ...(calls.length ? { calls } : {}) };
    for (const version of versionsOf(i)) {
      workloads[`${name}-${version}`] = {
        service: name,
        version,
        image: `registry.example.com/${APP_NAME}/${name}:1.${i}.${version.slice(1)}`,
        env: { LOG_LEVEL: 'info', UPSTREAMS: calls.join(',') },
        volumes: [{ name: 'tmp', mountPath: '/tmp' }],
        securityContext: { runAsUser: 1000 + (i % 3) },
        ...(i % 2 === 0 ? { resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '128Mi', limit: '512Mi' } } } : {}),
        ...(i % 5 === 0 ? { podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } } : {}),
      };
    }
  });

  // Every service in every cluster; which version runs where rotates with the cluster.
  const placement: Record<string, Record<string, unknown>> = {};
  names.forEach((cluster, c) => {
    const placed: Record<string, unknown> = {};
    services.forEach((name, i) => {
      const versions = versionsOf(i);
      const version = versions[(c + i) % versions.length]!;
      const kind = (c * 7 + i) % 5;
      placed[`${name}-${version}`] = kind === 0 ? { autoscaling: { min: 2, max: 6 } } : kind === 1 ? { replicas: 2 } : {};
    });
    placement[cluster] = placed;
  });

  const traffic: Record<string, unknown> = {};
  services.forEach((name, i) => {
    if (i % 3 === 1) traffic[name] = { locality: 'spread' };
  });
  // Weights need both versions placed somewhere: true from 2 clusters on (the version rotates).
  if (s > 1 && n > 1) traffic[services[1]!] = { ...(traffic[services[1]!] as object), weights: { v1: 80, v2: 20 } };

  const fleet = {
    project: 'meshfleet-bench',
    git: { url: 'ssh://git@github.com/example/meshfleet', branch: 'main' },
    network: { name: 'bench-vpc' },
    mesh: { id: 'mesh1', networkModel: 'flat' },
    clusters,
    apps: { [APP_NAME]: { definition: APP_FILE, traffic, placement } },
    globalEntry: { configCluster: names[0], hostnames: [`${APP_NAME}.example.com`], address: `${APP_NAME}-global-ip`, tls: { certificateMap: `${APP_NAME}-certmap` } },
  };
  const app = {
    namespace: APP_NAME,
    services: appServices,
    workloads,
    ingress: { service: services[0], port: 8080, routes: [{ prefix: '/' }] },
  };
  return { fleet, app };
}

/** Writes the fleet file and its app definition into `dir`; returns the fleet file's path. */
export function writeSyntheticFleet(dir: string, size: SyntheticFleetSize): string {
  const { fleet, app } = syntheticFleet(size);
  mkdirSync(dir, { recursive: true });
  const header = `# Synthetic fleet for \`npm run bench\`: ${size.clusters} clusters × ${size.services} services.\n`;
  writeFileSync(join(dir, APP_FILE), header + stringify(app));
  const file = join(dir, FLEET_FILE);
  writeFileSync(file, header + stringify(fleet));
  return file;
}

const serviceName = (i: number) => `svc-${String(i).padStart(2, '0')}`;

/**
 * Cluster `i`: region `REGIONS[i % 39]`, named `<region>-<round>`. Address plan (disjoint for up
 * to 512 clusters): nodes /20 in 10.0.0.0/10, pods /19 in 10.64.0.0/10, services /23 in
 * 10.128.0.0/14, control plane /28 in 172.16.0.0/16.
 */
function clusterData(i: number, n: number, primaryCount: number) {
  const region = REGIONS[i % REGIONS.length]!;
  const name = `${region}-${Math.floor(i / REGIONS.length) + 1}`;
  const nodes = ip(10 << 24, i * 4096);
  const primary = i < primaryCount;
  const servesRemotes = primary && n > primaryCount;
  return {
    name,
    region,
    role: primary ? 'primary' : 'remote',
    ...(primary ? {} : { primary: `${REGIONS[(i - primaryCount) % primaryCount]!}-1` }),
    ...(primary || i % 5 !== 0 ? {} : { ingress: true }),
    ...(servesRemotes ? { eastWestAddress: ip(10 << 24, i * 4096 + 4090) } : {}),
    ranges: {
      nodes: `${nodes}/20`,
      pods: `${ip((10 << 24) + (64 << 16), i * 8192)}/19`,
      services: `${ip((10 << 24) + (128 << 16), i * 512)}/23`,
      controlPlane: `${ip((172 << 24) + (16 << 16), i * 16)}/28`,
    },
    nodePools: [{ name: 'default', machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, spot: !primary }],
  };
}

function ip(base: number, offset: number): string {
  const n = (base + offset) >>> 0;
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}
