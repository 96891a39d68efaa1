/**
 * Locality failover without outlierDetection: Istio applies locality priorities (and `failover`)
 * only where the DestinationRule has outlierDetection for that port or subset; without it,
 * endpoints of every region are balanced evenly, which is cross-region traffic (istio/istio#48084;
 * the Istio validation only warns). Checks the rule, each port-level setting and each subset, with
 * the fields each inherits from the rule.
 */
import { ofKind, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

interface Policy {
  loadBalancer?: { localityLbSetting?: { enabled?: boolean; failover?: unknown[]; failoverPriority?: unknown[] } };
  outlierDetection?: unknown;
  portLevelSettings?: (Policy & { port?: { number?: number } })[];
}

interface Level {
  readonly at: string;
  readonly lb: Policy['loadBalancer'];
  readonly outlier: unknown;
}

/** The rule's policy levels, each with its effective load balancer and outlier detection. */
function levels(spec: { trafficPolicy?: Policy; subsets?: { name?: string; trafficPolicy?: Policy }[] }): Level[] {
  const out: Level[] = [];
  const walk = (policy: Policy | undefined, at: string, parent?: Level) => {
    const level: Level = { at, lb: policy?.loadBalancer ?? parent?.lb, outlier: policy?.outlierDetection ?? parent?.outlier };
    out.push(level);
    (policy?.portLevelSettings ?? []).forEach((p, i) => {
      out.push({ at: `${at}.portLevelSettings[${p.port?.number ?? i}]`, lb: p.loadBalancer ?? level.lb, outlier: p.outlierDetection ?? level.outlier });
    });
    return level;
  };
  const top = walk(spec.trafficPolicy, 'trafficPolicy');
  for (const subset of spec.subsets ?? []) walk(subset.trafficPolicy, `subsets[${subset.name}].trafficPolicy`, top);
  return out;
}

export function checkOutlierDetection(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const rule of ofKind(input, 'DestinationRule')) {
    const seen = new Set<string>();
    for (const level of levels((rule.body.spec ?? {}) as Parameters<typeof levels>[0])) {
      const locality = level.lb?.localityLbSetting;
      if (!locality || locality.enabled === false || level.outlier !== undefined) continue;
      const failover = (locality.failover?.length ?? 0) > 0 || (locality.failoverPriority?.length ?? 0) > 0;
      // A subset that inherits everything repeats the rule's finding; report it once.
      const key = JSON.stringify([locality, failover]);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        severity: failover ? 'error' : 'warning',
        check: outlierDetection.id,
        where: objectRef(rule),
        message: failover
          ? `${level.at} sets locality failover but no outlierDetection; Istio then ignores locality and balances over every region evenly, so traffic crosses regions even when local endpoints are healthy`
          : `${level.at} enables locality load balancing but has no outlierDetection, so locality preference does not apply`,
        fix: `add outlierDetection to ${level.at}; meshfleet's ServiceTraffic renders it for every service, so run npm run synth`,
      });
    }
  }
  return findings;
}

export const outlierDetection: Check = { id: 'outlier-detection', title: 'locality failover comes with outlierDetection', run: checkOutlierDetection };
