/**
 * Compares a live GKE cluster with the request config would send, field by field, for the fields
 * provisioning sets, and says what each difference is: node pools are brought to config in place
 * (created, resized, re-typed; deleted only with --prune); security settings and other cluster
 * fields are drift, reported with the command that fixes them; networks and ranges cannot change.
 */
import type { protos } from '@google-cloud/container';
import type { CreateClusterRequest, GkeCluster } from './cluster-request.ts';
import { compareField, type Difference } from './differences.ts';
import { commandLine } from './gcloud.ts';


/** One GKE call that changes a cluster in place; each returns an operation to follow. */
export type GkeChange =
  | { readonly method: 'createNodePool'; readonly request: protos.google.container.v1.ICreateNodePoolRequest }
  | { readonly method: 'setNodePoolAutoscaling'; readonly request: protos.google.container.v1.ISetNodePoolAutoscalingRequest }
  | { readonly method: 'updateNodePool'; readonly request: protos.google.container.v1.IUpdateNodePoolRequest }
  | { readonly method: 'deleteNodePool'; readonly request: protos.google.container.v1.IDeleteNodePoolRequest };

/** The gRPC method name of a change, as the API and the fake name it (`SetNodePoolAutoscaling`). */
export const changeMethod = (change: GkeChange): string => change.method[0]!.toUpperCase() + change.method.slice(1);

/** What to compare beyond config: whether node pools that left config are deleted. */
export interface ClusterDiffOptions {
  /** Node pools not in config become `DeleteNodePool` changes; otherwise they are reported. @default false */
  readonly prune?: boolean;
}

/** The last segment of a resource path: GKE returns `network`/`subnetwork` as short names. */
const lastSegment = (value: unknown): string | undefined => (typeof value === 'string' && value ? value.split('/').pop() : undefined);

/**
 * Every field set in `request` whose value in `have` differs (order: cluster fields, then node
 * pools, then pools that are not in config).
 */
export function clusterDifferences(request: CreateClusterRequest, have: GkeCluster, options: ClusterDiffOptions = {}): Difference<GkeChange>[] {
  const want = request.cluster;
  const name = String(want.name);
  const [, project, region] = /^projects\/([^/]+)\/locations\/([^/]+)$/.exec(request.parent) ?? [];
  const path = `${request.parent}/clusters/${name}`;
  const update = (...flags: string[]) => commandLine(['container', 'clusters', 'update', name, `--region=${region}`, `--project=${project}`, ...flags]);
  const replace = (what: string) => ({
    kind: 'immutable' as const,
    fix: `a cluster's ${what} cannot change: add a cluster with a new name and the new ${what}, move its workloads there, then remove ${name} (provision --prune)`,
  });
  const out: Difference<GkeChange>[] = [];

  compareField(out, 'network', lastSegment(want.network), lastSegment(have.network), replace('network'));
  compareField(out, 'subnetwork', lastSegment(want.subnetwork), lastSegment(have.subnetwork), replace('subnet'));
  if (want.locations?.length) compareField(out, 'locations', want.locations, have.locations, { fix: update(`--node-locations=${want.locations.join(',')}`) });
  const ip = want.ipAllocationPolicy ?? {};
  compareField(out, 'ipAllocationPolicy.useIpAliases', ip.useIpAliases, have.ipAllocationPolicy?.useIpAliases, replace('networking mode'));
  compareField(out, 'ipAllocationPolicy.clusterSecondaryRangeName', ip.clusterSecondaryRangeName, have.ipAllocationPolicy?.clusterSecondaryRangeName, replace('pod range'));
  compareField(out, 'ipAllocationPolicy.servicesSecondaryRangeName', ip.servicesSecondaryRangeName, have.ipAllocationPolicy?.servicesSecondaryRangeName, replace('service range'));

  // Security settings: reported, never changed by provision (each change restarts or re-creates nodes).
  const pool = want.workloadIdentityConfig?.workloadPool;
  compareField(out, 'workloadIdentityConfig.workloadPool', pool, have.workloadIdentityConfig?.workloadPool,
    { kind: 'security', fix: pool ? update(`--workload-pool=${pool}`) : update('--disable-workload-identity') });
  const channel = want.releaseChannel?.channel;
  compareField(out, 'releaseChannel.channel', channel, have.releaseChannel?.channel,
    { kind: 'security', fix: update(`--release-channel=${String(channel).toLowerCase()}`) });
  // Clusters made with the deprecated field report privacy there; either field counts.
  const havePrivate = have.networkConfig?.defaultEnablePrivateNodes ?? have.privateClusterConfig?.enablePrivateNodes;
  const wantPrivate = want.networkConfig?.defaultEnablePrivateNodes;
  compareField(out, 'networkConfig.defaultEnablePrivateNodes', wantPrivate, havePrivate,
    { kind: 'security', fix: update(wantPrivate ? '--enable-private-nodes' : '--no-enable-private-nodes') });
  // Config has no setting for it: provision creates clusters without, so anything else is drift to look at.
  compareField(out, 'masterAuthorizedNetworksConfig.enabled', want.masterAuthorizedNetworksConfig?.enabled, have.masterAuthorizedNetworksConfig?.enabled,
    { kind: 'security', fix: `${update('--no-enable-master-authorized-networks')}, or keep it and run provision with --accept-drift` });
  if (want.privateClusterConfig?.masterIpv4CidrBlock) {
    compareField(out, 'privateClusterConfig.masterIpv4CidrBlock', want.privateClusterConfig.masterIpv4CidrBlock, have.privateClusterConfig?.masterIpv4CidrBlock, replace('control plane range'));
  }
  if (want.networkConfig?.gatewayApiConfig) {
    compareField(out, 'networkConfig.gatewayApiConfig.channel', want.networkConfig.gatewayApiConfig.channel, have.networkConfig?.gatewayApiConfig?.channel, { fix: update('--gateway-api=standard') });
  }
  if (want.fleet) compareField(out, 'fleet.project', want.fleet.project, have.fleet?.project, { fix: update(`--fleet-project=${want.fleet.project}`) });
  // Only the labels config sets: labels added by others (billing, GKE itself) are not ours to judge.
  for (const [key, value] of Object.entries(want.resourceLabels ?? {})) {
    compareField(out, `resourceLabels.${key}`, value, have.resourceLabels?.[key], { fix: update(`--update-labels=${key}=${value}`) });
  }

  const poolUpdate = (pool: string) => commandLine(['container', 'node-pools', 'update', pool, `--cluster=${name}`, `--region=${region}`, `--project=${project}`]);
  for (const pool of want.nodePools ?? []) {
    const field = `nodePools[${pool.name}]`;
    const poolPath = `${path}/nodePools/${pool.name}`;
    const live = have.nodePools?.find((p) => p.name === pool.name);
    if (!live) {
      out.push({ field, want: 'present', have: 'missing', kind: 'update', fix: `GKE CreateNodePool ${pool.name}`, change: { method: 'createNodePool', request: { parent: path, nodePool: pool } } });
      continue;
    }
    // Machine type and disk size change together, in one request (as gcloud sends them).
    const resize = { method: 'updateNodePool' as const, request: { name: poolPath, machineType: pool.config?.machineType ?? null, diskSizeGb: pool.config?.diskSizeGb ?? null } };
    const resizeInfo = { kind: 'update' as const, fix: `GKE UpdateNodePool ${pool.name} (nodes are re-created, a few at a time)`, change: resize };
    compareField(out, `${field}.config.machineType`, pool.config?.machineType, live.config?.machineType, resizeInfo);
    compareField(out, `${field}.config.diskSizeGb`, pool.config?.diskSizeGb, live.config?.diskSizeGb, resizeInfo);
    compareField(out, `${field}.config.spot`, pool.config?.spot, live.config?.spot, {
      kind: 'immutable', fix: `a node pool's spot setting cannot change: add a pool with a new name and the new setting, then remove ${pool.name} from config and run provision --prune`,
    });
    compareField(out, `${field}.config.workloadMetadataConfig.mode`, pool.config?.workloadMetadataConfig?.mode, live.config?.workloadMetadataConfig?.mode,
      { kind: 'security', fix: `${poolUpdate(String(pool.name))} --workload-metadata=${pool.config?.workloadMetadataConfig?.mode ?? 'GKE_METADATA'}` });
    const scale = { method: 'setNodePoolAutoscaling' as const, request: { name: poolPath, autoscaling: pool.autoscaling ?? null } };
    const scaleInfo = { kind: 'update' as const, fix: `GKE SetNodePoolAutoscaling ${pool.name}`, change: scale };
    compareField(out, `${field}.autoscaling.enabled`, pool.autoscaling?.enabled, live.autoscaling?.enabled, scaleInfo);
    compareField(out, `${field}.autoscaling.minNodeCount`, pool.autoscaling?.minNodeCount, live.autoscaling?.minNodeCount, scaleInfo);
    compareField(out, `${field}.autoscaling.maxNodeCount`, pool.autoscaling?.maxNodeCount, live.autoscaling?.maxNodeCount, scaleInfo);
  }
  for (const live of have.nodePools ?? []) {
    if ((want.nodePools ?? []).some((p) => p.name === live.name)) continue;
    const field = `nodePools[${live.name}]`;
    out.push(options.prune
      ? { field, want: 'absent', have: 'present', kind: 'update', fix: `GKE DeleteNodePool ${live.name}`, change: { method: 'deleteNodePool', request: { name: `${path}/nodePools/${live.name}` } } }
      : { field, want: 'absent', have: 'present', fix: `not in config: provision --prune deletes it` });
  }
  return out;
}

