/**
 * The fleet file's shape, as data. This is the single source of truth for:
 *  - validation of `config/fleet.yaml` (see `load.ts`), and
 *  - `fleet.schema.json`, which editors use for completion (`npm run gen:schema`).
 *
 * Only structure lives here. Cross-field rules (overlapping ranges, a remote's primary exists, …)
 * are checked in `rules.ts`, after the structure is known to be right.
 */
import { z } from 'zod';

// zod compiles a parser per object schema with `new Function` on its first parse. A fleet is
// parsed once per process, so that compile is never paid back (measured: loading the default
// fleet 91 → 66 ms CPU, a 100×20 fleet 946 → 859 ms, medians), and code made by `new Function`
// is outside V8's code cache, which the CLI starts from (bin/run-bundle.cjs).
z.config({ jitless: true });

/** Messages here are the "expected …" half of an error line; `load.ts` adds the "got …" half. */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_LABEL_SCHEMA = z.string({ error: 'a DNS label' }).regex(DNS_LABEL, { error: 'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 63 characters' });
/** A DNS label. One schema for every field (zod schemas are immutable): built once, not per field at each start. */
export const dnsLabel = () => DNS_LABEL_SCHEMA;

/** GCP regions look like `europe-west3`, `southamerica-east1`, `us-central1`. */
export const REGION = /^[a-z]+(-[a-z]+)+[0-9]+$/;
/** Zones are a region plus `-a`, `-b`, … */
export const ZONE = /^[a-z]+(-[a-z]+)+[0-9]+-[a-z]$/;
/** Go/Flux duration, e.g. `30s`, `5m`, `1h30m`. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const duration = () => z.string().regex(DURATION, { error: 'a duration such as 30s, 5m or 1h' });
const cidr = () => z.cidrv4({ error: 'an IPv4 CIDR range such as 10.0.0.0/20' });
const count = (max: number) => z.number().int({ error: 'a whole number' }).min(0, { error: 'a number >= 0' }).max(max, { error: `a number <= ${max}` });

export const GitSchema = z.strictObject({
  url: z.string({ error: 'an ssh://, https:// or http:// URL' }).regex(/^(ssh|https|http):\/\/[^\s]+$/, { error: 'an ssh://, https:// or http:// URL (Flux does not accept scp-style git@host:path)' }).describe('Repository Flux clones. Flux accepts ssh://, https:// and http:// URLs (not scp-style `git@host:path`).'),
  branch: z.string().min(1, { error: 'a branch name' }).regex(/^[^\s~^:?*\[\\]+$/, { error: 'a git branch name' }).default('main').describe('Branch Flux follows.'),
  interval: duration().default('1m').describe('How often Flux polls the repository.'),
  secretName: dnsLabel().default('flux-system').describe('Secret in flux-system that holds the git credentials (created by `npm run bootstrap`).'),
});

export const FluxSchema = z.strictObject({
  version: z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'a Flux release tag such as v2.9.4' }).default('v2.9.4').describe('Flux release installed by `npm run bootstrap`.'),
  interval: duration().default('10m').describe('Reconcile interval of every layer Kustomization.'),
  timeout: duration().default('5m').describe('Health-check timeout of every layer Kustomization.'),
});

export const NetworkSchema = z.strictObject({
  name: dnsLabel().describe('Name of the shared VPC every cluster lives in.'),
});

/** Istio release numbers: MAJOR.MINOR.PATCH. */
const istioVersion = () => z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'an Istio version such as 1.30.3' });

/**
 * Revision and tag names become parts of object names: Helm release `istiod-<revision>` (Helm
 * allows 53 characters), Service `istiod-revision-tag-<tag>` (a DNS label, 63), and the
 * `istio.io/rev` label value. 40 characters leaves room for every one of them.
 */
export const MAX_REVISION_NAME = 40;
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const revisionName = (what: string) => z.string({ error: what })
  .regex(RFC1123_LABEL, { error: `${what}: lowercase letters, digits and "-", starting and ending with a letter or digit (no dots: 1-30-3, not 1.30.3)` })
  .max(MAX_REVISION_NAME, { error: `${what}: at most ${MAX_REVISION_NAME} characters` });
export const revisionNameSchema = () => revisionName('a revision name');
export const revisionTagSchema = () => revisionName('a revision tag');

/** The tag a fleet's namespaces and gateways follow unless they name another. */
export const DEFAULT_REVISION_TAG = 'prod-stable';
/** The Istio release of a fleet that names none. */
export const DEFAULT_ISTIO_VERSION = '1.30.3';

export const IstioRevisionSchema = z.strictObject({
  name: revisionNameSchema().describe('Revision name, such as 1-30-3: the control plane `istiod-<name>` in every primary. Namespaces and gateways never name a revision; they follow a tag.'),
  version: istioVersion().describe('Istio release this revision runs; pins its charts.'),
});

export const IstioSchema = z.strictObject({
  version: istioVersion().optional().describe(`Shorthand for one revision: \`version: 1.30.3\` is \`revisions: [{name: 1-30-3, version: 1.30.3}]\` with \`tags: {${DEFAULT_REVISION_TAG}: 1-30-3}\`. Set either this or \`revisions\` (default: ${DEFAULT_ISTIO_VERSION}).`),
  revisions: z.array(IstioRevisionSchema).min(1, { error: 'at least one revision' }).optional().describe('Control-plane revisions every primary runs side by side (an upgrade adds one, then removes the old one). Each revision\'s version is at most one minor release from every other\'s.'),
  tags: z.record(revisionTagSchema(), revisionNameSchema()).optional().describe('Revision tags: tag → revision. App namespaces and gateways follow a tag (label istio.io/rev: <tag>); moving a tag moves them, and restarts their pods onto the new revision.'),
  defaultTag: revisionTagSchema().default(DEFAULT_REVISION_TAG).describe('The tag app namespaces and gateways follow unless they name another (`apps.<app>.revisionTag`, `clusters[].gateways.revisionTag`); also the revision that validates Istio config (base chart `defaultRevision`).'),
  /**
   * Where the charts come from: an OCI registry prefix (`oci://…`, one OCIRepository per chart)
   * or a classic Helm repository (`https://…`). The old storage.googleapis.com location is being retired.
   */
  charts: z.string().regex(/^(oci|https):\/\/[^\s]+[^/\s]$/, { error: 'oci://REGISTRY/PATH or https://HOST/PATH without a trailing slash' }).default('oci://ghcr.io/istio/release/charts').describe('Where the Istio charts come from: an OCI registry prefix (`oci://…`) or a Helm repository (`https://…`), without a trailing slash.'),
});

export const MeshSchema = z.strictObject({
  id: dnsLabel().default('mesh1').describe('Istio mesh ID; identical in every cluster.'),
  trustDomain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'a trust domain such as cluster.local' }).default('cluster.local').describe('SPIFFE trust domain of workload identities (used by AuthorizationPolicy principals).'),
  istio: IstioSchema.prefault({}).describe('The Istio control-plane revisions every primary runs, the tags that namespaces and gateways follow, and where the charts come from.'),
  /**
   * `flat`: one Istio network, pods of all clusters reach each other directly (alias IPs in one VPC).
   * `multi-network`: each cluster is its own network; cross-cluster traffic goes through east-west gateways.
   */
  networkModel: z.enum(['flat', 'multi-network'], { error: 'flat or multi-network' }).default('flat').describe('`flat`: one Istio network, pods of every cluster reach each other directly. `multi-network`: each cluster is its own network, joined by east-west gateways.'),
  network: dnsLabel().default('network1').describe('Istio network name used by every cluster in the flat model.'),
});

/** Fleet-wide GKE settings used by `npm run provision`. */
export const GkeSchema = z.strictObject({
  privateNodes: z.boolean().default(true).describe('Private nodes (no public node IPs); needs `ranges.controlPlane` on each cluster.'),
  fleetRegistration: z.boolean().default(false).describe('Register every cluster to the project\'s GKE fleet (needed by multi-cluster Services and Gateways).'),
  gatewayApi: z.boolean().default(false).describe('Enable the GKE Gateway API (standard channel) on every cluster.'),
});

export const NodePoolSchema = z.strictObject({
  name: dnsLabel().describe('Node pool name, unique in the cluster.'),
  machineType: z.string().regex(/^[a-z0-9]+-[a-z0-9-]+$/, { error: 'a machine type such as e2-standard-4' }).default('e2-standard-4').describe('GCE machine type.'),
  minNodes: count(1000).default(1).describe('Autoscaling bounds, per zone.'),
  maxNodes: count(1000).default(3).describe('Most nodes per zone (autoscaling).'),
  spot: z.boolean().default(false).describe('Spot VMs: cheaper, can be reclaimed.'),
  diskSizeGb: z.number().int({ error: 'a whole number' }).min(10, { error: 'a number >= 10' }).max(65536, { error: 'a number <= 65536' }).default(100).describe('Boot disk size of each node, in GB.'),
});

/** Size of one Istio gateway Deployment (the `gateway` chart's autoscaling and resources). */
const GatewaySizeSchema = z.strictObject({
  minReplicas: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(100, { error: 'a number <= 100' }).default(1).describe('Fewest gateway pods (HorizontalPodAutoscaler).'),
  maxReplicas: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(100, { error: 'a number <= 100' }).default(5).describe('Most gateway pods (HorizontalPodAutoscaler).'),
  resources: z.lazy(() => ResourcesSchema).default({ cpu: { request: '100m', limit: '2000m' }, memory: { request: '128Mi', limit: '1024Mi' } }).describe('Requests and limits of each gateway pod (the chart\'s defaults unless set).'),
});

/** GKE's limit on a cluster name. */
export const MAX_CLUSTER_NAME = 40;

export const ClusterSchema = z.strictObject({
  name: dnsLabel().max(MAX_CLUSTER_NAME, { error: `a GKE cluster name: at most ${MAX_CLUSTER_NAME} characters` }).describe(`Cluster name: the GKE cluster, its subnet and its folder in dist/ are named after it (at most ${MAX_CLUSTER_NAME} characters, GKE's limit).`),
  region: z.string({ error: 'a GCP region such as europe-west3' }).regex(REGION, { error: 'a GCP region such as europe-west3' }).describe('GCP region of the (regional) cluster and its subnet.'),
  zones: z.array(z.string().regex(ZONE, { error: 'a GCP zone such as europe-west3-a' })).optional().describe('Node zones; defaults to the region\'s zones chosen by GKE. Each must belong to `region`.'),
  role: z.enum(['primary', 'remote'], { error: 'primary or remote' }).describe('`primary` runs istiod; `remote` is served by the istiod of `primary`.'),
  primary: dnsLabel().optional().describe('For a remote: the primary cluster whose istiod serves it.'),
  network: dnsLabel().optional().describe('Istio network; defaults to `mesh.network` (flat) or the cluster name (multi-network).'),
  ranges: z.strictObject({
    nodes: cidr().describe('The cluster\'s subnet (node IPs) in the VPC.'),
    pods: cidr().describe('Secondary range for pod IPs (alias IPs).'),
    services: cidr().describe('Secondary range for Service ClusterIPs.'),
    controlPlane: cidr().optional().describe('/28 for the private control plane endpoint.'),
  }).describe('IPv4 ranges of the cluster; every range of the fleet must be disjoint from every other.'),
  ingress: z.boolean().optional().describe('Run an Istio ingress gateway here. Defaults to true for primaries, false for remotes.'),
  /**
   * Static internal IP of the east-west gateway (inside `ranges.nodes`). Required on a primary that
   * serves remotes: a remote's injection webhook must point at an IP, not a hostname.
   */
  eastWestAddress: z.ipv4({ error: 'an IPv4 address such as 10.10.0.250' }).optional().describe('Static internal IP of the east-west gateway, inside `ranges.nodes`. Required on a primary that serves remotes (their webhooks need an IP); unused on a cluster without an east-west gateway.'),
  gateways: z.strictObject({
    ingress: GatewaySizeSchema.prefault({}).describe('Size of the ingress gateway (when the cluster has ingress).'),
    eastWest: GatewaySizeSchema.prefault({}).describe('Size of the east-west gateway (when the cluster runs one).'),
    revisionTag: revisionTagSchema().optional().describe('Revision tag this cluster\'s gateways follow: their pods run the proxy of the tag\'s revision (default: mesh.istio.defaultTag).'),
  }).prefault({}).describe('Size of the Istio ingress and east-west gateways of this cluster, and the revision tag they follow.'),
  releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE', 'EXTENDED'], { error: 'RAPID, REGULAR, STABLE or EXTENDED' }).default('REGULAR').describe('GKE release channel: how fast the cluster gets new Kubernetes versions.'),
  nodePools: z.array(NodePoolSchema).min(1, { error: 'at least one node pool' }).default(() => [NodePoolSchema.parse({ name: 'default' })]).describe('Node pools of the cluster; one `default` pool with the defaults below when unset.'),
  labels: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'a GCP label key' }), z.string().regex(/^[a-z0-9_-]{0,63}$/, { error: 'a GCP label value' })).default({}).describe('GCP resource labels on the cluster.'),
});

/** Per-cluster overrides of one workload placed in that cluster. */
export const PlacementSchema = z.strictObject({
  replicas: count(1000).optional().describe('Fixed replica count in this cluster; the workload\'s `replicas` when unset.'),
  autoscaling: z.strictObject({
    min: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(1000, { error: 'a number <= 1000' }).describe('Fewest pods (HorizontalPodAutoscaler).'),
    max: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(1000, { error: 'a number <= 1000' }).describe('Most pods (HorizontalPodAutoscaler).'),
    targetCpu: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(100, { error: 'a number <= 100' }).default(80).describe('Target average CPU utilization, percent of the request.'),
  }).optional().describe('Scale on CPU with a HorizontalPodAutoscaler instead of fixed replicas.'),
  resources: z.lazy(() => ResourcesSchema).optional().describe('Requests and limits in this cluster; the workload\'s when unset.'),
});

export const ResourcesSchema = z.strictObject({
  cpu: z.strictObject({
    request: z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { error: 'a CPU quantity such as 100m or 1' }).describe('CPU the scheduler reserves per pod (`100m` = a tenth of a core).'),
    limit: z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { error: 'a CPU quantity such as 500m or 1' }).optional().describe('Most CPU a pod may use; unlimited when unset.'),
  }).describe('CPU request and limit.'),
  memory: z.strictObject({
    request: z.string().regex(/^[0-9]+(Ki|Mi|Gi)$/, { error: 'a memory quantity such as 128Mi' }).describe('Memory the scheduler reserves per pod.'),
    limit: z.string().regex(/^[0-9]+(Ki|Mi|Gi)$/, { error: 'a memory quantity such as 256Mi' }).optional().describe('Most memory a pod may use (killed above it); unlimited when unset.'),
  }).describe('Memory request and limit.'),
});

/** Per-service traffic policy, set per fleet. */
export const TrafficSchema = z.strictObject({
  /**
   * `prefer-local`: stay in the caller's region, fail over to the nearest other region (with outlier detection).
   * `spread`: balance evenly over every endpoint in every cluster.
   */
  locality: z.enum(['prefer-local', 'spread'], { error: 'prefer-local or spread' }).optional().describe('`prefer-local`: stay in the caller\'s region, fail over to the nearest other; `spread`: every endpoint of every cluster. The app\'s default when unset.'),
  weights: z.record(dnsLabel(), z.number().int({ error: 'a whole number' }).min(0, { error: 'a number >= 0' }).max(100, { error: 'a number <= 100' })).optional().describe('Per-version weights in percent (sum 100); routes by version subsets.'),
});

export const FleetAppSchema = z.strictObject({
  definition: z.string().min(1, { error: 'a path to the app definition file' }).describe('The app\'s definition file (services, workloads, calls), relative to this file.'),
  traffic: z.record(dnsLabel(), TrafficSchema).default({}).describe('Per-service traffic policy for this fleet.'),
  placement: z.record(dnsLabel(), z.record(dnsLabel(), PlacementSchema.nullable())).describe('cluster → workload → overrides (`{}` for none).'),
  revisionTag: revisionTagSchema().optional().describe('Revision tag the app\'s namespace follows (label istio.io/rev); its pods get the sidecar of that tag\'s revision (default: mesh.istio.defaultTag).'),
});

/**
 * A DNS hostname in ASCII, optionally with a leading `*.`: lowercase letters, digits and "-" per
 * label, a top-level domain of letters or punycode. Internationalized names are written in their
 * punycode (`xn--…`) form, so a name can never hide bidi controls or look-alike letters of
 * another script (homoglyphs) from a reviewer.
 */
const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const HOSTNAME_TEXT = 'an ASCII hostname such as shop.example.com or *.example.com (an internationalized name in its punycode xn-- form)';
/** A hostname, at most 253 characters (DNS). */
export const hostname = () => z.string({ error: 'a hostname' }).max(253, { error: `${HOSTNAME_TEXT}, at most 253 characters` }).regex(HOSTNAME, { error: HOSTNAME_TEXT });
/** A hostname, or `*` for every host. */
export const hostPattern = () => z.string({ error: 'a hostname' }).max(253, { error: `${HOSTNAME_TEXT}, at most 253 characters` })
  .regex(new RegExp(`^\\*$|${HOSTNAME.source}`), { error: `${HOSTNAME_TEXT}, or * for every host` });
const GCP_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const gcpName = (what: string) => z.string({ error: what }).regex(GCP_NAME, { error: `${what}: lowercase letters, digits and "-", starting with a letter` });

/**
 * One anycast address for the whole fleet: Google's global external Application Load Balancer
 * (GKE multi-cluster Gateway) in front of the Istio ingress gateway of every cluster with ingress.
 */
export const GlobalEntrySchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Turn the global entry off while keeping its settings.'),
  configCluster: dnsLabel().describe('The fleet cluster that holds the multi-cluster Gateway objects; must serve (have ingress).'),
  hostnames: z.array(hostname()).min(1, { error: 'at least one hostname' }).describe('Hostnames the load balancer answers for.'),
  tls: z.strictObject({
    enabled: z.boolean().default(true).describe('Serve HTTPS (and redirect HTTP to it).'),
    certificateMap: gcpName('a certificate map name').optional().describe('Certificate Manager certificate map holding the certificates (no key material in git).'),
  }).optional().describe('HTTPS at the load balancer; plain HTTP when unset.'),
  address: gcpName('a global address name').describe('Name of the reserved global static IP address.'),
  securityPolicy: gcpName('a Cloud Armor policy name').optional().describe('Optional Cloud Armor security policy name.'),
  backendTimeoutSec: z.number().int({ error: 'a whole number' }).min(1, { error: 'a number >= 1' }).max(86400, { error: 'a number <= 86400' }).default(30).describe('Backend service timeout in seconds.'),
});

/** Prefix of the branch each wave after the first follows: `meshfleet/<wave>`. */
export const WAVE_BRANCH_PREFIX = 'meshfleet/';

/** One wave of a rollout: clusters that get a change together, and how long it bakes there. */
export const WaveSchema = z.strictObject({
  name: dnsLabel().describe(`Wave name; the wave's clusters follow the branch \`${WAVE_BRANCH_PREFIX}<name>\` (the first wave follows \`git.branch\`).`),
  clusters: z.array(dnsLabel()).min(1, { error: 'at least one cluster' }).describe('Clusters of this wave; every cluster of the fleet is in exactly one wave.'),
  bakeTime: duration().default('30m').describe('How long every cluster of this wave must run a revision Ready, with no failure, before `npm run promote` moves it to the next wave.'),
});

/** Progressive delivery: the order in which a change reaches the clusters. */
export const RolloutSchema = z.strictObject({
  waves: z.array(WaveSchema).min(1, { error: 'at least one wave' }).describe('Waves in rollout order. A merge to `git.branch` reaches the first wave; `npm run promote` moves it on, wave by wave.'),
});

export const FleetSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON schema pointer for editors that read it from the document (optional).'),
  project: z.string({ error: 'a GCP project id' }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'a GCP project id: 6-30 lowercase letters, digits or "-", starting with a letter' }).describe('GCP project id that hosts the VPC and every cluster.'),
  git: GitSchema.describe('The git repository and branch Flux syncs `dist/clusters/<cluster>` from.'),
  flux: FluxSchema.prefault({}).describe('Flux release and reconcile timing.'),
  network: NetworkSchema.describe('The shared VPC.'),
  gke: GkeSchema.prefault({}).describe('Fleet-wide GKE settings `npm run provision` applies to every cluster.'),
  mesh: MeshSchema.prefault({}).describe('The Istio mesh: id, trust domain, Istio release and network model.'),
  clusters: z.array(ClusterSchema).min(1, { error: 'at least one cluster' }).describe('The GKE clusters of the fleet, each a primary (runs istiod) or a remote of one.'),
  apps: z.record(dnsLabel(), FleetAppSchema).default({}).describe('Apps by name (a DNS label): where each definition is, its placement and traffic in this fleet.'),
  rollout: RolloutSchema.optional().describe('Waves a change rolls out in, gated on health by `npm run promote`. Default: one wave with every cluster, following `git.branch`.'),
  globalEntry: GlobalEntrySchema.optional().describe('One anycast address for the fleet: a GKE multi-cluster Gateway in front of every ingress gateway. Turns on gke.fleetRegistration and gke.gatewayApi.'),
});

export type WaveData = z.output<typeof WaveSchema>;
export type IstioData = z.output<typeof IstioSchema>;
export type GlobalEntryData = z.output<typeof GlobalEntrySchema>;
export type FleetInput = z.input<typeof FleetSchema>;
export type FleetData = z.output<typeof FleetSchema>;
export type ClusterData = z.output<typeof ClusterSchema>;
export type PlacementData = z.output<typeof PlacementSchema>;
export type ResourcesData = z.output<typeof ResourcesSchema>;
export type FleetAppData = z.output<typeof FleetAppSchema>;
