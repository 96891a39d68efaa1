/**
 * What Istio each cluster gets, by role and network model:
 * - every cluster: base (CRDs), each revision's istiod (control plane or remote profile), and the
 *   webhook of each revision tag;
 * - gateways: ingress where config asks for it, east-west where remotes or other networks need
 *   it, each on the revision of the tag it follows;
 * - mesh policy: only where istiod reads config (the primaries).
 */
import { configClusters, gatewayRevision, hasEastWestGateway, newestRevision, pilotAddress, revisionOfTag, watchersOf } from '../config/model.ts';
import {
  Gateways, IstioBase, Istiod, MeshPolicy, baseValues, eastWestValues, ingressValues, istiodManagesValidation, istiodValues, tagValues,
  type IstioChartVersion,
} from '../charts/istio/index.ts';
import type { Contribution } from './cluster-build.ts';

export const istioContribution: Contribution = (build) => {
  const { fleet, cluster } = build;
  const { revisions, tags } = fleet.mesh.istio;
  const eastWest = hasEastWestGateway(fleet, cluster);
  const gatewayVersion = gatewayRevision(fleet, cluster).version;
  const base = newestRevision(fleet);
  const tagList = Object.keys(tags).sort().map((tag) => ({ tag, version: revisionOfTag(fleet, tag).version, values: tagValues(fleet, cluster, tag) }));
  const use: IstioChartVersion[] = [
    { chart: 'base', version: base.version },
    ...revisions.map((r) => ({ chart: 'istiod' as const, version: r.version })),
    ...(cluster.ingress || eastWest ? [{ chart: 'gateway' as const, version: gatewayVersion }] : []),
  ];
  const managedValidation = istiodManagesValidation(cluster);

  const baseChart = build.chart('istio-base', 'istio-base', (scope, id) => new IstioBase(scope, id, {
    charts: fleet.mesh.istio.charts,
    version: base.version,
    use,
    values: baseValues(fleet, cluster),
    managedValidation,
    namespaceLabels: fleet.mesh.networkModel === 'multi-network' ? { 'topology.istio.io/network': cluster.network } : undefined,
    namespaceAnnotations: cluster.role === 'remote' ? { 'topology.istio.io/controlPlaneClusters': cluster.controlPlane } : undefined,
  }));

  build.chart('istiod', 'istiod', (scope, id) => new Istiod(scope, id, {
    source: baseChart.source,
    revisions: revisions.map((r) => ({ revision: r.name, version: r.version, values: istiodValues(fleet, cluster, r) })),
    tags: tagList,
    readerToken: watchersOf(fleet, cluster).length > 0,
    managedValidation,
    remotePilotAddress: cluster.role === 'remote' ? pilotAddress(fleet, cluster) : undefined,
  }));

  if (cluster.ingress || eastWest) {
    build.chart('gateways', 'gateways', (scope, id) => new Gateways(scope, id, {
      source: baseChart.source,
      ingress: cluster.ingress ? { version: gatewayVersion, values: ingressValues(fleet, cluster) } : undefined,
      eastWest: eastWest ? { version: gatewayVersion, values: eastWestValues(fleet, cluster) } : undefined,
    }));
  }

  if (configClusters(fleet).some((c) => c.name === cluster.name)) {
    build.chart('mesh', 'mesh-policy', (scope, id) => new MeshPolicy(scope, id, {
      exposeIstiod: cluster.remotes.length > 0 ? revisions.map((r) => r.name) : undefined,
      exposeServices: fleet.mesh.networkModel === 'multi-network',
    }));
  }
};
