/**
 * The global entry point (when `globalEntry` is on): every serving cluster exports its Istio
 * ingress gateway Service, every other cluster gets the ingress namespace (namespace sameness),
 * and the config cluster holds the multi-cluster Gateway in front of them all.
 */
import { IngressExport } from '../charts/global-entry/service-export.ts';
import { MultiClusterGateway } from '../charts/global-entry/multi-cluster-gateway.ts';
import { INGRESS } from '../charts/istio/names.ts';
import type { Contribution } from './cluster-build.ts';

export const globalEntryContribution: Contribution = (build) => {
  const { fleet, cluster } = build;
  const entry = fleet.globalEntry;
  if (!entry) return;
  const serving = entry.servingClusters.includes(cluster.name);
  build.chart('global-entry', serving ? 'ingress-export' : 'ingress-namespace', (scope, id) => new IngressExport(scope, id, {
    namespace: INGRESS.namespace,
    service: serving ? INGRESS.service : undefined,
  }));
  if (cluster.name === entry.configCluster) {
    build.chart('global-entry', 'multi-cluster-gateway', (scope, id) => new MultiClusterGateway(scope, id, {
      namespace: INGRESS.namespace,
      service: INGRESS.service,
      servicePort: INGRESS.httpPort,
      healthCheck: { port: INGRESS.statusPort, path: INGRESS.readinessPath },
      hostnames: entry.hostnames,
      address: entry.address,
      certificateMap: entry.certificateMap,
      securityPolicy: entry.securityPolicy,
      backendTimeoutSec: entry.backendTimeoutSec,
    }));
  }
};
