/**
 * DestinationRule subsets with no matching workload anywhere: a subset selects pods of the rule's
 * host by labels (usually `version`). If no Deployment in any cluster backs the host with those
 * labels, routes to the subset fail with 503 no healthy upstream.
 */
import { backingDeployments, ofKind, podLabels, serviceOfHost, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

export function checkSubsets(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const rule of ofKind(input, 'DestinationRule')) {
    const spec = (rule.body.spec ?? {}) as { host?: string; subsets?: { name?: string; labels?: Record<string, string> }[] };
    if (!spec.host || !spec.subsets?.length) continue;
    const host = serviceOfHost(spec.host, rule.namespace);
    const pods = backingDeployments(input, host.name, host.namespace).map((d) => ({ d, labels: podLabels(d) }));
    for (const subset of spec.subsets) {
      const labels = Object.entries(subset.labels ?? {});
      if (labels.length === 0 || pods.some((p) => labels.every(([k, v]) => p.labels[k] === v))) continue;
      const wanted = labels.map(([k, v]) => `${k}=${v}`).join(',');
      const have = [...new Set(pods.map((p) => p.d.name))].sort();
      findings.push({
        severity: 'error',
        check: subsets.id,
        where: objectRef(rule),
        message: `subset ${subset.name} selects ${host.name} pods with ${wanted}, but no Deployment in any cluster has them (${have.length ? `${host.name} runs as ${have.join(', ')}` : `no Deployment backs ${host.name}`}); traffic routed to it fails with 503`,
        fix: `place a ${host.name} workload with ${wanted} in some cluster, or stop routing to subset ${subset.name}: apps.<app>.traffic.${host.name}.weights in ${input.fleet.file}`,
      });
    }
  }
  return findings;
}

export const subsets: Check = { id: 'subsets', title: 'every DestinationRule subset matches a workload in some cluster', run: checkSubsets };
