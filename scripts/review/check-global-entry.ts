/**
 * A global entry whose config cluster serves nothing: the multi-cluster Gateway lives in the config
 * cluster, and the load balancer has backends only in clusters that export an ingress gateway. A
 * config cluster without one, or a fleet where no cluster serves, gives an address that answers
 * nothing. The loader rejects both; the check runs on the model and the rendered objects anyway.
 */
import type { Check, CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';

export function checkGlobalEntry({ fleet, objects }: CheckInput): Finding[] {
  const entry = fleet.globalEntry;
  if (!entry) return [];
  const findings: Finding[] = [];
  const exporting = new Set(objects.filter((o) => o.kind === 'ServiceExport').map((o) => o.cluster));
  const serving = entry.servingClusters.filter((c) => exporting.has(c));
  if (serving.length === 0) {
    findings.push({
      severity: 'error',
      check: globalEntry.id,
      where: `${fleet.file} globalEntry`,
      message: 'no cluster exports an ingress gateway: the global address has no backend',
      fix: 'set ingress: true on at least one cluster',
    });
  }
  const config = fleet.clusters.find((c) => c.name === entry.configCluster);
  if (!config?.ingress || !exporting.has(entry.configCluster)) {
    findings.push({
      severity: 'error',
      check: globalEntry.id,
      where: `${fleet.file} globalEntry.configCluster`,
      message: `config cluster ${entry.configCluster} serves nothing: it has no exported ingress gateway, so the Gateway it holds routes to no local backend`,
      fix: serving.length > 0 ? `set configCluster: to one of ${serving.join(', ')}, or ingress: true on ${entry.configCluster}` : `set ingress: true on ${entry.configCluster}`,
    });
  }
  return findings;
}

export const globalEntry: Check = { id: 'global-entry', title: 'the global entry\'s config cluster serves, and some cluster does', run: checkGlobalEntry };
