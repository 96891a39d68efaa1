/**
 * Compares a live GKE cluster with the request config would send, field by field, for the fields
 * provisioning sets. Differences are reported in the plan; nothing here changes a cluster.
 */
import type { GkeCluster } from './cluster-request.ts';
import { compareField, type Difference } from './differences.ts';

/** The last segment of a resource path: GKE returns `network`/`subnetwork` as short names. */
const lastSegment = (value: unknown): string | undefined => (typeof value === 'string' && value ? value.split('/').pop() : undefined);

/** Every field set in `want` whose value in `have` differs (order: cluster fields, then node pools). */
export function clusterDifferences(want: GkeCluster, have: GkeCluster): Difference[] {
  const out: Difference[] = [];
  compareField(out, 'network', lastSegment(want.network), lastSegment(have.network));
  compareField(out, 'subnetwork', lastSegment(want.subnetwork), lastSegment(have.subnetwork));
  if (want.locations?.length) compareField(out, 'locations', want.locations, have.locations);
  const ip = want.ipAllocationPolicy ?? {};
  compareField(out, 'ipAllocationPolicy.useIpAliases', ip.useIpAliases, have.ipAllocationPolicy?.useIpAliases);
  compareField(out, 'ipAllocationPolicy.clusterSecondaryRangeName', ip.clusterSecondaryRangeName, have.ipAllocationPolicy?.clusterSecondaryRangeName);
  compareField(out, 'ipAllocationPolicy.servicesSecondaryRangeName', ip.servicesSecondaryRangeName, have.ipAllocationPolicy?.servicesSecondaryRangeName);
  compareField(out, 'workloadIdentityConfig.workloadPool', want.workloadIdentityConfig?.workloadPool, have.workloadIdentityConfig?.workloadPool);
  compareField(out, 'releaseChannel.channel', want.releaseChannel?.channel, have.releaseChannel?.channel);
  // Clusters made with the deprecated field report privacy there; either field counts.
  const havePrivate = have.networkConfig?.defaultEnablePrivateNodes ?? have.privateClusterConfig?.enablePrivateNodes;
  compareField(out, 'networkConfig.defaultEnablePrivateNodes', want.networkConfig?.defaultEnablePrivateNodes, havePrivate);
  if (want.privateClusterConfig?.masterIpv4CidrBlock) {
    compareField(out, 'privateClusterConfig.masterIpv4CidrBlock', want.privateClusterConfig.masterIpv4CidrBlock, have.privateClusterConfig?.masterIpv4CidrBlock);
  }
  if (want.networkConfig?.gatewayApiConfig) {
    compareField(out, 'networkConfig.gatewayApiConfig.channel', want.networkConfig.gatewayApiConfig.channel, have.networkConfig?.gatewayApiConfig?.channel);
  }
  if (want.fleet) compareField(out, 'fleet.project', want.fleet.project, have.fleet?.project);
  // Only the labels config sets: labels added by others (billing, GKE itself) are not ours to judge.
  for (const [key, value] of Object.entries(want.resourceLabels ?? {})) {
    compareField(out, `resourceLabels.${key}`, value, have.resourceLabels?.[key]);
  }
  for (const pool of want.nodePools ?? []) {
    const field = `nodePools[${pool.name}]`;
    const live = have.nodePools?.find((p) => p.name === pool.name);
    if (!live) {
      out.push({ field, want: 'present', have: 'missing' });
      continue;
    }
    compareField(out, `${field}.config.machineType`, pool.config?.machineType, live.config?.machineType);
    compareField(out, `${field}.config.diskSizeGb`, pool.config?.diskSizeGb, live.config?.diskSizeGb);
    compareField(out, `${field}.config.spot`, pool.config?.spot, live.config?.spot);
    compareField(out, `${field}.config.workloadMetadataConfig.mode`, pool.config?.workloadMetadataConfig?.mode, live.config?.workloadMetadataConfig?.mode);
    compareField(out, `${field}.autoscaling.enabled`, pool.autoscaling?.enabled, live.autoscaling?.enabled);
    compareField(out, `${field}.autoscaling.minNodeCount`, pool.autoscaling?.minNodeCount, live.autoscaling?.minNodeCount);
    compareField(out, `${field}.autoscaling.maxNodeCount`, pool.autoscaling?.maxNodeCount, live.autoscaling?.maxNodeCount);
  }
  return out;
}
