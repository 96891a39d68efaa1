/**
 * A caller without the Service it calls: Istio resolves a service name in the caller's own
 * cluster (DNS there, then endpoints merged from every cluster by hostname), so each cluster needs
 * a Service for everything its workloads call, even where no pod of it runs. Reads the rendered
 * Deployments and Services and the app's call graph.
 */
import type { App } from '../../config/model.ts';
import { ofKind, podLabels, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef, type RenderedObject } from './objects.ts';

/** The app and service a Deployment implements, from its namespace and `app` pod label. */
export function serviceOfDeployment(input: CheckInput, deployment: RenderedObject): { app: App; service: App['services'][number] } | undefined {
  const name = podLabels(deployment).app;
  for (const app of input.fleet.apps) {
    if (app.namespace !== deployment.namespace) continue;
    const service = app.services.find((s) => s.name === name);
    if (service) return { app, service };
  }
  return undefined;
}

export function checkCallerServices(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const services = new Set(ofKind(input, 'Service').map((s) => `${s.cluster}/${s.namespace}/${s.name}`));
  for (const deployment of ofKind(input, 'Deployment')) {
    const owner = serviceOfDeployment(input, deployment);
    if (!owner) continue;
    for (const callee of owner.service.calls) {
      if (services.has(`${deployment.cluster}/${deployment.namespace}/${callee}`)) continue;
      findings.push({
        severity: 'error',
        check: callerServices.id,
        where: objectRef(deployment),
        message: `${owner.service.name} calls ${callee}, but ${deployment.cluster} has no Service ${deployment.namespace}/${callee}; the name does not resolve in the caller's cluster, so every call fails although ${callee} may run elsewhere`,
        fix: `render Service ${deployment.namespace}/${callee} in ${deployment.cluster}: run npm run synth, which adds every Service a cluster's workloads call (servicesNeeded in config/model.ts)`,
      });
    }
  }
  return findings;
}

export const callerServices: Check = { id: 'caller-service', title: 'every caller has the Services it calls in its own cluster', run: checkCallerServices };
