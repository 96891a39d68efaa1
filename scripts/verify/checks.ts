/**
 * What a live cluster depends on, checked on the objects the real Istio charts rendered for it
 * (after each release's post-renderers) and on its own dist objects. Pure: every function takes
 * objects and returns problems, one sentence each; an empty list means the cluster holds.
 */
import { ISTIO_REVISION_ANNOTATION } from '../../charts/apps/app-workload.ts';
import { ISTIO_NAMESPACE, TAG_LABEL, istiodOf, tagReleaseOf } from '../../charts/istio/names.ts';
import { gatewayRevision, injectionPath, pilotAddress, type Cluster, type Fleet } from '../../config/model.ts';
import { matchesSelector, type LabelSelector } from './label-selector.ts';
import { findObject, isClusterScoped, objectId, type Obj } from './objects.ts';

/** One HelmRelease of a cluster: what helm-controller would apply for it. */
export interface RenderedRelease {
  /** Helm release name. */
  readonly name: string;
  /** Namespace it installs into (where namespaced objects without one land). */
  readonly namespace: string;
  /** Chart name (`base`, `istiod`, `gateway`). */
  readonly chart: string;
  /** The chart's objects after the release's post-renderers. */
  readonly objects: readonly Obj[];
}

/** A cluster as Flux would apply it: its Helm releases and the plain objects of its dist folder. */
export interface RenderedCluster {
  readonly releases: readonly RenderedRelease[];
  /** Every object of `dist/clusters/<cluster>/` (HelmReleases included). */
  readonly dist: readonly Obj[];
}

/** Owner name of dist's plain objects, which Flux's Kustomization applies. */
export const DIST_OWNER = 'dist';

/** Port the API server calls a webhook Service on when `port` is unset. */
const WEBHOOK_DEFAULT_PORT = 443;
/** The ports a remote reaches its primary's istiod on: xDS and the webhook. */
const ISTIOD_PORTS = { xds: 15012, webhook: 15017 } as const;

type Webhook = { name: string; clientConfig: { service?: { name: string; namespace: string; path?: string; port?: number }; url?: string }; failurePolicy?: string; namespaceSelector?: LabelSelector; objectSelector?: LabelSelector; rules?: { operations?: string[]; resources?: string[] }[] };
type ServicePort = { name?: string; port: number; targetPort?: number | string };

const webhooksOf = (o: Obj): Webhook[] => (o.webhooks ?? []) as Webhook[];
const servicePorts = (service: Obj): ServicePort[] => (service.spec?.ports ?? []) as ServicePort[];
/** A Service's ports as `name:target` (the port the backends listen on), sorted. */
const targetsOf = (service: Obj): string[] => servicePorts(service).map((p) => `${p.name}:${p.targetPort ?? p.port}`).sort();

/** Every problem of one cluster, in a fixed order. */
export function clusterProblems(fleet: Fleet, cluster: Cluster, rendered: RenderedCluster): string[] {
  const charts = rendered.releases.flatMap((r) => r.objects);
  return [
    ...ownershipProblems(rendered),
    ...(cluster.role === 'primary' ? controlPlaneProblems(fleet, charts) : remoteProblems(fleet, cluster, charts, rendered.dist)),
    ...tagProblems(fleet, cluster, rendered.releases, charts),
    ...(cluster.role === 'primary' && cluster.remotes.length > 0 ? eastWestProblems(fleet, charts, rendered.dist) : []),
    ...defaultValidatorProblems(fleet, charts),
    ...injectionProblems(fleet, cluster, rendered),
  ];
}

/** Who applies each object of a cluster (`objectId` → release names, or `dist`), in render order. */
export function ownersOf(rendered: RenderedCluster): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const own = (id: string, owner: string) => {
    const list = owners.get(id) ?? [];
    if (!list.includes(owner)) list.push(owner);
    owners.set(id, list);
  };
  for (const r of rendered.releases) for (const o of r.objects) own(objectId(o, r.namespace), r.name);
  for (const o of rendered.dist) if (o.kind !== 'HelmRelease') own(objectId(o, 'default'), DIST_OWNER);
  return owners;
}

/**
 * Objects two owners would apply (two releases, or a release and dist): Helm refuses to install
 * an object another release owns, and Flux and Helm would overwrite each other's.
 */
export const ownershipProblems = (rendered: RenderedCluster): string[] =>
  [...ownersOf(rendered)].filter(([, list]) => list.length > 1).map(([id, list]) => `${id} is rendered by ${list.join(' and ')}`);

/**
 * Objects that change owner from one commit to the next (`before` and `after`: `ownersOf` a
 * cluster at each): the new release cannot take an object the old one still owns (Helm refuses
 * to adopt it), so such a step fails to apply until the old owner lets go.
 */
export const ownerChangeProblems = (before: ReadonlyMap<string, readonly string[]>, after: ReadonlyMap<string, readonly string[]>): string[] =>
  [...after].filter(([id, owners]) => before.has(id) && before.get(id)!.join() !== owners.join())
    .map(([id, owners]) => `${id} moves from ${before.get(id)!.join(' and ')} to ${owners.join(' and ')}`);

/** Cluster-scoped objects per release, `Kind name`, sorted: what the releases claim cluster-wide. */
export const clusterScopedByRelease = (releases: readonly RenderedRelease[]): { release: string; objects: string[] }[] =>
  releases.map((r) => ({ release: r.name, objects: r.objects.filter(isClusterScoped).map((o) => objectId(o, r.namespace)).sort() }));

/** Validating webhooks as `configuration:policy` (the API's default policy is Fail). */
const validatingPolicies = (charts: readonly Obj[]): string[] =>
  charts.filter((o) => o.kind === 'ValidatingWebhookConfiguration').flatMap((v) => webhooksOf(v).map((w) => `${v.metadata.name}:${w.failurePolicy ?? 'Fail (API default)'}`));

/** A primary: an istiod Deployment per revision, and validation that fails closed (istiod manages it). */
export function controlPlaneProblems(fleet: Fleet, charts: readonly Obj[]): string[] {
  const problems: string[] = [];
  for (const { name: revision } of fleet.mesh.istio.revisions) {
    const deployment = findObject(charts, 'Deployment', istiodOf(revision));
    const podRevision = deployment?.spec?.template?.metadata?.labels?.['istio.io/rev'];
    if (!deployment) problems.push(`no Deployment ${istiodOf(revision)}`);
    else if (podRevision !== revision) problems.push(`Deployment ${istiodOf(revision)} runs pods of revision ${podRevision}, expected ${revision}`);
  }
  const policies = validatingPolicies(charts);
  if (policies.some((p) => !p.endsWith(':Fail'))) problems.push(`validating webhooks not Fail: ${policies.join(', ')}`);
  return problems;
}

/**
 * The webhooks of `configuration` call Service `service` of istio-system at `path`, on a port
 * that Service has (the Service must be in `charts`).
 */
export function webhookTargetProblems(configuration: Obj, service: string, path: string, charts: readonly Obj[]): string[] {
  const name = `${configuration.kind} ${configuration.metadata.name}`;
  const target = findObject(charts, 'Service', service);
  const problems: string[] = [];
  for (const w of webhooksOf(configuration)) {
    const called = w.clientConfig.service;
    if (!called) problems.push(`${name}: webhook ${w.name} calls ${w.clientConfig.url ?? 'nothing'}, not Service ${service}`);
    else if (called.name !== service || called.namespace !== ISTIO_NAMESPACE) problems.push(`${name}: webhook ${w.name} calls Service ${called.namespace}/${called.name}, expected ${ISTIO_NAMESPACE}/${service}`);
    else if ((called.path ?? '/') !== path) problems.push(`${name}: webhook ${w.name} calls path ${called.path}, expected ${path}`);
    else if (!target) problems.push(`${name}: webhook ${w.name} calls Service ${service}, which no chart renders here`);
    else if (!servicePorts(target).some((p) => p.port === (called.port ?? WEBHOOK_DEFAULT_PORT))) problems.push(`${name}: webhook ${w.name} calls port ${called.port ?? WEBHOOK_DEFAULT_PORT}, not a port of Service ${service}`);
  }
  return problems;
}

/**
 * A remote: nothing fails closed on validation (no istiod patches it there), and per revision the
 * chart's injection webhook calls the selector-less `istiod-<revision>` Service, whose v1
 * Endpoints (dist) and EndpointSlice (chart, labelled with the Service's name) are the primary's
 * east-west address on the Service's target ports.
 */
export function remoteProblems(fleet: Fleet, cluster: Cluster, charts: readonly Obj[], dist: readonly Obj[]): string[] {
  const problems: string[] = [];
  const policies = validatingPolicies(charts);
  if (policies.some((p) => p.includes('Fail'))) problems.push(`fail-closed validating webhook in a remote: ${policies.join(', ')}`);
  const address = pilotAddress(fleet, cluster);
  for (const { name: revision } of fleet.mesh.istio.revisions) {
    const name = istiodOf(revision);
    const service = findObject(charts, 'Service', name);
    if (!service) {
      problems.push(`no Service ${name}`);
      continue;
    }
    if (service.spec.selector) problems.push(`Service ${name} has a selector`);
    const injector = findObject(charts, 'MutatingWebhookConfiguration', `istio-sidecar-injector-${revision}`);
    if (!injector) problems.push(`no MutatingWebhookConfiguration istio-sidecar-injector-${revision}`);
    else problems.push(...webhookTargetProblems(injector, name, injectionPath(cluster), charts));
    const targets = targetsOf(service);
    const endpoints = findObject(dist, 'Endpoints', name);
    if (!endpoints) problems.push(`no v1 Endpoints ${name} in dist`);
    else {
      const subset = endpoints.subsets?.[0] as { addresses: { ip: string }[]; ports: { name: string; port: number }[] };
      const ips = subset.addresses.map((a) => a.ip).join();
      if (ips !== address) problems.push(`Endpoints ${name} at ${ips}, expected ${address}`);
      const ports = subset.ports.map((p) => `${p.name}:${p.port}`).sort();
      if (ports.join() !== targets.join()) problems.push(`Endpoints ${name} ports ${ports} do not match the Service's targets ${targets}`);
    }
    const slice = findObject(charts, 'EndpointSlice', name);
    if (!slice) problems.push(`no EndpointSlice ${name}`);
    else {
      // Without this label the slice belongs to no Service: kube-proxy never routes to it.
      const owner = slice.metadata.labels?.['kubernetes.io/service-name'];
      if (owner !== name) problems.push(`EndpointSlice ${name} is labelled kubernetes.io/service-name: ${owner}, expected ${name}`);
      const ips = (slice.endpoints as { addresses: string[] }[]).flatMap((e) => e.addresses).join();
      if (ips !== address) problems.push(`EndpointSlice ${name} at ${ips}, expected ${address}`);
      const ports = (slice.ports as { name: string; port: number }[]).map((p) => `${p.name}:${p.port}`).sort();
      if (ports.join() !== targets.join()) problems.push(`EndpointSlice ${name} ports ${ports} do not match the Service's targets ${targets}`);
    }
  }
  return problems;
}

/**
 * Per revision tag: its release keeps only the tag's webhook and Service, and the webhook, labelled
 * with the tag's revision, sends namespaces labelled `istio.io/rev: <tag>` to that revision's
 * istiod (`/inject` in a primary, the remote's injection path in a remote).
 */
export function tagProblems(fleet: Fleet, cluster: Cluster, releases: readonly RenderedRelease[], charts: readonly Obj[]): string[] {
  const problems: string[] = [];
  for (const [tag, revision] of Object.entries(fleet.mesh.istio.tags)) {
    const release = releases.find((r) => r.name === tagReleaseOf(tag));
    if (!release) {
      problems.push(`no release ${tagReleaseOf(tag)}`);
      continue;
    }
    const webhookName = `istio-revision-tag-${tag}`;
    const expected = [`MutatingWebhookConfiguration ${webhookName}`, `Service ${release.namespace}/istiod-revision-tag-${tag}`];
    const kept = release.objects.map((o) => objectId(o, release.namespace)).sort();
    const extra = kept.filter((id) => !expected.includes(id));
    const missing = expected.filter((id) => !kept.includes(id));
    if (extra.length > 0) problems.push(`${release.name} keeps objects that are not the tag's: ${extra.join(', ')}`);
    if (missing.length > 0) problems.push(`${release.name} lacks ${missing.join(', ')}`);
    const webhook = findObject(release.objects, 'MutatingWebhookConfiguration', webhookName);
    if (!webhook) continue;
    const label = webhook.metadata.labels?.['istio.io/rev'];
    if (label !== revision) problems.push(`MutatingWebhookConfiguration ${webhookName} is labelled istio.io/rev: ${label}, expected ${revision}`);
    if (webhook.metadata.labels?.[TAG_LABEL] !== tag) problems.push(`MutatingWebhookConfiguration ${webhookName} is labelled ${TAG_LABEL}: ${webhook.metadata.labels?.[TAG_LABEL]}, expected ${tag}`);
    problems.push(...webhookTargetProblems(webhook, istiodOf(revision), cluster.role === 'primary' ? '/inject' : injectionPath(cluster), charts));
    const namespace = { 'istio.io/rev': tag };
    if (!webhooksOf(webhook).some((w) => matchesSelector(w.namespaceSelector, namespace) && matchesSelector(w.objectSelector, {}))) {
      problems.push(`MutatingWebhookConfiguration ${webhookName} does not select the pods of namespaces labelled istio.io/rev: ${tag}`);
    }
  }
  return problems;
}

/**
 * A primary serving remotes: for every revision, VirtualService `istiod-vs-<revision>` routes the
 * SNI `istiod-<revision>.istio-system.svc` on 15012 and 15017, through a Gateway that listens on
 * them, to a port of that revision's Service (rendered here) whose target is the same port.
 */
export function eastWestProblems(fleet: Fleet, charts: readonly Obj[], dist: readonly Obj[]): string[] {
  const problems: string[] = [];
  for (const { name: revision } of fleet.mesh.istio.revisions) {
    const service = istiodOf(revision);
    const vsName = `istiod-vs-${revision}`;
    const vs = findObject(dist, 'VirtualService', vsName);
    if (!vs) {
      problems.push(`no VirtualService ${vsName} in dist`);
      continue;
    }
    const target = findObject(charts, 'Service', service);
    if (!target) problems.push(`VirtualService ${vsName} routes to Service ${service}, which no chart renders here`);
    const host = `${service}.${ISTIO_NAMESPACE}.svc.cluster.local`;
    const sni = `${service}.${ISTIO_NAMESPACE}.svc`;
    const gateways = ((vs.spec.gateways ?? []) as string[]).map((g) => findObject(dist, 'Gateway', g.split('/').pop()!));
    for (const port of Object.values(ISTIOD_PORTS)) {
      if (!gateways.some((g) => ((g?.spec.servers ?? []) as { port: { number: number } }[]).some((s) => s.port.number === port))) {
        problems.push(`VirtualService ${vsName}: no Gateway of it (${vs.spec.gateways}) listens on ${port}`);
      }
      type Route = { match: { port?: number; sniHosts?: string[] }[]; route: { destination: { host: string; port?: { number: number } } }[] };
      const route = ((vs.spec.tls ?? []) as Route[]).find((t) => t.match.some((m) => m.port === port && (m.sniHosts ?? []).includes(sni)));
      if (!route) {
        problems.push(`VirtualService ${vsName} routes no SNI ${sni} on port ${port}`);
        continue;
      }
      const destination = route.route[0]!.destination;
      if (destination.host !== host) problems.push(`VirtualService ${vsName} routes port ${port} to ${destination.host}, expected ${host}`);
      else if (target) {
        const servicePort = servicePorts(target).find((p) => p.port === destination.port?.number);
        if (!servicePort) problems.push(`VirtualService ${vsName} routes port ${port} to port ${destination.port?.number}, not a port of Service ${service}`);
        else if ((servicePort.targetPort ?? servicePort.port) !== port) problems.push(`VirtualService ${vsName} routes port ${port} to Service port ${servicePort.port}, which targets ${servicePort.targetPort}`);
      }
    }
  }
  return problems;
}

/** `base`'s default validator calls the istiod of the default tag's revision, whose Service is rendered here. */
export function defaultValidatorProblems(fleet: Fleet, charts: readonly Obj[]): string[] {
  const validator = findObject(charts, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
  if (!validator) return ['no ValidatingWebhookConfiguration istiod-default-validator'];
  const { tags, defaultTag } = fleet.mesh.istio;
  return webhookTargetProblems(validator, istiodOf(tags[defaultTag]!), '/validate', charts);
}

/**
 * Who injects the sidecar: every app Namespace follows a tag that has a webhook here, and every
 * Deployment's pods (apps from dist, gateways from the charts) are selected by exactly one
 * injection webhook, which calls the istiod of the revision they should run: the one their
 * tag points at (and their pod-template annotation names), or for a gateway the revision of
 * its `istio.io/rev` label, which must be one the fleet runs, its tag's.
 */
export function injectionProblems(fleet: Fleet, cluster: Cluster, rendered: RenderedCluster): string[] {
  const problems: string[] = [];
  const { revisions, tags } = fleet.mesh.istio;
  const charts = rendered.releases.flatMap((r) => r.objects);
  const injectors = charts.filter((o) => o.kind === 'MutatingWebhookConfiguration').flatMap((c) =>
    webhooksOf(c).filter((w) => (w.rules ?? []).some((r) => (r.resources ?? []).includes('pods') && (r.operations ?? []).some((op) => op === 'CREATE' || op === '*')))
      .map((w) => ({ configuration: c.metadata.name, webhook: w })));
  const namespaceLabels = (name: string): Record<string, string> | undefined => {
    const ns = findObject(rendered.dist, 'Namespace', name);
    return ns && { ...ns.metadata.labels, 'kubernetes.io/metadata.name': name };
  };
  const checkPods = (deployment: Obj, namespace: string, revision: string) => {
    const id = `Deployment ${namespace}/${deployment.metadata.name}`;
    const nsLabels = namespaceLabels(namespace);
    if (!nsLabels) return problems.push(`${id}: no Namespace ${namespace} in dist`);
    const podLabels = (deployment.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    const selecting = injectors.filter((i) => matchesSelector(i.webhook.namespaceSelector, nsLabels) && matchesSelector(i.webhook.objectSelector, podLabels));
    const names = selecting.map((i) => `${i.configuration}/${i.webhook.name}`).join(', ');
    if (selecting.length === 0) problems.push(`${id}: no injection webhook selects its pods`);
    else if (selecting.length > 1) problems.push(`${id}: its pods are selected by ${selecting.length} injection webhooks: ${names}`);
    else if (selecting[0]!.webhook.clientConfig.service?.name !== istiodOf(revision)) problems.push(`${id}: injected by ${names}, which calls ${selecting[0]!.webhook.clientConfig.service?.name ?? selecting[0]!.webhook.clientConfig.url}, expected ${istiodOf(revision)}`);
  };

  const tagWebhooks = new Set(charts.filter((o) => o.kind === 'MutatingWebhookConfiguration').map((o) => o.metadata.labels?.[TAG_LABEL]).filter(Boolean));
  for (const app of fleet.apps) {
    const labels = namespaceLabels(app.namespace);
    if (!labels) continue; // the app has nothing in this cluster
    const tag = labels['istio.io/rev'];
    if (tag !== app.revisionTag) problems.push(`Namespace ${app.namespace} is labelled istio.io/rev: ${tag}, expected ${app.revisionTag}`);
    if (tag === undefined || !tagWebhooks.has(tag)) {
      problems.push(`Namespace ${app.namespace} follows tag ${tag}, which has no webhook here`);
      continue;
    }
    const revision = tags[tag];
    if (!revision) continue;
    for (const d of rendered.dist.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === app.namespace)) {
      const annotated = d.spec?.template?.metadata?.annotations?.[ISTIO_REVISION_ANNOTATION];
      if (annotated !== undefined && annotated !== revision) problems.push(`Deployment ${app.namespace}/${d.metadata.name}: pods annotated ${ISTIO_REVISION_ANNOTATION}: ${annotated}, but tag ${tag} points at ${revision}`);
      checkPods(d, app.namespace, revision);
    }
  }

  const expected = gatewayRevision(fleet, cluster).name;
  for (const release of rendered.releases.filter((r) => r.chart === 'gateway')) {
    for (const d of release.objects.filter((o) => o.kind === 'Deployment')) {
      const revision = d.spec?.template?.metadata?.labels?.['istio.io/rev'] as string | undefined;
      const id = `Deployment ${d.metadata.namespace ?? release.namespace}/${d.metadata.name}`;
      if (!revisions.some((r) => r.name === revision)) problems.push(`${id}: pods labelled istio.io/rev: ${revision}, no revision the fleet runs`);
      else if (revision !== expected) problems.push(`${id}: pods labelled istio.io/rev: ${revision}, expected ${expected} (the gateways' tag)`);
      checkPods(d, d.metadata.namespace ?? release.namespace, revision ?? expected);
    }
  }
  return problems;
}
