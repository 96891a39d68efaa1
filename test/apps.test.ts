/**
 * Apps: placement, derived Services, traffic, authorization and overrides, asserted on the
 * synthesized objects (found by kind and name), plus the app config errors by their exact text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { AppAuthorization } from '../charts/apps/app-authorization.ts';
import { AppWorkload } from '../charts/apps/app-workload.ts';
import { MeshService } from '../charts/apps/mesh-service.ts';
import { ServiceTraffic } from '../charts/apps/service-traffic.ts';
import { loadFleet } from '../config/load.ts';
import { configClusters, type Fleet } from '../config/model.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { DEFAULT_FLEET, ROOT, find, hasKubectl, kustomizeBuildAll, mustFind, objectsOf, render, tempDir, type K8sObject } from './helpers.ts';

/** cdk8s's Testing.chart(), with its output folder one of ours (Testing.app() leaves one in /tmp per call). */
const testChart = (id = 'test'): Chart => new Chart(Testing.app({ outdir: tempDir() }), id);

const fixture = (name: string): string => join(ROOT, 'test/fixtures/apps', name);
const GLOBAL_FRONTENDS = join(ROOT, 'config/examples/global-frontends.yaml');

const apps = (file: string, cluster: string): K8sObject[] => objectsOf(render(file).rendered, cluster, 'apps');
const names = (objects: K8sObject[], kind: string): string[] => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
const spec = (o: K8sObject): any => o.spec;

const ISTIO_CONFIG_KINDS = ['DestinationRule', 'VirtualService', 'Gateway', 'AuthorizationPolicy'];
/** Failover of a service that runs in both regions. */
const FAILOVER_BOTH_WAYS = [
  { from: 'europe-west3', to: 'southamerica-east1' },
  { from: 'southamerica-east1', to: 'europe-west3' },
];
/** Failover of a service that runs in Frankfurt only: nowhere to go from there. */
const FAILOVER_TO_FRANKFURT = [{ from: 'southamerica-east1', to: 'europe-west3' }];
const OUTLIER_DETECTION = { baseEjectionTime: '30s', consecutive5xxErrors: 5, interval: '10s', maxEjectionPercent: 100 };

// ---------------------------------------------------------------------------------------------
// The default fleet: the seed's split.

test('placement: frankfurt runs five Deployments, saopaulo only reviews-v3', () => {
  assert.deepEqual(names(apps(DEFAULT_FLEET, 'frankfurt'), 'Deployment'), ['productpage-v1', 'details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2']);
  assert.deepEqual(names(apps(DEFAULT_FLEET, 'saopaulo'), 'Deployment'), ['reviews-v3']);
});

test('derived Services: saopaulo has reviews and ratings (its pods call ratings) but no ratings Deployment', () => {
  const sp = apps(DEFAULT_FLEET, 'saopaulo');
  assert.deepEqual(names(sp, 'Service'), ['reviews', 'ratings']);
  assert.equal(find(sp, 'Deployment', 'ratings-v1'), undefined);
  assert.deepEqual(names(apps(DEFAULT_FLEET, 'frankfurt'), 'Service'), ['productpage', 'details', 'reviews', 'ratings']);
});

test('Services keep the upstream shape: labels app + service, selector app, port 9080 named http', () => {
  const svc = mustFind(apps(DEFAULT_FLEET, 'saopaulo'), 'Service', 'ratings', 'bookinfo');
  assert.deepEqual(svc.metadata.labels, { app: 'ratings', service: 'ratings' });
  assert.deepEqual(svc.spec, { ports: [{ name: 'http', port: 9080 }], selector: { app: 'ratings' } });
});

for (const file of [DEFAULT_FLEET, GLOBAL_FRONTENDS, fixture('overrides-fleet.yaml'), fixture('config-only-primary-fleet.yaml')]) {
  test(`every Service selects the pods of a Deployment somewhere in the fleet (${relative(ROOT, file)})`, () => {
    const { fleet, rendered } = render(file);
    const all = fleet.clusters.flatMap((c) => objectsOf(rendered, c.name, 'apps'));
    const podLabels = all.filter((o) => o.kind === 'Deployment').map((d) => spec(d).template.metadata.labels as Record<string, string>);
    const services = all.filter((o) => o.kind === 'Service');
    assert.ok(services.length > 0);
    for (const svc of services) {
      const selector = spec(svc).selector as Record<string, string>;
      assert.ok(
        podLabels.some((labels) => Object.entries(selector).every(([k, v]) => labels[k] === v)),
        `Service ${svc.metadata.name} selects ${JSON.stringify(selector)}, which no Deployment's pods carry`,
      );
    }
  });
}

test('Deployment: upstream names and labels, selector exactly {app, version}, no cdk8s address label', () => {
  const d = mustFind(apps(DEFAULT_FLEET, 'saopaulo'), 'Deployment', 'reviews-v3', 'bookinfo');
  const s = spec(d);
  assert.deepEqual(d.metadata.labels, { app: 'reviews', version: 'v3' });
  assert.deepEqual(s.selector, { matchLabels: { app: 'reviews', version: 'v3' } });
  assert.deepEqual(s.template.metadata.labels, { app: 'reviews', version: 'v3' });
  assert.equal(s.replicas, 1);
  const pod = s.template.spec;
  assert.equal(pod.serviceAccountName, 'bookinfo-reviews');
  assert.deepEqual(pod.securityContext, { fsGroupChangePolicy: 'Always', runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(pod.volumes, [{ emptyDir: {}, name: 'tmp' }, { emptyDir: {}, name: 'wlp-output' }]);
  assert.equal(pod.containers.length, 1);
  assert.deepEqual(pod.containers[0], {
    name: 'reviews',
    image: 'registry.istio.io/release/examples-bookinfo-reviews-v3:1.20.3',
    imagePullPolicy: 'IfNotPresent',
    env: [{ name: 'LOG_DIR', value: '/tmp/logs' }],
    ports: [{ containerPort: 9080, name: 'http' }],
    resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1001,
    },
    // Open Liberty writes its server output under /opt/ol/wlp/output (the image's Dockerfile), not
    // the /opt/ibm/wlp/output of the upstream manifest: with a read-only root that is the mount it needs.
    volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/opt/ol/wlp/output', name: 'wlp-output' }],
  });
  const objects = [...render(DEFAULT_FLEET).rendered.files.values()].join('\n');
  assert.ok(!objects.includes('cdk8s.io/metadata.addr'), 'no cdk8s address label anywhere');
});

test('productpage keeps its Prometheus pod annotations; app defaults give small requests and limits', () => {
  const d = mustFind(apps(DEFAULT_FLEET, 'frankfurt'), 'Deployment', 'productpage-v1');
  assert.deepEqual(spec(d).template.metadata.annotations, { 'prometheus.io/path': '/metrics', 'prometheus.io/port': '9080', 'prometheus.io/scrape': 'true', 'meshfleet.io/istio-revision': '1-30-3' });
  const details = mustFind(apps(DEFAULT_FLEET, 'frankfurt'), 'Deployment', 'details-v1');
  assert.deepEqual(spec(details).template.spec.containers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
  assert.equal(spec(details).template.spec.volumes, undefined);
});

test('namespace with sidecar injection and ServiceAccounts of the services running there', () => {
  for (const cluster of ['frankfurt', 'saopaulo']) {
    const ns = mustFind(apps(DEFAULT_FLEET, cluster), 'Namespace', 'bookinfo');
    assert.deepEqual(ns.metadata, { name: 'bookinfo', labels: { 'istio.io/rev': 'prod-stable' } });
  }
  const sp = apps(DEFAULT_FLEET, 'saopaulo');
  assert.deepEqual(names(sp, 'ServiceAccount'), ['bookinfo-reviews']);
  assert.deepEqual(mustFind(sp, 'ServiceAccount', 'bookinfo-reviews').metadata.labels, { account: 'reviews' });
  assert.deepEqual(names(apps(DEFAULT_FLEET, 'frankfurt'), 'ServiceAccount'), ['bookinfo-productpage', 'bookinfo-details', 'bookinfo-reviews', 'bookinfo-ratings']);
});

test('no HPA or PDB with one fixed replica', () => {
  for (const cluster of ['frankfurt', 'saopaulo']) {
    const objects = apps(DEFAULT_FLEET, cluster);
    assert.deepEqual(names(objects, 'HorizontalPodAutoscaler'), []);
    assert.deepEqual(names(objects, 'PodDisruptionBudget'), []);
  }
});

test('authorization: deny-all plus one ALLOW per call edge and one for the ingress gateway', () => {
  const { fleet } = render(DEFAULT_FLEET);
  const app = fleet.apps[0]!;
  const td = fleet.mesh.trustDomain;
  const sa = (svc: string) => app.services.find((s) => s.name === svc)!.serviceAccount;
  // The call graph, from the model.
  const expected = new Map<string, { callee: string; principal: string }>();
  for (const caller of app.services) {
    for (const callee of caller.calls) expected.set(`${callee}-from-${caller.name}`, { callee, principal: `${td}/ns/bookinfo/sa/${sa(caller.name)}` });
  }
  expected.set('productpage-from-istio-ingress', { callee: 'productpage', principal: `${td}/ns/istio-ingress/sa/istio-ingress` });
  assert.deepEqual([...expected.keys()].sort(), ['details-from-productpage', 'productpage-from-istio-ingress', 'ratings-from-reviews', 'reviews-from-productpage']);

  const policies = apps(DEFAULT_FLEET, 'frankfurt').filter((o) => o.kind === 'AuthorizationPolicy');
  assert.deepEqual(mustFind(policies, 'AuthorizationPolicy', 'deny-all', 'bookinfo').spec, {});
  const allows = policies.filter((p) => p.metadata.name !== 'deny-all');
  assert.deepEqual(allows.map((p) => p.metadata.name).sort(), [...expected.keys()].sort());
  for (const p of allows) {
    const edge = expected.get(p.metadata.name)!;
    assert.equal(p.apiVersion, 'security.istio.io/v1');
    assert.equal(p.metadata.namespace, 'bookinfo');
    assert.deepEqual(p.spec, {
      action: 'ALLOW',
      selector: { matchLabels: { app: edge.callee } },
      rules: [{ from: [{ source: { principals: [edge.principal] } }], to: [{ operation: { ports: ['9080'] } }] }],
    });
  }
});

test('DestinationRules: reviews spread with outlier detection; the others prefer-local, failing over to Frankfurt, where they run', () => {
  const fr = apps(DEFAULT_FLEET, 'frankfurt');
  assert.deepEqual(names(fr, 'DestinationRule'), ['productpage', 'details', 'reviews', 'ratings']);
  const reviews = mustFind(fr, 'DestinationRule', 'reviews', 'bookinfo');
  assert.equal(reviews.apiVersion, 'networking.istio.io/v1');
  assert.deepEqual(reviews.spec, {
    host: 'reviews.bookinfo.svc.cluster.local',
    trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: false } }, outlierDetection: OUTLIER_DETECTION },
  });
  for (const name of ['productpage', 'details', 'ratings']) {
    assert.deepEqual(mustFind(fr, 'DestinationRule', name).spec, {
      host: `${name}.bookinfo.svc.cluster.local`,
      trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true, failover: FAILOVER_TO_FRANKFURT } }, outlierDetection: OUTLIER_DETECTION },
    });
  }
  // No weights: no subsets and no per-version VirtualService; even across v1, v2 and v3.
  assert.deepEqual(names(fr, 'VirtualService'), ['bookinfo']);
});

test('ingress: Gateway on port 80 for the Helm gateway chart, VirtualService with the productpage routes', () => {
  const fr = apps(DEFAULT_FLEET, 'frankfurt');
  assert.deepEqual(mustFind(fr, 'Gateway', 'bookinfo-gateway', 'bookinfo').spec, {
    selector: { istio: 'ingress' },
    servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
  });
  assert.deepEqual(mustFind(fr, 'VirtualService', 'bookinfo', 'bookinfo').spec, {
    hosts: ['*'],
    gateways: ['bookinfo-gateway'],
    http: [{
      match: [
        { uri: { exact: '/productpage' } },
        { uri: { prefix: '/static' } },
        { uri: { exact: '/login' } },
        { uri: { exact: '/logout' } },
        { uri: { prefix: '/api/v1/products' } },
      ],
      route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }],
    }],
  });
});

test('Istio config only in config clusters (the primaries)', () => {
  const { fleet } = render(DEFAULT_FLEET);
  assert.deepEqual(configClusters(fleet).map((c) => c.name), ['frankfurt']);
  const sp = apps(DEFAULT_FLEET, 'saopaulo');
  assert.deepEqual(sp.filter((o) => ISTIO_CONFIG_KINDS.includes(o.kind)), []);
  for (const kind of ISTIO_CONFIG_KINDS) assert.ok(names(apps(DEFAULT_FLEET, 'frankfurt'), kind).length > 0, `frankfurt has a ${kind}`);
});

test('a primary without workloads still gets the namespace and the Istio config, but no Services', () => {
  const file = fixture('config-only-primary-fleet.yaml');
  const alpha = apps(file, 'alpha');
  assert.deepEqual(alpha.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
    'AuthorizationPolicy/api-from-web',
    'AuthorizationPolicy/db-from-api',
    'AuthorizationPolicy/deny-all',
    'DestinationRule/api',
    'DestinationRule/db',
    'DestinationRule/web',
    'Namespace/shop',
  ]);
  const beta = apps(file, 'beta');
  assert.deepEqual(names(beta, 'Deployment'), ['web-v1', 'api-v1', 'db-v1']);
  assert.deepEqual(beta.filter((o) => ISTIO_CONFIG_KINDS.includes(o.kind)), []);
  // One region: no failover target, locality stays on.
  assert.deepEqual(spec(mustFind(alpha, 'DestinationRule', 'web')).trafficPolicy.loadBalancer, { localityLbSetting: { enabled: true } });
  // Ports whose name does not say the protocol get appProtocol; the others keep the upstream shape.
  assert.deepEqual(spec(mustFind(beta, 'Service', 'db')).ports, [{ name: 'tcp-db', port: 5432 }]);
  assert.deepEqual(spec(mustFind(beta, 'Service', 'api')).ports, [{ name: 'grpc', port: 9090 }]);
  assert.deepEqual(spec(mustFind(alpha, 'AuthorizationPolicy', 'db-from-api')).rules[0].to, [{ operation: { ports: ['5432'] } }]);
});

// ---------------------------------------------------------------------------------------------
// Overrides and weights.

test('overrides: fixed replicas, autoscaling (HPA, no replicas), PDB only with more than one pod, resources', () => {
  const file = fixture('overrides-fleet.yaml');
  const fr = apps(file, 'frankfurt');
  const sp = apps(file, 'saopaulo');

  assert.equal(spec(mustFind(fr, 'Deployment', 'productpage-v1')).replicas, 3);
  assert.deepEqual(mustFind(fr, 'PodDisruptionBudget', 'productpage-v1', 'bookinfo').spec, {
    maxUnavailable: 1,
    selector: { matchLabels: { app: 'productpage', version: 'v1' } },
  });

  // Autoscaled with min 1: an HPA, no replicas on the Deployment, no PDB.
  assert.equal('replicas' in spec(mustFind(fr, 'Deployment', 'details-v1')), false);
  const detailsHpa = mustFind(fr, 'HorizontalPodAutoscaler', 'details-v1', 'bookinfo');
  assert.equal(detailsHpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(detailsHpa.spec, {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'details-v1' },
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
  });
  assert.equal(find(fr, 'PodDisruptionBudget', 'details-v1'), undefined);

  // Autoscaled with min 2: HPA with the target CPU from config, and a PDB.
  assert.equal('replicas' in spec(mustFind(sp, 'Deployment', 'reviews-v3')), false);
  const reviewsHpa = spec(mustFind(sp, 'HorizontalPodAutoscaler', 'reviews-v3'));
  assert.deepEqual([reviewsHpa.minReplicas, reviewsHpa.maxReplicas, reviewsHpa.metrics[0].resource.target.averageUtilization], [2, 6, 60]);
  assert.ok(find(sp, 'PodDisruptionBudget', 'reviews-v3'));

  // Resources override replaces the workload's, exactly as written.
  assert.deepEqual(spec(mustFind(fr, 'Deployment', 'ratings-v1')).template.spec.containers[0].resources, {
    limits: { memory: '1Gi' },
    requests: { cpu: '200m', memory: '1Gi' },
  });

  // Zero replicas is kept (a workload parked in a cluster), without HPA or PDB.
  assert.equal(spec(mustFind(fr, 'Deployment', 'reviews-v2')).replicas, 0);
  assert.deepEqual(names(fr, 'PodDisruptionBudget'), ['productpage-v1']);
  assert.deepEqual(names(fr, 'HorizontalPodAutoscaler'), ['details-v1']);
});

test('weights: subsets for the versions that run, a VirtualService with the split; one region → no failover list', () => {
  const file = fixture('one-region-fleet.yaml');
  const solo = apps(file, 'solo');
  assert.deepEqual(mustFind(solo, 'DestinationRule', 'reviews').spec, {
    host: 'reviews.bookinfo.svc.cluster.local',
    subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true } }, outlierDetection: OUTLIER_DETECTION },
  });
  assert.deepEqual(mustFind(solo, 'VirtualService', 'reviews', 'bookinfo').spec, {
    hosts: ['reviews.bookinfo.svc.cluster.local'],
    http: [{
      route: [
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 80 },
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 20 },
      ],
    }],
  });
  // Services without weights get no subsets.
  assert.equal(spec(mustFind(solo, 'DestinationRule', 'ratings')).subsets, undefined);
});

// ---------------------------------------------------------------------------------------------
// The global-frontends example.

test('global-frontends: productpage in both clusters, Services for its calls, ingress config in the primary', () => {
  const fr = apps(GLOBAL_FRONTENDS, 'frankfurt');
  const sp = apps(GLOBAL_FRONTENDS, 'saopaulo');
  assert.ok(find(fr, 'Deployment', 'productpage-v1'));
  assert.ok(find(sp, 'Deployment', 'productpage-v1'));
  assert.deepEqual(names(sp, 'Deployment'), ['productpage-v1', 'reviews-v3']);
  assert.deepEqual(names(sp, 'Service'), ['productpage', 'details', 'reviews', 'ratings']);
  assert.deepEqual(names(sp, 'ServiceAccount'), ['bookinfo-productpage', 'bookinfo-reviews']);
  assert.ok(find(fr, 'Gateway', 'bookinfo-gateway', 'bookinfo'));
  assert.ok(find(fr, 'VirtualService', 'bookinfo', 'bookinfo'));
  assert.deepEqual(sp.filter((o) => ISTIO_CONFIG_KINDS.includes(o.kind)), []);
  const { fleet } = render(GLOBAL_FRONTENDS);
  assert.deepEqual(fleet.clusters.map((c) => [c.name, c.ingress]), [['frankfurt', true], ['saopaulo', true]]);
  // productpage and reviews run in both regions; details and ratings in Frankfurt only.
  const expected: Record<string, unknown> = { productpage: FAILOVER_BOTH_WAYS, reviews: FAILOVER_BOTH_WAYS, details: FAILOVER_TO_FRANKFURT, ratings: FAILOVER_TO_FRANKFURT };
  for (const dr of fr.filter((o) => o.kind === 'DestinationRule')) {
    assert.deepEqual(spec(dr).trafficPolicy.loadBalancer.localityLbSetting, { enabled: true, failover: expected[dr.metadata.name] }, `${dr.metadata.name} is prefer-local`);
  }
});

test('the apps folders of the examples and fixtures build with kubectl kustomize', async (t) => {
  if (!hasKubectl()) return t.skip('kubectl not available');
  const apps: { label: string; dir: string }[] = [];
  for (const file of [GLOBAL_FRONTENDS, fixture('overrides-fleet.yaml'), fixture('one-region-fleet.yaml'), fixture('config-only-primary-fleet.yaml')]) {
    const dir = tempDir();
    const { fleet, rendered } = render(file);
    for (const [path, content] of rendered.files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    for (const c of fleet.clusters) apps.push({ label: `${relative(ROOT, file)} ${c.name}`, dir: join(dir, 'clusters', c.name, 'apps') });
  }
  const built = await kustomizeBuildAll(apps.map((a) => a.dir));
  apps.forEach((a, i) => assert.ok(built[i]!.includes('kind: Namespace'), a.label));
});

// ---------------------------------------------------------------------------------------------
// Bad app configs: rejected with exact messages.

/** The formatted problems of loading `file`, with file paths relative to the repository root. */
function problemsOf(file: string): string[] {
  let fleet: Fleet | undefined;
  try {
    fleet = loadFleet(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems.map((p) => formatProblem({ ...p, file: relative(ROOT, resolve(p.file)) }));
  }
  assert.fail(`${file} loaded (${fleet.clusters.length} clusters), expected problems`);
}

test('bad app definition: unknown service in a call, duplicate ports', () => {
  assert.deepEqual(problemsOf(fixture('bad-app-fleet.yaml')), [
    'test/fixtures/apps/bad-app.yaml:6:33 services.web.ports[1].port: duplicate port (got 8080, expected a port not used by ports[0])',
    'test/fixtures/apps/bad-app.yaml:7:18 services.web.calls[1]: unknown service (got "cache", expected one of web, api)',
  ]);
});

test('bad placement: unknown cluster, replicas and autoscaling both set, a service that runs nowhere', () => {
  assert.deepEqual(problemsOf(fixture('bad-placement-fleet.yaml')), [
    'test/fixtures/apps/bad-placement-fleet.yaml:15:7 apps.shop.placement: service db runs nowhere (got no placed workload of it, expected at least one of db-v1 placed in a cluster)',
    'test/fixtures/apps/bad-placement-fleet.yaml:16:32 apps.shop.placement.alpha.web-v1.autoscaling: replicas and autoscaling both set (got replicas 2 and autoscaling, expected one of them)',
    'test/fixtures/apps/bad-placement-fleet.yaml:18:7 apps.shop.placement.gamma: unknown cluster (got "gamma", expected one of alpha)',
  ]);
});

// ---------------------------------------------------------------------------------------------
// Constructs on their own: defaults and eager validation.

test('ServiceTraffic refuses weights for a version that runs nowhere, and weights not adding up', () => {
  assert.throws(
    () => new ServiceTraffic(testChart(), 'reviews', { service: 'reviews', namespace: 'bookinfo', versions: ['v1', 'v2'], weights: { v1: 50, v3: 50 } }),
    { message: 'ServiceTraffic reviews: weights.v3 sends 50% to a version that runs in no cluster (running: v1, v2)' },
  );
  assert.throws(
    () => new ServiceTraffic(testChart(), 'reviews', { service: 'reviews', namespace: 'bookinfo', versions: ['v1'], weights: { v1: 90 } }),
    { message: 'ServiceTraffic reviews: weights add up to 90, expected 100' },
  );
});

test('AppWorkload defaults: one replica, container named after the app, read-only root, no HPA/PDB', () => {
  const chart = testChart();
  new AppWorkload(chart, 'w', {
    name: 'web-v1', namespace: 'shop', app: 'web', version: 'v1', serviceAccountName: 'shop-web', image: 'example.com/web:1',
    resources: { cpu: { request: '10m' }, memory: { request: '16Mi' } },
  });
  const objects = Testing.synth(chart);
  assert.deepEqual(objects.map((o: K8sObject) => o.kind), ['Deployment']);
  const pod = objects[0].spec.template.spec;
  assert.equal(objects[0].spec.replicas, 1);
  assert.equal(pod.containers[0].name, 'web');
  assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.containers[0].startupProbe, undefined);
  assert.deepEqual(pod.containers[0].resources, { requests: { cpu: '10m', memory: '16Mi' } });
});

test('AppWorkload refuses an autoscaler whose min is above its max', () => {
  assert.throws(
    () => new AppWorkload(testChart(), 'w', {
      name: 'web-v1', namespace: 'shop', app: 'web', version: 'v1', serviceAccountName: 'shop-web', image: 'example.com/web:1',
      resources: { cpu: { request: '10m' }, memory: { request: '16Mi' } }, autoscaling: { min: 3, max: 2 },
    }),
    { message: 'WorkloadAutoscaler web-v1: minReplicas 3 is above maxReplicas 2' },
  );
});

test('AppAuthorization refuses a call to an unknown service', () => {
  assert.throws(
    () => new AppAuthorization(testChart('c'), 'a', {
      namespace: 'shop', trustDomain: 'cluster.local',
      services: [{ name: 'web', serviceAccount: 'shop-web', ports: [8080], calls: ['api'] }],
    }),
    { message: 'AppAuthorization shop: web calls unknown service api (known: web)' },
  );
});

test('MeshService writes appProtocol only where the port name does not say the protocol', () => {
  const chart = testChart();
  new MeshService(chart, 's', {
    name: 'api', namespace: 'shop',
    ports: [{ name: 'grpc-api', port: 9090, protocol: 'GRPC' }, { name: 'admin', port: 9091, targetPort: 8081 }],
  });
  assert.deepEqual(Testing.synth(chart)[0].spec.ports, [
    { name: 'grpc-api', port: 9090 },
    { name: 'admin', port: 9091, targetPort: 8081, appProtocol: 'http' },
  ]);
});
