/**
 * A call with nothing to answer it: a service that workloads call must have pods somewhere in the
 * fleet (a Deployment with replicas, or an autoscaler with minReplicas of at least 1). Catches a
 * placement that scales every workload of a called service to 0.
 */
import { backingDeployments, hasPods, ofKind, type Check, type CheckInput } from './check-input.ts';
import { serviceOfDeployment } from './check-caller-services.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

export function checkCalleeEndpoints(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const deployment of ofKind(input, 'Deployment')) {
    const owner = serviceOfDeployment(input, deployment);
    if (!owner || !hasPods(input, deployment)) continue;
    for (const callee of owner.service.calls) {
      const key = `${deployment.namespace}/${owner.service.name}/${callee}`;
      if (reported.has(key)) continue;
      if (backingDeployments(input, callee, deployment.namespace).some((d) => hasPods(input, d))) continue;
      reported.add(key);
      findings.push({
        severity: 'error',
        check: calleeEndpoints.id,
        where: objectRef(deployment),
        message: `${owner.service.name} calls ${callee}, which has no running pod in any cluster (no Deployment, or all scaled to 0); those calls fail with 503 no healthy upstream`,
        fix: `place a ${callee} workload with at least one replica in some cluster: apps.${owner.app.name}.placement in ${input.fleet.file}`,
      });
    }
  }
  return findings;
}

export const calleeEndpoints: Check = { id: 'callee-endpoints', title: 'every called service has running pods somewhere', run: checkCalleeEndpoints };
