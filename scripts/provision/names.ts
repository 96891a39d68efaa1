/**
 * Names and resource paths of everything provisioning creates, derived from the fleet in one place
 * so the request builders, the plan and the gcloud steps can never disagree about them.
 */
import type { Cluster, Fleet } from '../../config/model.ts';

/** `projects/P/locations/REGION`: clusters are regional (parent of CreateCluster, ListClusters). */
export const locationPath = (project: string, region: string): string => `projects/${project}/locations/${region}`;

/** `projects/P/locations/REGION/clusters/NAME` (GetCluster). */
export const clusterPath = (project: string, cluster: Pick<Cluster, 'name' | 'region'>): string =>
  `${locationPath(project, cluster.region)}/clusters/${cluster.name}`;

/**
 * `projects/P/locations/L/operations/OP`: v1 returns a bare operation id in `Operation.name`;
 * GetOperation wants the full path (the deprecated project/zone fields are not used).
 */
export const operationPath = (project: string, location: string, operation: string): string =>
  operation.startsWith('projects/') ? operation : `${locationPath(project, location)}/operations/${operation}`;

/** `projects/P/global/networks/VPC`, as GKE's `Cluster.network` wants it. */
export const networkPath = (fleet: Pick<Fleet, 'project' | 'network'>): string =>
  `projects/${fleet.project}/global/networks/${fleet.network.name}`;

/** Subnet of a cluster: named after the cluster, in its region. */
export const subnetName = (cluster: Pick<Cluster, 'name'>): string => cluster.name;

/** `projects/P/regions/REGION/subnetworks/NAME`, as GKE's `Cluster.subnetwork` wants it. */
export const subnetPath = (project: string, cluster: Pick<Cluster, 'name' | 'region'>): string =>
  `projects/${project}/regions/${cluster.region}/subnetworks/${subnetName(cluster)}`;

/** Secondary range of the cluster's subnet that holds pod IPs (alias IPs). */
export const podsRangeName = (cluster: Pick<Cluster, 'name'>): string => `${cluster.name}-pods`;

/** Secondary range of the cluster's subnet that holds Service ClusterIPs. */
export const servicesRangeName = (cluster: Pick<Cluster, 'name'>): string => `${cluster.name}-services`;

/** Firewall rule that makes the fleet one flat network: every node and pod range reaches every other. */
export const meshFirewallName = (fleet: Pick<Fleet, 'network'>): string => checkedName(`${fleet.network.name}-mesh-internal`);

/** Firewall rule that lets private control planes call istiod's webhook port on the nodes. */
export const webhookFirewallName = (fleet: Pick<Fleet, 'network'>): string => checkedName(`${fleet.network.name}-mesh-webhooks`);

/** Cloud Router of a region (carries the region's Cloud NAT). */
export const routerName = (fleet: Pick<Fleet, 'network'>, region: string): string => checkedName(`${fleet.network.name}-${region}`);

/** Cloud NAT of a region: egress for private nodes (Flux clones git, images come from public registries). */
export const natName = (fleet: Pick<Fleet, 'network'>, region: string): string => checkedName(`${fleet.network.name}-${region}-nat`);

/** Firewall rule that lets Google's health checks and global load balancer proxies reach the ingress gateway pods. */
export const healthCheckFirewallName = (fleet: Pick<Fleet, 'network'>): string => checkedName(`${fleet.network.name}-lb-health-checks`);

/**
 * `projects/P/locations/REGION/memberships/CLUSTER`: the fleet membership GKE makes for a cluster
 * registered at creation (`Cluster.fleet.project`): named after the cluster, in its region.
 */
export const membershipPath = (project: string, cluster: Pick<Cluster, 'name' | 'region'>): string =>
  `${locationPath(project, cluster.region)}/memberships/${cluster.name}`;

/** GKE Hub feature ids (the fleet features the global entry needs; both live in location `global`). */
export const MCS_FEATURE = 'multiclusterservicediscovery';
export const MCI_FEATURE = 'multiclusteringress';

/** The multi-cluster ingress service agent: Google makes it when the multiclusteringress API is enabled. */
export const mciServiceAgent = (projectNumber: string): string =>
  `serviceAccount:service-${projectNumber}@gcp-sa-multiclusteringress.iam.gserviceaccount.com`;

/** The MCS importer's Kubernetes service account, as a Workload Identity principal. */
export const mcsImporter = (project: string): string => `serviceAccount:${workloadPool(project)}[gke-mcs/gke-mcs-importer]`;

/** Workload Identity pool of the project. */
export const workloadPool = (project: string): string => `${project}.svc.id.goog`;

/** Label keys provisioning adds to every cluster, beside the labels from config. */
export const MESH_LABEL = 'meshfleet-mesh';
export const ROLE_LABEL = 'meshfleet-role';

/** Compute resource names are RFC 1035 labels of at most 63 characters; say so before gcloud does. */
function checkedName(name: string): string {
  if (name.length > 63) throw new Error(`derived resource name ${name} is longer than 63 characters: use a shorter network.name`);
  return name;
}
