/**
 * The pure parts of `npm run verify:charts` (scripts/verify/): the checks, on the default fleet's
 * real dist objects and hand-made chart objects shaped as the Istio 1.30 charts render them; the
 * label selectors; the kustomization built for a post-renderer. Rendering with helm and kubectl
 * is the script's own run, not part of `npm test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCluster } from '../config/model.ts';
import { clusterProblems, clusterScopedByRelease, ownerChangeProblems, ownersOf, type RenderedCluster, type RenderedRelease } from '../scripts/verify/checks.ts';
import { matchesSelector } from '../scripts/verify/label-selector.ts';
import type { Obj } from '../scripts/verify/objects.ts';
import { kustomizationOf } from '../scripts/verify/post-render.ts';
import { stepTarget } from '../scripts/verify/fleets.ts';
import { objectsOf, render } from './helpers.ts';

const REV = '1-30-3';
const TAG = 'prod-stable';
const INJECTION_PATH = '/inject/cluster/saopaulo/net/network1';
const { fleet, rendered } = render();

/** An injection webhook as the istiod chart writes it (`rev.namespace.` or `rev.object.` prefix). */
function injectionWebhook(prefix: string, selectValue: string, service: string, path: string) {
  const byNamespace = prefix === 'rev.namespace.';
  return {
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: { service: { name: service, namespace: 'istio-system', path, port: 443 } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    namespaceSelector: {
      matchExpressions: byNamespace
        ? [{ key: 'istio.io/rev', operator: 'In', values: [selectValue] }, { key: 'istio-injection', operator: 'DoesNotExist' }]
        : [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }],
    },
    objectSelector: {
      matchExpressions: [
        { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] },
        ...(byNamespace ? [] : [{ key: 'istio.io/rev', operator: 'In', values: [selectValue] }]),
      ],
    },
  };
}

const mwc = (name: string, labels: Record<string, string>, selectValue: string, path: string): Obj => ({
  kind: 'MutatingWebhookConfiguration',
  metadata: { name, labels },
  webhooks: ['rev.namespace.', 'rev.object.'].map((p) => injectionWebhook(p, selectValue, `istiod-${REV}`, path)),
});

const vwc = (name: string, failurePolicy: string): Obj => ({
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name },
  webhooks: [{ name: 'validation.istio.io', clientConfig: { service: { name: `istiod-${REV}`, namespace: 'istio-system', path: '/validate' } }, failurePolicy }],
});

const service = (name: string, ports: { name: string; port: number; targetPort?: number }[], selector?: Record<string, string>): Obj => ({
  kind: 'Service',
  metadata: { name, namespace: 'istio-system' },
  spec: { ports, ...(selector ? { selector } : {}) },
});

const gatewayDeployment = (name: string, namespace: string): Obj => ({
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { template: { metadata: { labels: { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': REV, app: name } } } },
});

/** The tag release after its post-renderer: the tag's webhook and Service. */
const tagRelease = (path: string): RenderedRelease => ({
  name: `istio-tag-${TAG}`,
  namespace: 'istio-system',
  chart: 'istiod',
  objects: [
    service(`istiod-revision-tag-${TAG}`, [{ name: 'https-webhook', port: 443, targetPort: 15017 }], { app: 'istiod', 'istio.io/rev': REV }),
    mwc(`istio-revision-tag-${TAG}`, { 'istio.io/rev': REV, 'istio.io/tag': TAG, app: 'sidecar-injector' }, TAG, path),
  ],
});

/** frankfurt of the default fleet as the charts render it (a primary serving saopaulo). */
function primary(): RenderedCluster {
  return {
    dist: objectsOf(rendered, 'frankfurt') as Obj[],
    releases: [
      { name: 'istio-ingress', namespace: 'istio-ingress', chart: 'gateway', objects: [gatewayDeployment('istio-ingress', 'istio-ingress')] },
      { name: 'istio-eastwestgateway', namespace: 'istio-system', chart: 'gateway', objects: [gatewayDeployment('istio-eastwestgateway', 'istio-system')] },
      { name: 'istio-base', namespace: 'istio-system', chart: 'base', objects: [vwc('istiod-default-validator', 'Fail')] },
      {
        name: `istiod-${REV}`, namespace: 'istio-system', chart: 'istiod', objects: [
          { kind: 'Deployment', metadata: { name: `istiod-${REV}`, namespace: 'istio-system' }, spec: { template: { metadata: { labels: { app: 'istiod', 'istio.io/rev': REV } } } } },
          service(`istiod-${REV}`, [{ name: 'grpc-xds', port: 15010 }, { name: 'https-dns', port: 15012 }, { name: 'https-webhook', port: 443, targetPort: 15017 }], { app: 'istiod', 'istio.io/rev': REV }),
          mwc(`istio-sidecar-injector-${REV}`, { 'istio.io/rev': REV, app: 'sidecar-injector' }, REV, '/inject'),
          vwc(`istio-validator-${REV}-istio-system`, 'Fail'),
        ],
      },
      tagRelease('/inject'),
    ],
  };
}

/** saopaulo of the default fleet as the charts render it (a remote of frankfurt). */
function remote(): RenderedCluster {
  return {
    dist: objectsOf(rendered, 'saopaulo') as Obj[],
    releases: [
      { name: 'istio-base', namespace: 'istio-system', chart: 'base', objects: [vwc('istiod-default-validator', 'Ignore')] },
      {
        name: `istiod-${REV}`, namespace: 'istio-system', chart: 'istiod', objects: [
          service(`istiod-${REV}`, [{ name: 'tcp-istiod', port: 15012 }, { name: 'tcp-webhook', port: 443, targetPort: 15017 }]),
          { kind: 'EndpointSlice', metadata: { name: `istiod-${REV}`, namespace: 'istio-system', labels: { 'kubernetes.io/service-name': `istiod-${REV}` } }, endpoints: [{ addresses: ['10.10.15.250'] }], ports: [{ name: 'tcp-istiod', port: 15012 }, { name: 'tcp-webhook', port: 15017 }] },
          mwc(`istio-sidecar-injector-${REV}`, { 'istio.io/rev': REV, app: 'sidecar-injector' }, REV, INJECTION_PATH),
          vwc(`istio-validator-${REV}-istio-system`, 'Ignore'),
        ],
      },
      tagRelease(INJECTION_PATH),
    ],
  };
}

const frankfurt = findCluster(fleet, 'frankfurt');
const saopaulo = findCluster(fleet, 'saopaulo');
const release = (c: RenderedCluster, name: string): RenderedRelease => c.releases.find((r) => r.name === name)!;
const object = (r: RenderedRelease, kind: string, name: string): any => r.objects.find((o) => o.kind === kind && o.metadata.name === name)!;
/** `c` with one release's objects changed by `change` (on a copy). */
function withRelease(c: RenderedCluster, name: string, change: (r: RenderedRelease & { objects: Obj[] }) => void): RenderedCluster {
  const releases = structuredClone(c.releases) as (RenderedRelease & { objects: Obj[] })[];
  change(releases.find((r) => r.name === name)!);
  return { ...c, releases };
}

test('GIVEN the default fleet rendered as the charts do, THEN every check holds in the primary and the remote', () => {
  assert.deepEqual(clusterProblems(fleet, frankfurt, primary()), []);
  assert.deepEqual(clusterProblems(fleet, saopaulo, remote()), []);
});

test('a tag release that kept the revision\'s objects (no post-renderer) is reported: two owners, extra objects, two injectors', () => {
  const full = withRelease(primary(), `istio-tag-${TAG}`, (r) => r.objects.push(...structuredClone(release(primary(), `istiod-${REV}`).objects)));
  const problems = clusterProblems(fleet, frankfurt, full);
  assert.ok(problems.includes(`MutatingWebhookConfiguration istio-sidecar-injector-${REV} is rendered by istiod-${REV} and istio-tag-${TAG}`), problems.join('\n'));
  assert.ok(problems.includes(`Deployment istio-system/istiod-${REV} is rendered by istiod-${REV} and istio-tag-${TAG}`));
  assert.ok(problems.includes(`istio-tag-${TAG} keeps objects that are not the tag's: Deployment istio-system/istiod-${REV}, MutatingWebhookConfiguration istio-sidecar-injector-${REV}, Service istio-system/istiod-${REV}, ValidatingWebhookConfiguration istio-validator-${REV}-istio-system`));
  assert.ok(problems.includes(`Deployment istio-ingress/istio-ingress: its pods are selected by 2 injection webhooks: istio-sidecar-injector-${REV}/rev.object.sidecar-injector.istio.io, istio-sidecar-injector-${REV}/rev.object.sidecar-injector.istio.io`));
});

test('a tag release whose post-renderer removed everything is reported, and so is every namespace that follows the tag', () => {
  const empty = withRelease(remote(), `istio-tag-${TAG}`, (r) => r.objects.splice(0));
  assert.deepEqual(clusterProblems(fleet, saopaulo, empty), [
    `istio-tag-${TAG} lacks MutatingWebhookConfiguration istio-revision-tag-${TAG}, Service istio-system/istiod-revision-tag-${TAG}`,
    `Namespace bookinfo follows tag ${TAG}, which has no webhook here`,
  ]);
});

test('a tag webhook on the wrong revision, path or namespaces is reported', () => {
  const wrong = withRelease(primary(), `istio-tag-${TAG}`, (r) => {
    const webhook = object(r, 'MutatingWebhookConfiguration', `istio-revision-tag-${TAG}`);
    webhook.metadata.labels['istio.io/rev'] = '1-29-6';
    webhook.webhooks[0].clientConfig.service.path = INJECTION_PATH;
    webhook.webhooks[0].namespaceSelector.matchExpressions[0].values = ['prod-canary'];
  });
  assert.deepEqual(clusterProblems(fleet, frankfurt, wrong), [
    `MutatingWebhookConfiguration istio-revision-tag-${TAG} is labelled istio.io/rev: 1-29-6, expected ${REV}`,
    `MutatingWebhookConfiguration istio-revision-tag-${TAG}: webhook rev.namespace.sidecar-injector.istio.io calls path ${INJECTION_PATH}, expected /inject`,
    `MutatingWebhookConfiguration istio-revision-tag-${TAG} does not select the pods of namespaces labelled istio.io/rev: ${TAG}`,
    'Deployment bookinfo/productpage-v1: no injection webhook selects its pods',
    'Deployment bookinfo/details-v1: no injection webhook selects its pods',
    'Deployment bookinfo/ratings-v1: no injection webhook selects its pods',
    'Deployment bookinfo/reviews-v1: no injection webhook selects its pods',
    'Deployment bookinfo/reviews-v2: no injection webhook selects its pods',
  ]);
});

test('a remote whose revision Service is missing is reported by the webhooks that call it, and its Endpoints must match', () => {
  const noService = withRelease(remote(), `istiod-${REV}`, (r) => r.objects.splice(0, 1));
  assert.deepEqual(clusterProblems(fleet, saopaulo, noService).slice(0, 2), [`no Service istiod-${REV}`, `MutatingWebhookConfiguration istio-revision-tag-${TAG}: webhook rev.namespace.sidecar-injector.istio.io calls Service istiod-${REV}, which no chart renders here`]);
  const movedSlice = withRelease(remote(), `istiod-${REV}`, (r) => {
    const slice = object(r, 'EndpointSlice', `istiod-${REV}`);
    slice.endpoints[0].addresses = ['10.10.15.251'];
    slice.metadata.labels['kubernetes.io/service-name'] = 'istiod';
    object(r, 'Service', `istiod-${REV}`).spec.ports[1].targetPort = 15018;
  });
  assert.deepEqual(clusterProblems(fleet, saopaulo, movedSlice), [
    `Endpoints istiod-${REV} ports tcp-istiod:15012,tcp-webhook:15017 do not match the Service's targets tcp-istiod:15012,tcp-webhook:15018`,
    `EndpointSlice istiod-${REV} is labelled kubernetes.io/service-name: istiod, expected istiod-${REV}`,
    `EndpointSlice istiod-${REV} at 10.10.15.251, expected 10.10.15.250`,
    `EndpointSlice istiod-${REV} ports tcp-istiod:15012,tcp-webhook:15017 do not match the Service's targets tcp-istiod:15012,tcp-webhook:15018`,
  ]);
});

test('east-west routing: a VirtualService to another host, or to a Service port with another target, is reported', () => {
  const cluster = primary();
  const dist = structuredClone(cluster.dist) as any[];
  const vs = dist.find((o) => o.kind === 'VirtualService' && o.metadata.name === `istiod-vs-${REV}`);
  vs.spec.tls[0].route[0].destination.host = `istiod-${REV}.istio-system.svc.cluster.locl`;
  vs.spec.tls[1].route[0].destination.port.number = 15012;
  assert.deepEqual(clusterProblems(fleet, frankfurt, { ...cluster, dist }), [
    `VirtualService istiod-vs-${REV} routes port 15012 to istiod-${REV}.istio-system.svc.cluster.locl, expected istiod-${REV}.istio-system.svc.cluster.local`,
    `VirtualService istiod-vs-${REV} routes port 15017 to Service port 15012, which targets undefined`,
  ]);
});

test('validation: fail-open in a primary, fail-closed in a remote, and a default validator on another revision are reported', () => {
  const open = withRelease(primary(), `istiod-${REV}`, (r) => { object(r, 'ValidatingWebhookConfiguration', `istio-validator-${REV}-istio-system`).webhooks[0].failurePolicy = 'Ignore'; });
  assert.deepEqual(clusterProblems(fleet, frankfurt, open), [`validating webhooks not Fail: istiod-default-validator:Fail, istio-validator-${REV}-istio-system:Ignore`]);
  const closed = withRelease(remote(), 'istio-base', (r) => {
    const validator = object(r, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    validator.webhooks[0].failurePolicy = 'Fail';
    validator.webhooks[0].clientConfig.service.name = 'istiod-1-29-6';
  });
  assert.deepEqual(clusterProblems(fleet, saopaulo, closed), [
    `fail-closed validating webhook in a remote: istiod-default-validator:Fail, istio-validator-${REV}-istio-system:Ignore`,
    `ValidatingWebhookConfiguration istiod-default-validator: webhook validation.istio.io calls Service istio-system/istiod-1-29-6, expected istio-system/istiod-${REV}`,
  ]);
});

test('a primary without the Deployment of a revision, and a gateway on a revision the fleet does not run, are reported', () => {
  const missing = withRelease(primary(), `istiod-${REV}`, (r) => r.objects.splice(0, 1));
  assert.deepEqual(clusterProblems(fleet, frankfurt, missing), [`no Deployment istiod-${REV}`]);
  const stray = withRelease(primary(), 'istio-ingress', (r) => { (r.objects[0] as any).spec.template.metadata.labels['istio.io/rev'] = '1-29-6'; });
  assert.deepEqual(clusterProblems(fleet, frankfurt, stray), [
    'Deployment istio-ingress/istio-ingress: pods labelled istio.io/rev: 1-29-6, no revision the fleet runs',
    'Deployment istio-ingress/istio-ingress: no injection webhook selects its pods',
  ]);
});

test('an object that moves to another release from one step to the next is reported (Helm would not adopt it)', () => {
  const before = primary();
  assert.deepEqual(ownerChangeProblems(ownersOf(before), ownersOf(before)), []);
  // The tag's webhook rendered by its revision's release (`revisionTags` there) instead of its own.
  const moved = withRelease(before, `istiod-${REV}`, (r) => r.objects.push(...structuredClone(release(before, `istio-tag-${TAG}`).objects)));
  const after = { ...moved, releases: moved.releases.filter((r) => r.name !== `istio-tag-${TAG}`) };
  assert.deepEqual(ownerChangeProblems(ownersOf(before), ownersOf(after)), [
    `Service istio-system/istiod-revision-tag-${TAG} moves from istio-tag-${TAG} to istiod-${REV}`,
    `MutatingWebhookConfiguration istio-revision-tag-${TAG} moves from istio-tag-${TAG} to istiod-${REV}`,
  ]);
});

test('cluster-scoped objects are listed per release', () => {
  assert.deepEqual(clusterScopedByRelease(primary().releases).slice(2), [
    { release: 'istio-base', objects: ['ValidatingWebhookConfiguration istiod-default-validator'] },
    { release: `istiod-${REV}`, objects: [`MutatingWebhookConfiguration istio-sidecar-injector-${REV}`, `ValidatingWebhookConfiguration istio-validator-${REV}-istio-system`] },
    { release: `istio-tag-${TAG}`, objects: [`MutatingWebhookConfiguration istio-revision-tag-${TAG}`] },
  ]);
});

test('label selectors: In, NotIn, Exists, DoesNotExist and matchLabels, as the API server evaluates them', () => {
  const selector = {
    matchLabels: { app: 'a' },
    matchExpressions: [
      { key: 'istio.io/rev', operator: 'In' as const, values: ['prod-stable'] },
      { key: 'sidecar.istio.io/inject', operator: 'NotIn' as const, values: ['false'] },
      { key: 'istio-injection', operator: 'DoesNotExist' as const },
    ],
  };
  assert.equal(matchesSelector(selector, { app: 'a', 'istio.io/rev': 'prod-stable' }), true);
  assert.equal(matchesSelector(selector, { app: 'a', 'istio.io/rev': 'prod-canary' }), false);
  assert.equal(matchesSelector(selector, { app: 'a', 'istio.io/rev': 'prod-stable', 'sidecar.istio.io/inject': 'false' }), false);
  assert.equal(matchesSelector(selector, { app: 'a', 'istio.io/rev': 'prod-stable', 'istio-injection': 'enabled' }), false);
  assert.equal(matchesSelector(selector, { 'istio.io/rev': 'prod-stable' }), false);
  assert.equal(matchesSelector({ matchExpressions: [{ key: 'k', operator: 'Exists' }] }, { k: '' }), true);
  assert.equal(matchesSelector(undefined, {}), true);
});

test('a post-renderer becomes the kustomization helm-controller builds; a field it cannot reproduce is refused', () => {
  const patch = { patch: '$patch: delete\napiVersion: v1\nkind: Unused\nmetadata:\n  name: unused\n', target: { labelSelector: '!istio.io/tag' } };
  assert.deepEqual(kustomizationOf({ kustomize: { patches: [patch] } }), {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['helm-output.yaml'],
    patches: [patch],
  });
  assert.throws(() => kustomizationOf({ kustomize: { patchesStrategicMerge: [] } }), { message: 'post-renderer field patchesStrategicMerge is not reproduced by verify:charts' });
});

test('an upgrade step that does not exist is refused by its name', () => {
  assert.throws(() => stepTarget(Number.NaN, 'two'), { message: 'no upgrade step two (the steps are 0 to 4)' });
  assert.equal(stepTarget(4).label, 'upgrade step 4');
});
