/**
 * A remote without a primary: every remote's control plane must be a primary of the fleet, or the
 * remote has no istiod (no injection, no config). The loader rejects this too; the check runs on
 * the model anyway.
 */
import type { Check, CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';

export function checkRemotePrimaries({ fleet }: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const primaries = fleet.clusters.filter((c) => c.role === 'primary').map((c) => c.name);
  fleet.clusters.forEach((cluster, i) => {
    if (cluster.role !== 'remote') return;
    const target = fleet.clusters.find((c) => c.name === cluster.controlPlane);
    let problem: string | undefined;
    if (!cluster.controlPlane || cluster.controlPlane === cluster.name) problem = 'names no primary';
    else if (!target) problem = `names primary ${cluster.controlPlane}, which is not a cluster of the fleet`;
    else if (target.role !== 'primary') problem = `names ${cluster.controlPlane} as its primary, which is itself a remote`;
    if (!problem) return;
    findings.push({
      severity: 'error',
      check: remotePrimaries.id,
      where: `${fleet.file} clusters[${i}].primary`,
      message: `remote ${cluster.name} ${problem}: no istiod serves it, so its pods get no sidecars and no config`,
      fix: primaries.length > 0 ? `set primary: to one of ${primaries.join(', ')}, or make ${cluster.name} a primary` : `make at least one cluster role: primary and name it as ${cluster.name}'s primary`,
    });
  });
  return findings;
}

export const remotePrimaries: Check = { id: 'remote-primary', title: 'every remote is served by a primary of the fleet', run: checkRemotePrimaries };
