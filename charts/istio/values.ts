/**
 * Helm values of every Istio chart, derived from the fleet model. Pure functions, so tests can
 * check each key against the pinned chart (chart-keys.ts) and each value against the topology.
 * Values follow the upstream multicluster install guides (notes/istio.md §1.4).
 */
import { gatewayRevision, hasEastWestGateway, injectionPath, pilotAddress, revisionOfTag, type Cluster, type Fleet, type IstioRevision } from '../../config/model.ts';
import { ISTIO_NAMESPACE } from './names.ts';

/**
 * Whether an istiod manages this cluster's validating webhooks (patches in its CA and serves
 * them): only a primary's own istiod. A primary's istiod patches a remote's *injection* webhook,
 * never its validating webhooks (pilot/pkg/bootstrap/validation.go watches its own cluster only).
 */
export const istiodManagesValidation = (cluster: Cluster): boolean => cluster.role === 'primary';

/**
 * `base.validationFailurePolicy` for both charts that render a validating webhook. Where istiod
 * manages the webhook, start it at Fail instead of letting istiod flip it from Ignore, so the
 * object helm-controller applied stays the object that runs. Where none does (a remote), a Fail
 * webhook with no caBundle would reject every Istio object applied there forever; Ignore is what
 * the chart renders on install anyway, and set explicitly it also survives upgrades (the chart
 * omits the field on upgrade, and the API server's default is Fail).
 */
function validation(cluster: Cluster): { validationFailurePolicy: 'Fail' | 'Ignore' } {
  return { validationFailurePolicy: istiodManagesValidation(cluster) ? 'Fail' : 'Ignore' };
}

/**
 * `base` chart: CRDs and cluster-wide objects. A remote uses the remote profile. Its default
 * validating webhook (`istiod-default-validator`, the one that validates Istio config not
 * labelled for a revision) calls the revision of the default tag: the chart's own default
 * (`default`, Service `istiod`) names a control plane no revisioned mesh runs.
 */
export function baseValues(fleet: Fleet, cluster: Cluster): Record<string, unknown> {
  return {
    ...(cluster.role === 'remote' ? { profile: 'remote' } : {}),
    defaultRevision: revisionOfTag(fleet, fleet.mesh.istio.defaultTag).name,
    global: { istioNamespace: ISTIO_NAMESPACE },
    base: validation(cluster),
  };
}

/** `istiod` chart of one revision: the control plane on a primary, the remote profile on a remote. */
export function istiodValues(fleet: Fleet, cluster: Cluster, revision: IstioRevision): Record<string, unknown> {
  const common = {
    meshID: fleet.mesh.id,
    multiCluster: { clusterName: cluster.name },
    network: cluster.network,
  };
  if (cluster.role === 'remote') {
    return {
      profile: 'remote',
      revision: revision.name,
      global: {
        ...common,
        // Must be an IP: with a hostname the chart renders an ExternalName Service, which
        // webhook clients reject (istio/istio#45014).
        remotePilotAddress: pilotAddress(fleet, cluster),
        configCluster: true,
      },
      istiodRemote: { injectionPath: injectionPath(cluster) },
      base: validation(cluster),
    };
  }
  return {
    revision: revision.name,
    global: {
      ...common,
      // Also act as the external control plane of this primary's remotes: lead their namespaces
      // and patch their injection webhook's caBundle (needs topology.istio.io/controlPlaneClusters).
      ...(cluster.remotes.length > 0 ? { externalIstiod: true } : {}),
    },
    meshConfig: { trustDomain: fleet.mesh.trustDomain },
    base: validation(cluster),
  };
}

/**
 * `istiod` chart as the release of one revision tag (see Istiod): the chart renders the tag's
 * injection webhook, calling the tag's revision, only from `revisionTags`. In a remote the
 * webhook calls that revision's `istiod-<revision>` Service, on the remote's injection path.
 */
export function tagValues(fleet: Fleet, cluster: Cluster, tag: string): Record<string, unknown> {
  return {
    revision: revisionOfTag(fleet, tag).name,
    revisionTags: [tag],
    ...(cluster.role === 'remote' ? { istiodRemote: { injectionPath: injectionPath(cluster) } } : {}),
  };
}

/**
 * `gateway` chart as the cluster's Istio ingress gateway: an external LoadBalancer, or, behind the
 * fleet's global entry, a ClusterIP Service that the global load balancer reaches through NEGs.
 */
export function ingressValues(fleet: Fleet, cluster: Cluster): Record<string, unknown> {
  const behindGlobalEntry = fleet.globalEntry?.servingClusters.includes(cluster.name) ?? false;
  return {
    // Pods labelled istio.io/rev: <revision> get that revision's proxy, so a tag move rolls them.
    revision: gatewayRevision(fleet, cluster).name,
    service: { type: behindGlobalEntry ? 'ClusterIP' : 'LoadBalancer' },
    ...sizeValues(cluster.gateways.ingress),
  };
}

/** The `gateway` chart's autoscaling and resources from a cluster's gateway size. */
function sizeValues(size: Cluster['gateways']['ingress']): Record<string, unknown> {
  const limits = {
    ...(size.resources.cpu.limit ? { cpu: size.resources.cpu.limit } : {}),
    ...(size.resources.memory.limit ? { memory: size.resources.memory.limit } : {}),
  };
  return {
    autoscaling: { enabled: true, minReplicas: size.minReplicas, maxReplicas: size.maxReplicas },
    resources: {
      requests: { cpu: size.resources.cpu.request, memory: size.resources.memory.request },
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    },
  };
}

/**
 * `gateway` chart as the east-west gateway: a GKE internal passthrough load balancer with global
 * access (remotes sit in other regions) and, where config gives one, a static internal address
 * that remotes use as their pilot address.
 */
export function eastWestValues(fleet: Fleet, cluster: Cluster): Record<string, unknown> {
  if (!hasEastWestGateway(fleet, cluster)) throw new Error(`${cluster.name} has no east-west gateway`);
  return {
    revision: gatewayRevision(fleet, cluster).name,
    // Labels the Service and pods with topology.istio.io/network and exposes 15443/15012/15017.
    networkGateway: cluster.network,
    service: {
      type: 'LoadBalancer',
      annotations: {
        'networking.gke.io/load-balancer-type': 'Internal',
        'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      },
      ...(cluster.eastWestAddress ? { loadBalancerIP: cluster.eastWestAddress } : {}),
    },
    ...sizeValues(cluster.gateways.eastWest),
  };
}
