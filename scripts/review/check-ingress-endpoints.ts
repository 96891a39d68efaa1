/**
 * An ingress serving an app with no reachable endpoint: when some cluster runs an ingress gateway,
 * every VirtualService bound to a Gateway of the ingress gateway pods (`istio: ingress`) must
 * route to a service with running pods in some cluster; otherwise users get 503 no healthy
 * upstream at the front door.
 */
import { INGRESS } from '../../charts/istio/names.ts';
import { backingDeployments, hasPods, matches, ofKind, serviceOfHost, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

interface Route { route?: { destination?: { host?: string } }[] }

export function checkIngressEndpoints(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const gateways = [...new Set(ofKind(input, 'HelmRelease').filter((r) => r.name === INGRESS.release).map((r) => r.cluster))];
  if (gateways.length === 0) return findings;
  // Gateways served by the ingress gateway pods (not the east-west gateway's istiod exposure).
  const ingressGateways = new Set(ofKind(input, 'Gateway')
    .filter((g) => matches(INGRESS.selector, ((g.body.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {}))
    .map((g) => `${g.namespace}/${g.name}`));
  for (const vs of ofKind(input, 'VirtualService')) {
    const spec = (vs.body.spec ?? {}) as { gateways?: string[]; http?: Route[]; tcp?: Route[]; tls?: Route[] };
    if (!(spec.gateways ?? []).some((g) => ingressGateways.has(g.includes('/') ? g : `${vs.namespace}/${g}`))) continue;
    const hosts = [...new Set([...(spec.http ?? []), ...(spec.tcp ?? []), ...(spec.tls ?? [])].flatMap((r) => (r.route ?? []).map((d) => d.destination?.host)).filter((h): h is string => !!h))];
    for (const host of hosts) {
      const svc = serviceOfHost(host, vs.namespace);
      if (backingDeployments(input, svc.name, svc.namespace).some((d) => hasPods(input, d))) continue;
      const app = input.fleet.apps.find((a) => a.namespace === svc.namespace);
      findings.push({
        severity: 'error',
        check: ingressEndpoints.id,
        where: objectRef(vs),
        message: `the ingress gateways in ${gateways.join(', ')} route to ${svc.name}.${svc.namespace}, which has no running pod in any cluster; users get 503 no healthy upstream`,
        fix: `place a ${svc.name} workload with at least one replica in some cluster: apps.${app?.name ?? '<app>'}.placement in ${input.fleet.file}`,
      });
    }
  }
  return findings;
}

export const ingressEndpoints: Check = { id: 'ingress-endpoints', title: 'what the ingress serves has running pods somewhere', run: checkIngressEndpoints };
