/**
 * The CreateCluster request of one fleet cluster: a pure function of the config, so the plan, the
 * dry run, the apply and the tests all see the same request.
 */
import type { protos } from '@google-cloud/container';
import type { Cluster, Fleet } from '../../config/model.ts';
import {
  MESH_LABEL, ROLE_LABEL, locationPath, networkPath, podsRangeName, servicesRangeName, subnetPath, workloadPool,
} from './names.ts';

export type GkeCluster = protos.google.container.v1.ICluster;

/** A CreateCluster request with the two fields provisioning always sets made non-optional. */
export interface CreateClusterRequest extends protos.google.container.v1.ICreateClusterRequest {
  readonly parent: string;
  readonly cluster: GkeCluster;
}

/**
 * Builds the CreateCluster request for `cluster`: a regional, VPC-native cluster in the fleet's VPC
 * on the cluster's own subnet, with Workload Identity, the configured release channel, private
 * nodes (current fields only), autoscaled node pools and the mesh labels.
 */
export function clusterRequest(fleet: Fleet, cluster: Cluster): CreateClusterRequest {
  const { gke } = fleet;
  const controlPlane = cluster.ranges.controlPlane;
  const spec: GkeCluster = {
    name: cluster.name,
    description: `meshfleet ${cluster.role} cluster of mesh ${fleet.mesh.id}`,
    network: networkPath(fleet),
    subnetwork: subnetPath(fleet.project, cluster),
    // Zones pin the node locations; without them GKE picks zones of the region.
    ...(cluster.zones.length > 0 ? { locations: [...cluster.zones] } : {}),
    ipAllocationPolicy: {
      useIpAliases: true,
      clusterSecondaryRangeName: podsRangeName(cluster),
      servicesSecondaryRangeName: servicesRangeName(cluster),
    },
    workloadIdentityConfig: { workloadPool: workloadPool(fleet.project) },
    releaseChannel: { channel: cluster.releaseChannel },
    networkConfig: {
      // `privateClusterConfig.enablePrivateNodes` is deprecated; this is its replacement.
      defaultEnablePrivateNodes: gke.privateNodes,
      ...(gke.gatewayApi ? { gatewayApiConfig: { channel: 'CHANNEL_STANDARD' } } : {}),
    },
    // Without a /28 GKE gives the control plane a Private Service Connect endpoint instead.
    ...(gke.privateNodes && controlPlane ? { privateClusterConfig: { masterIpv4CidrBlock: controlPlane } } : {}),
    nodePools: cluster.nodePools.map((pool) => ({
      name: pool.name,
      // Per zone, like the autoscaling bounds; a pool cannot start empty.
      initialNodeCount: Math.max(pool.minNodes, 1),
      config: {
        machineType: pool.machineType,
        diskSizeGb: pool.diskSizeGb,
        spot: pool.spot,
        // The node service account's IAM roles limit access; scopes stay broad, as Google recommends.
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
      },
      autoscaling: { enabled: true, minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
      management: { autoRepair: true, autoUpgrade: true },
    })),
    resourceLabels: {
      ...cluster.labels,
      [MESH_LABEL]: fleet.mesh.id,
      [ROLE_LABEL]: cluster.role,
    },
    ...(gke.fleetRegistration ? { fleet: { project: fleet.project } } : {}),
  };
  return { parent: locationPath(fleet.project, cluster.region), cluster: spec };
}
