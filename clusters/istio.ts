/**
 * What Istio each cluster gets, by role and network model:
 * - every cluster: base (CRDs), istiod (control plane or remote profile);
 * - gateways: ingress where config asks for it, east-west where remotes or other networks need it;
 * - mesh policy: only where istiod reads config (the primaries).
 */
import { configClusters, hasEastWestGateway, pilotAddress, watchersOf } from '../config/model.ts';
import { Gateways, IstioBase, Istiod, MeshPolicy, baseValues, istiodManagesValidation, eastWestValues, ingressValues, istiodValues, type IstioChart } from '../charts/istio/index.ts';
import type { Contribution } from './cluster-build.ts';

export const istioContribution: Contribution = (build) => {
  const { fleet, cluster } = build;
  const eastWest = hasEastWestGateway(fleet, cluster);
  const usesGateway = cluster.ingress || eastWest;
  const use: IstioChart[] = ['base', 'istiod', ...(usesGateway ? (['gateway'] as const) : [])];
  const managedValidation = istiodManagesValidation(cluster);

  const base = build.chart('istio-base', 'istio-base', (scope, id) => new IstioBase(scope, id, {
    charts: fleet.mesh.istio.charts,
    version: fleet.mesh.istio.version,
    use,
    values: baseValues(fleet, cluster),
    managedValidation,
    namespaceLabels: fleet.mesh.networkModel === 'multi-network' ? { 'topology.istio.io/network': cluster.network } : undefined,
    namespaceAnnotations: cluster.role === 'remote' ? { 'topology.istio.io/controlPlaneClusters': cluster.controlPlane } : undefined,
  }));

  build.chart('istiod', 'istiod', (scope, id) => new Istiod(scope, id, {
    source: base.source,
    values: istiodValues(fleet, cluster),
    readerToken: watchersOf(fleet, cluster).length > 0,
    managedValidation,
    remotePilotAddress: cluster.role === 'remote' ? pilotAddress(fleet, cluster) : undefined,
  }));

  if (usesGateway) {
    build.chart('gateways', 'gateways', (scope, id) => new Gateways(scope, id, {
      source: base.source,
      ingress: cluster.ingress ? ingressValues(fleet, cluster) : undefined,
      eastWest: eastWest ? eastWestValues(fleet, cluster) : undefined,
    }));
  }

  if (configClusters(fleet).some((c) => c.name === cluster.name)) {
    build.chart('mesh', 'mesh-policy', (scope, id) => new MeshPolicy(scope, id, {
      exposeIstiod: cluster.remotes.length > 0,
      exposeServices: fleet.mesh.networkModel === 'multi-network',
    }));
  }
};
