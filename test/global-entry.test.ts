/**
 * The global entry point (issue: one anycast address in front of every cluster's ingress):
 * config rules, rendered objects validated against the published schemas, and their wiring.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { DEFAULT_FLEET, ROOT, find, mustFind, objectsOf, readText, render, tempDir, writeFixture } from './helpers.ts';
import { objectProblems } from './object-schemas/validate.ts';

const EXAMPLE = join(ROOT, 'config/examples/global-frontends.yaml');
type Any = Record<string, any>;

describe('global entry: rendered objects', () => {
  const { fleet, rendered } = render(EXAMPLE);
  const entry = fleet.globalEntry!;

  test('the example turns it on with both clusters serving; the default fleet stays off', () => {
    assert.ok(entry);
    assert.deepEqual(entry.servingClusters, ['frankfurt', 'saopaulo']);
    assert.equal(render(DEFAULT_FLEET).fleet.globalEntry, undefined);
    assert.equal([...render(DEFAULT_FLEET).rendered.files.keys()].some((p) => p.includes('global-entry')), false);
    assert.equal(fleet.gke.fleetRegistration, true, 'global entry implies fleet registration');
    assert.equal(fleet.gke.gatewayApi, true, 'and the Gateway API');
  });

  test('every rendered global-entry object validates against the published schemas', async () => {
    let validated = 0;
    for (const cluster of fleet.clusters) {
      for (const obj of objectsOf(rendered, cluster.name, 'global-entry')) {
        assert.deepEqual(await objectProblems(obj), [], `${cluster.name} ${obj.kind}/${obj.metadata.name}`);
        validated++;
      }
    }
    assert.equal(validated, 2 + 5, 'two ServiceExports, Gateway + 2 HTTPRoutes + 2 policies');
  });

  test('HTTPRoute backend and every ServiceExport name the same Service, which each serving cluster runs', () => {
    const config = objectsOf(rendered, entry.configCluster, 'global-entry');
    const route = mustFind(config, 'HTTPRoute', 'global-entry');
    const backend = (route.spec as Any).rules[0].backendRefs[0];
    assert.deepEqual(backend, { group: 'net.gke.io', kind: 'ServiceImport', name: 'istio-ingress', port: 80 });
    for (const name of entry.servingClusters) {
      const exp = mustFind(objectsOf(rendered, name, 'global-entry'), 'ServiceExport', backend.name);
      assert.equal(exp.metadata.namespace, route.metadata.namespace);
      const ingress = mustFind(objectsOf(rendered, name, 'gateways'), 'HelmRelease', backend.name, route.metadata.namespace);
      assert.equal((ingress.spec as Any).values.service.type, 'ClusterIP', 'no own external LB behind the global entry');
    }
  });

  test('the Gateway: multi-cluster class, named address, certmap, HTTPS with an HTTP redirect', () => {
    const config = objectsOf(rendered, entry.configCluster, 'global-entry');
    const gw = mustFind(config, 'Gateway', 'global-entry', 'istio-ingress');
    assert.equal((gw.spec as Any).gatewayClassName, 'gke-l7-global-external-managed-mc');
    assert.deepEqual((gw.spec as Any).addresses, [{ type: 'NamedAddress', value: entry.address }]);
    assert.equal(gw.metadata.annotations?.['networking.gke.io/certmap'], entry.certificateMap);
    assert.deepEqual((gw.spec as Any).listeners.map((l: Any) => `${l.name}:${l.protocol}:${l.port}`), ['http:HTTP:80', 'https:HTTPS:443']);
    const redirect = mustFind(config, 'HTTPRoute', 'global-entry-https-redirect');
    assert.deepEqual((redirect.spec as Any).rules[0].filters[0], { type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } });
    assert.equal(find(objectsOf(rendered, 'saopaulo', 'global-entry'), 'Gateway', 'global-entry'), undefined, 'config cluster only');
  });

  test('the health check probes the Istio gateway\'s status port and readiness path', () => {
    const hc = mustFind(objectsOf(rendered, entry.configCluster, 'global-entry'), 'HealthCheckPolicy', 'global-entry');
    const ingress = mustFind(objectsOf(rendered, entry.configCluster, 'gateways'), 'HelmRelease', 'istio-ingress');
    const statusPort = 15021; // the gateway chart's status-port (service.ports[0] of its pinned defaults)
    assert.deepEqual((hc.spec as Any).default.config.httpHealthCheck, { port: statusPort, portSpecification: 'USE_FIXED_PORT', requestPath: '/healthz/ready' });
    assert.equal((ingress.spec as Any).values.service.ports, undefined, 'chart default ports (status-port 15021) kept');
  });

  test('the global-entry layer comes after the gateways and does not block the apps', () => {
    const layer = mustFind(objectsOf(rendered, entry.configCluster), 'Kustomization', 'global-entry', 'flux-system');
    assert.deepEqual((layer.spec as Any).dependsOn, [{ name: 'gateways' }]);
    assert.equal((layer.spec as Any).wait, false);
    const apps = mustFind(objectsOf(rendered, entry.configCluster), 'Kustomization', 'apps', 'flux-system');
    assert.ok(!(apps.spec as Any).dependsOn.some((d: Any) => d.name === 'global-entry'));
  });
});

describe('global entry: config rules, by exact message', () => {
  const base = readText(DEFAULT_FLEET).replace('definition: apps/', `definition: ${ROOT}config/apps/`);
  const withEntry = (entry: string, edit = (s: string) => s) => edit(`${base}globalEntry:\n${entry}`);
  const problems = (text: string): string[] => {
    try {
      loadFleet(writeFixture('fleet.yaml', text, tempDir()));
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems.map((p) => formatProblem({ ...p, file: 'F' }).replace(/^F:\d+:\d+ /, ''));
    }
  };
  const ok = '  configCluster: frankfurt\n  hostnames: [shop.example.com]\n  address: shop-ip\n';

  test('a valid entry loads', () => assert.deepEqual(problems(withEntry(ok)), []));
  test('config cluster unknown', () => {
    assert.deepEqual(problems(withEntry(ok.replace('frankfurt', 'tokyo'))), ['globalEntry.configCluster: unknown cluster (got "tokyo", expected one of frankfurt, saopaulo)']);
  });
  test('config cluster not serving', () => {
    assert.deepEqual(problems(withEntry(ok.replace('frankfurt', 'saopaulo'))), ['globalEntry.configCluster: config cluster does not serve (got "saopaulo", which has no ingress; expected one of frankfurt)']);
  });
  test('no serving cluster', () => {
    assert.deepEqual(problems(withEntry(ok, (s) => s.replace('    ingress: true\n', '    ingress: false\n'))), [
      'globalEntry: no serving cluster (got no cluster with ingress, expected ingress: true on at least one cluster)',
    ]);
  });
  test('invalid hostname', () => {
    assert.deepEqual(problems(withEntry(ok.replace('shop.example.com', 'shop_example'))), ['globalEntry.hostnames[0]: invalid value (got "shop_example", expected an ASCII hostname such as shop.example.com or *.example.com (an internationalized name in its punycode xn-- form))']);
  });
  test('TLS asked without a certificate map', () => {
    assert.deepEqual(problems(withEntry(`${ok}  tls: { enabled: true }\n`)), ['globalEntry.tls: TLS without a certificate map (got none, expected certificateMap: NAME of a Certificate Manager map, or enabled: false)']);
  });
});

describe('global entry: npm run check', () => {
  test('quiet on the example; reports a config cluster that serves nothing (crafted model: the loader rejects it)', async () => {
    const { checkGlobalEntry, checkInput, formatFinding } = await import('../scripts/review/checks.ts');
    const { fleet, rendered } = render(EXAMPLE);
    assert.deepEqual(checkGlobalEntry(checkInput(fleet, rendered.files, { documents: rendered.documents })), []);
    const clusters = fleet.clusters.map((c) => (c.name === 'frankfurt' ? { ...c, ingress: false } : c));
    const crafted = { ...fleet, clusters, globalEntry: { ...fleet.globalEntry!, servingClusters: ['saopaulo'] } };
    const files = new Map([...rendered.files].filter(([path]) => !path.startsWith('clusters/frankfurt/global-entry/ingress-export')));
    assert.deepEqual(checkGlobalEntry(checkInput(crafted, files)).map(formatFinding), [
      `error ${fleet.file} globalEntry.configCluster: config cluster frankfurt serves nothing: it has no exported ingress gateway, so the Gateway it holds routes to no local backend (fix: set configCluster: to one of saopaulo, or ingress: true on frankfurt)`,
    ]);
  });
});
