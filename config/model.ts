/**
 * The validated fleet: what every chart, script and check reads. Built once by `loadFleet`
 * (load.ts), deeply frozen. Facts that follow from the data (a remote's control plane, the Istio
 * network of each cluster, which Services a cluster needs) are computed here, in one place.
 */
import type { AppDefinitionData, WorkloadData } from './app-schema.ts';
import { nearestOtherRegion } from './regions.ts';
import { DEFAULT_ISTIO_VERSION, WAVE_BRANCH_PREFIX, type ClusterData, type FleetData, type IstioData, type PlacementData } from './schema.ts';

export type Locality = 'prefer-local' | 'spread';

export interface Cluster extends Omit<ClusterData, 'network' | 'ingress' | 'zones'> {
  /** Istio network of this cluster (from config, or derived from the network model). */
  readonly network: string;
  readonly ingress: boolean;
  readonly zones: readonly string[];
  /** Name of the cluster whose istiod serves this one: itself for a primary. */
  readonly controlPlane: string;
  /** For a primary: the remotes it serves, in config order. */
  readonly remotes: readonly string[];
  /** The rollout wave this cluster is in (`rollout.waves`, else the one default wave). */
  readonly wave: string;
  /** Branch this cluster's Flux GitRepository follows: its wave's `ref`. */
  readonly gitRef: string;
}

/** A rollout wave: clusters that get a change together (config `rollout.waves`). */
export interface Wave {
  readonly name: string;
  /** Its clusters, in the order the wave lists them. */
  readonly clusters: readonly string[];
  /** How long a revision runs Ready here before `promote` moves it to the next wave (a duration). */
  readonly bakeTime: string;
  /** Branch its clusters follow: `git.branch` for the first wave, `meshfleet/<name>` for the others. */
  readonly ref: string;
}

/** Name of the one wave of a fleet without `rollout.waves`. */
export const DEFAULT_WAVE = 'fleet';

export interface AppService {
  readonly name: string;
  readonly ports: AppDefinitionData['services'][string]['ports'];
  readonly calls: readonly string[];
  readonly serviceAccount: string;
  /** Fleet override, else the app's default. */
  readonly locality: Locality;
  /** Per-version weights (percent), when the fleet routes by version. */
  readonly weights?: Readonly<Record<string, number>>;
}

export interface Workload extends WorkloadData {
  readonly name: string;
}

/** A workload as it runs in one cluster, overrides applied. */
export interface PlacedWorkload {
  readonly workload: Workload;
  readonly cluster: string;
  /** Fixed replica count, or undefined when autoscaled. */
  readonly replicas?: number;
  readonly autoscaling?: NonNullable<PlacementData['autoscaling']>;
  readonly resources: WorkloadData['resources'];
}

export interface App {
  readonly name: string;
  readonly namespace: string;
  /** Revision tag the namespace follows (`apps.<app>.revisionTag`, else `mesh.istio.defaultTag`). */
  readonly revisionTag: string;
  /** The definition file this app came from (for messages). */
  readonly definitionFile: string;
  readonly services: readonly AppService[];
  readonly workloads: readonly Workload[];
  readonly ingress?: NonNullable<AppDefinitionData['ingress']>;
  /** Every placement, cluster by cluster in fleet order, workloads in definition order. */
  readonly placements: readonly PlacedWorkload[];
}

/** The fleet's global entry point, when enabled. */
export interface GlobalEntry {
  readonly configCluster: string;
  /** Clusters whose ingress gateway is a backend: every cluster with ingress. */
  readonly servingClusters: readonly string[];
  readonly hostnames: readonly string[];
  /** Certificate Manager map; HTTPS (with HTTP→HTTPS redirect) when set, plain HTTP otherwise. */
  readonly certificateMap?: string;
  readonly address: string;
  readonly securityPolicy?: string;
  readonly backendTimeoutSec: number;
}

/** One Istio control-plane revision: `istiod-<name>` in every primary, its remote profile in every remote. */
export interface IstioRevision {
  readonly name: string;
  readonly version: string;
}

/** The Istio part of the mesh, resolved: the `version` shorthand expanded into revisions and tags. */
export interface Istio {
  readonly charts: string;
  /** Revisions, in config order. */
  readonly revisions: readonly IstioRevision[];
  /** Revision tag → revision name. */
  readonly tags: Readonly<Record<string, string>>;
  /** The tag namespaces and gateways follow unless they name another. */
  readonly defaultTag: string;
  /** Version of the default tag's revision: the fleet's Istio release in one word (overview, docs). */
  readonly version: string;
}

export interface Mesh extends Omit<FleetData['mesh'], 'istio'> {
  readonly istio: Istio;
}

export interface Fleet extends Omit<FleetData, 'clusters' | 'apps' | '$schema' | 'globalEntry' | 'rollout' | 'mesh'> {
  /** Path of the fleet file, as given. */
  readonly file: string;
  readonly mesh: Mesh;
  readonly clusters: readonly Cluster[];
  readonly apps: readonly App[];
  /** Set when the global entry is on. Turning it on also turns on fleet registration and the Gateway API in `gke`. */
  readonly globalEntry?: GlobalEntry;
  /** Rollout waves in order; one wave with every cluster when the config has none. */
  readonly waves: readonly Wave[];
}

/**
 * The waves of a fleet file, in order, each with its branch: the first wave follows `git.branch`
 * (a merge reaches it first), every later one `meshfleet/<wave>`. Without `rollout`: one wave,
 * every cluster, on `git.branch`, which is the fleet without progressive delivery.
 */
export function wavesOf(data: Pick<FleetData, 'git' | 'rollout' | 'clusters'>): Wave[] {
  const waves = data.rollout?.waves ?? [{ name: DEFAULT_WAVE, clusters: data.clusters.map((c) => c.name), bakeTime: '0s' }];
  return waves.map((w, i) => ({ name: w.name, clusters: w.clusters, bakeTime: w.bakeTime, ref: i === 0 ? data.git.branch : `${WAVE_BRANCH_PREFIX}${w.name}` }));
}

/** Whether the fleet rolls out in waves of its own (the default is one wave of every cluster). */
export const hasRolloutWaves = (fleet: Pick<Fleet, 'waves'>): boolean => fleet.waves.length > 1 || fleet.waves[0]?.name !== DEFAULT_WAVE;

/** The wave `cluster` is in (for FLEET.md and the PR diff: where a change to it lands, and when). */
export function waveOf(fleet: Pick<Fleet, 'waves'>, cluster: string): Wave {
  const wave = fleet.waves.find((w) => w.clusters.includes(cluster));
  if (!wave) throw new Error(`cluster ${cluster} is in no wave`);
  return wave;
}

/**
 * The path a change takes through the waves (for the PR diff): the waves that hold any of
 * `clusters`, in rollout order, each with the touched clusters it holds, in wave order. A merge
 * reaches the first wave at once and each later one when `npm run promote` moves it there.
 * Names of no cluster of `fleet` (a cluster the change removes) are left out.
 */
export function rolloutPath(fleet: Pick<Fleet, 'waves'>, clusters: Iterable<string>): { wave: Wave; clusters: string[] }[] {
  const touched = new Set(clusters);
  return fleet.waves.map((wave) => ({ wave, clusters: wave.clusters.filter((c) => touched.has(c)) })).filter((step) => step.clusters.length > 0);
}

/** The revision name the `version` shorthand stands for: `1.30.3` → `1-30-3` (no dots in a revision). */
export const revisionNameOf = (version: string): string => version.replaceAll('.', '-');

/**
 * The revisions, tags and default tag of `mesh.istio`, the `version` shorthand expanded: one
 * revision named after the version and the default tag pointing at it. References are checked
 * by the rules (rules.ts), not here.
 */
export function resolveIstio(data: IstioData): Istio {
  const revisions = data.revisions ?? [{ name: revisionNameOf(data.version ?? DEFAULT_ISTIO_VERSION), version: data.version ?? DEFAULT_ISTIO_VERSION }];
  const tags = data.tags ?? { [data.defaultTag]: revisions[0]!.name };
  const defaultRevision = revisions.find((r) => r.name === tags[data.defaultTag]) ?? revisions[0]!;
  return { charts: data.charts, revisions, tags, defaultTag: data.defaultTag, version: defaultRevision.version };
}

/** [major, minor, patch] of an Istio version. */
export const versionParts = (version: string): [number, number, number] => version.split('.').map(Number) as [number, number, number];

/** Orders Istio versions: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The revision a tag points at. */
export function revisionOfTag(fleet: Pick<Fleet, 'mesh'>, tag: string): IstioRevision {
  const name = fleet.mesh.istio.tags[tag];
  const revision = fleet.mesh.istio.revisions.find((r) => r.name === name);
  if (!revision) throw new Error(`revision tag ${tag} points at no revision`);
  return revision;
}

/** The revision an app's pods get their sidecar from. */
export const appRevision = (fleet: Pick<Fleet, 'mesh'>, app: Pick<App, 'revisionTag'>): IstioRevision => revisionOfTag(fleet, app.revisionTag);

/** The tag a cluster's gateways follow. */
export const gatewayTag = (fleet: Pick<Fleet, 'mesh'>, cluster: Pick<ClusterData, 'gateways'>): string => cluster.gateways.revisionTag ?? fleet.mesh.istio.defaultTag;

/** The revision a cluster's gateways run the proxy of. */
export const gatewayRevision = (fleet: Pick<Fleet, 'mesh'>, cluster: Pick<ClusterData, 'gateways'>): IstioRevision => revisionOfTag(fleet, gatewayTag(fleet, cluster));

/** The newest revision: `base` (the CRDs, which only ever gain fields) installs at its version. */
export const newestRevision = (fleet: Pick<Fleet, 'mesh'>): IstioRevision =>
  fleet.mesh.istio.revisions.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a));

export function findCluster(fleet: Fleet, name: string): Cluster {
  const cluster = fleet.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster named ${name}`);
  return cluster;
}

/** Whether a cluster runs an Istio ingress gateway: as configured, else only primaries do. */
export const hasIngress = (cluster: Pick<ClusterData, 'ingress' | 'role'>): boolean => cluster.ingress ?? cluster.role === 'primary';

export const primaries = (fleet: Fleet): Cluster[] => fleet.clusters.filter((c) => c.role === 'primary');

/** Clusters whose istiod reads Istio config (DestinationRules, AuthorizationPolicies, …): the primaries. */
export const configClusters = primaries;

/**
 * Primaries whose istiod must watch `cluster`'s API server, so each needs a remote secret for it:
 * a remote's own primary, and in a multi-primary mesh every other primary (each must discover
 * every cluster's endpoints).
 */
export function watchersOf(fleet: Fleet, cluster: Cluster): Cluster[] {
  const all = primaries(fleet);
  return all.filter((p) => p.name !== cluster.name && (cluster.controlPlane === p.name || all.length > 1));
}

/** Name of the AuthorizationPolicy that lets `caller` call `callee` (one per call edge). */
export const callPolicyName = (callee: string, caller: string): string => `${callee}-from-${caller}`;

const placementsByCluster = new WeakMap<App, Map<string, PlacedWorkload[]>>();

/** Workloads of `app` placed in `cluster`, from an index built once per app (not a scan per cluster). */
export function placedIn(app: App, cluster: string): PlacedWorkload[] {
  let index = placementsByCluster.get(app);
  if (!index) {
    index = new Map();
    for (const p of app.placements) {
      const list = index.get(p.cluster);
      if (list) list.push(p);
      else index.set(p.cluster, [p]);
    }
    placementsByCluster.set(app, index);
  }
  return index.get(cluster) ?? [];
}

export function service(app: App, name: string): AppService {
  const svc = app.services.find((s) => s.name === name);
  if (!svc) throw new Error(`app ${app.name} has no service ${name}`);
  return svc;
}

/**
 * Services a cluster must define for `app`: every service with a workload there, and every service
 * those workloads call. Istio resolves a name in the calling cluster and merges endpoints of all
 * clusters by hostname, so a caller needs the Service even where no pod of it runs. (An ingress
 * gateway needs no local Service: its routes come from the primary's istiod, by hostname.)
 * Sorted in definition order.
 */
export function servicesNeeded(app: App, cluster: string): AppService[] {
  const running = new Set(placedIn(app, cluster).map((p) => p.workload.service));
  const needed = new Set(running);
  for (const name of running) for (const callee of service(app, name).calls) needed.add(callee);
  return app.services.filter((s) => needed.has(s.name));
}

/** Versions of a service that run somewhere in the fleet, in definition order. */
export function versionsOf(app: App, serviceName: string): string[] {
  const placed = new Set(app.placements.map((p) => p.workload.name));
  return app.workloads.filter((w) => w.service === serviceName && placed.has(w.name)).map((w) => w.version);
}

/** Clusters that run an Istio ingress gateway. */
export const ingressClusters = (fleet: Fleet): Cluster[] => fleet.clusters.filter((c) => c.ingress);

/** Whether a cluster runs an east-west gateway: a primary serving remotes, or any cluster in multi-network. */
export function hasEastWestGateway(fleet: { readonly mesh: Pick<Mesh, 'networkModel'> }, cluster: Pick<Cluster, 'role' | 'remotes'>): boolean {
  return fleet.mesh.networkModel === 'multi-network' || (cluster.role === 'primary' && cluster.remotes.length > 0);
}

/**
 * Sidecar-injection webhook path a remote's webhook calls on its primary's istiod. Istio parses
 * `cluster` and `net` from it into the injected proxy's cluster ID and network.
 */
export function injectionPath(cluster: Cluster): string {
  return `/inject/cluster/${cluster.name}/net/${cluster.network}`;
}

/** The address a remote reaches its primary's istiod at: the primary's east-west gateway IP. */
export function pilotAddress(fleet: Fleet, remote: Cluster): string {
  const primary = findCluster(fleet, remote.controlPlane);
  if (!primary.eastWestAddress) throw new Error(`primary ${primary.name} has no eastWestAddress`);
  return primary.eastWestAddress;
}

/** Whether a placement has pods to serve: autoscaled (min ≥ 1), or a replica count above 0 (1 when unset). */
export const isRunning = (p: PlacedWorkload): boolean => p.autoscaling !== undefined || (p.replicas ?? 1) > 0;

/** Regions with running pods of `serviceName`, in fleet order. */
export function regionsRunning(fleet: Fleet, app: App, serviceName: string): string[] {
  const clusters = new Set(app.placements.filter((p) => p.workload.service === serviceName && isRunning(p)).map((p) => p.cluster));
  return [...new Set(fleet.clusters.filter((c) => clusters.has(c.name)).map((c) => c.region))];
}

/**
 * Locality failover of one service: for every region of the fleet, the nearest *other* region
 * that runs the service (by real region locations, regions.ts). Calls from a region leave it only
 * when no healthy local endpoint is left, and then go where the service is, never to a region
 * that does not run it. A region with no other region running the service gets no entry.
 * Fleet order of the `from` regions.
 */
export function serviceFailover(fleet: Fleet, app: App, serviceName: string): { from: string; to: string }[] {
  const serving = regionsRunning(fleet, app, serviceName);
  const out: { from: string; to: string }[] = [];
  for (const from of new Set(fleet.clusters.map((c) => c.region))) {
    const to = nearestOtherRegion(from, serving);
    if (to) out.push({ from, to });
  }
  return out;
}

/** Recursively freezes a plain data structure. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
