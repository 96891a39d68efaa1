/**
 * What each cluster renders for every app of the fleet, in the `apps` layer. Placement decides the
 * workloads; the Services follow from it (`servicesNeeded`); Istio config (traffic, ingress,
 * authorization) renders only where istiod reads config (`configClusters`).
 *
 * Files per app, in `apps/`:
 *  - `<app>-namespace`     the namespace, following its revision tag (cluster-scoped, so in a chart of its own)
 *  - `<app>-workloads`     ServiceAccounts, Deployments, HorizontalPodAutoscalers, PodDisruptionBudgets
 *  - `<app>-services`      a Service for every service that runs here or is called from here
 *  - `<app>-traffic`       DestinationRules (locality, outlier detection, subsets) and weight VirtualServices
 *  - `<app>-ingress`       the ingress Gateway and VirtualService, when the fleet has ingress gateways
 *  - `<app>-authorization` deny-all and one ALLOW per call edge
 */
import { AppAuthorization, type AppAuthorizationProps } from '../charts/apps/app-authorization.ts';
import { AppIngress, type AppIngressProps } from '../charts/apps/app-ingress.ts';
import { AppNamespace, type AppNamespaceProps } from '../charts/apps/app-namespace.ts';
import { AppServiceAccount, type AppServiceAccountProps } from '../charts/apps/app-service-account.ts';
import { AppWorkload, type AppWorkloadProps } from '../charts/apps/app-workload.ts';
import { MeshService, type MeshServiceProps } from '../charts/apps/mesh-service.ts';
import { ServiceTraffic, type ServiceTrafficProps } from '../charts/apps/service-traffic.ts';
import {
  appRevision,
  configClusters,
  ingressClusters,
  placedIn,
  service,
  serviceFailover,
  servicesNeeded,
  versionsOf,
  type App,
  type AppService,
  type Fleet,
  type PlacedWorkload,
} from '../config/model.ts';
import type { ClusterBuild, Contribution } from './cluster-build.ts';

/** Namespace, workloads and Services where the app runs; Istio config in config clusters. */
export const appsContribution: Contribution = (build) => {
  const { fleet, cluster } = build;
  const isConfigCluster = configClusters(fleet).some((c) => c.name === cluster.name);
  for (const app of fleet.apps) {
    const placed = placedIn(app, cluster.name);
    // The namespace also exists in config clusters without workloads: Istio config lives there,
    // and namespace sameness across the mesh is what Istio assumes.
    if (placed.length === 0 && !isConfigCluster) continue;

    // Each file is built from a list of props, once per distinct list in the fleet (memoFile).
    build.memoFile('apps', `${app.name}-namespace`, 'app-namespace', { name: app.namespace, revisionTag: app.revisionTag } satisfies AppNamespaceProps,
      (chart, props) => new AppNamespace(chart, 'namespace', props));

    if (placed.length > 0) {
      build.memoFile('apps', `${app.name}-workloads`, 'app-workloads', workloadProps(fleet, app, placed), (chart, { accounts, workloads }) => {
        for (const props of accounts) new AppServiceAccount(chart, `ServiceAccount-${props.name}`, props);
        for (const props of workloads) new AppWorkload(chart, `Workload-${props.name}`, props);
      });
      const services = servicesNeeded(app, cluster.name).map((svc): MeshServiceProps => ({ name: svc.name, namespace: app.namespace, ports: svc.ports }));
      build.memoFile('apps', `${app.name}-services`, 'app-services', services, (chart, list) => {
        for (const props of list) new MeshService(chart, props.name, props);
      });
    }

    if (isConfigCluster) addIstioConfig(build, fleet, app);
  }
};

/** ServiceAccounts and Deployments (with autoscaling and disruption budgets) of `placed`. */
function workloadProps(fleet: Fleet, app: App, placed: readonly PlacedWorkload[]): { accounts: AppServiceAccountProps[]; workloads: AppWorkloadProps[] } {
  const running = app.services.filter((s) => placed.some((p) => p.workload.service === s.name));
  const accounts: AppServiceAccountProps[] = [];
  for (const svc of running) {
    // Services may share an account (AppService.serviceAccount is configurable): render it once.
    if (accounts.some((a) => a.name === svc.serviceAccount)) continue;
    accounts.push({ name: svc.serviceAccount, namespace: app.namespace, service: svc.name });
  }
  const workloads = placed.map((p): AppWorkloadProps => {
    const w = p.workload;
    const svc = service(app, w.service);
    return {
      name: w.name,
      namespace: app.namespace,
      app: svc.name,
      version: w.version,
      serviceAccountName: svc.serviceAccount,
      image: w.image,
      ports: svc.ports.map((port) => ({ name: port.name, containerPort: containerPort(port) })),
      env: w.env,
      volumes: w.volumes,
      resources: p.resources,
      runAsUser: w.securityContext.runAsUser,
      readOnlyRootFilesystem: w.securityContext.readOnlyRootFilesystem,
      podAnnotations: w.podAnnotations,
      istioRevision: appRevision(fleet, app).name,
      replicas: p.replicas,
      autoscaling: p.autoscaling,
    };
  });
  return { accounts, workloads };
}

/**
 * DestinationRules, VirtualServices, the ingress and authorization of `app`: config clusters only.
 * Fleet-wide facts, so every config cluster renders the same files (built once, memoFile).
 */
function addIstioConfig(build: ClusterBuild, fleet: Fleet, app: App): void {
  const traffic = app.services.map((svc): ServiceTrafficProps => ({
    service: svc.name,
    namespace: app.namespace,
    locality: svc.locality,
    failover: serviceFailover(fleet, app, svc.name),
    versions: versionsOf(app, svc.name),
    weights: svc.weights,
  }));
  build.memoFile('apps', `${app.name}-traffic`, 'app-traffic', traffic, (chart, list) => {
    for (const props of list) new ServiceTraffic(chart, props.service, props);
  });

  // Gateways are config too: istiod programs every ingress gateway it serves from it, remote
  // clusters' included, so the objects live here whichever clusters run the gateways.
  const withIngress = app.ingress !== undefined && ingressClusters(fleet).length > 0;
  if (app.ingress && withIngress) {
    if (app.services.some((s) => s.weights && s.name === app.name)) {
      throw new Error(`app ${app.name}: the ingress VirtualService and the weights VirtualService of service ${app.name} would both be named ${app.name}`);
    }
    const ingress: AppIngressProps = {
      app: app.name,
      namespace: app.namespace,
      service: app.ingress.service,
      port: app.ingress.port,
      routes: app.ingress.routes,
      hosts: app.ingress.hosts,
    };
    build.memoFile('apps', `${app.name}-ingress`, 'app-ingress', ingress, (chart, props) => new AppIngress(chart, 'ingress', props));
  }

  const authorization: AppAuthorizationProps = {
    namespace: app.namespace,
    trustDomain: fleet.mesh.trustDomain,
    services: app.services.map((s) => ({ name: s.name, serviceAccount: s.serviceAccount, ports: s.ports.map(containerPort), calls: s.calls })),
    ingress: app.ingress && withIngress
      ? { service: app.ingress.service, ports: service(app, app.ingress.service).ports.filter((p) => p.port === app.ingress!.port).map(containerPort) }
      : undefined,
  };
  build.memoFile('apps', `${app.name}-authorization`, 'app-authorization', authorization, (chart, props) => new AppAuthorization(chart, 'authorization', props));
}

/** The port a service's pods listen on (what sidecars and AuthorizationPolicy ports see). */
function containerPort(port: AppService['ports'][number]): number {
  return port.targetPort ?? port.port;
}
