/**
 * Overlapping ranges: every subnet, pod, service and control-plane range of the fleet must be
 * disjoint. Pods reach each other directly across clusters (one flat VPC, alias IPs), so an
 * overlap makes some pod or Service IPs ambiguous. The loader rejects this too; the check runs on
 * the model anyway, so a model built any other way is covered.
 */
import { overlaps, parseCidr, type Cidr } from '../../config/cidr.ts';
import type { Check, CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';

const KINDS = ['nodes', 'pods', 'services', 'controlPlane'] as const;

export function checkOverlappingRanges({ fleet }: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const seen: { cluster: string; kind: string; cidr: Cidr }[] = [];
  fleet.clusters.forEach((cluster, i) => {
    for (const kind of KINDS) {
      const text = cluster.ranges[kind];
      if (text === undefined) continue;
      const cidr = parseCidr(text);
      for (const other of seen.filter((s) => overlaps(s.cidr, cidr))) {
        findings.push({
          severity: 'error',
          check: overlappingRanges.id,
          where: `${fleet.file} clusters[${i}].ranges.${kind}`,
          message: `${cluster.name} ${kind} range ${text} overlaps ${other.cluster} ${other.kind} range ${other.cidr.text}; pods route to each other directly, so their addresses must be unique in the fleet`,
          fix: `give ${cluster.name} a ${kind} range disjoint from every other range of the fleet`,
        });
      }
      seen.push({ cluster: cluster.name, kind, cidr });
    }
  });
  return findings;
}

export const overlappingRanges: Check = { id: 'overlapping-ranges', title: 'subnet, pod, service and control-plane ranges are disjoint across the fleet', run: checkOverlappingRanges };
