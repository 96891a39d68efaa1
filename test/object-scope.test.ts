/**
 * Namespaces on rendered objects, over every render of the default fleet, every example and the
 * variants below: a cluster-scoped kind never carries `metadata.namespace` (the API server rejects
 * or ignores it, and Flux's dry-run fails on it), and a namespaced kind always names its namespace
 * (Flux applies these folders with no target namespace, so one without would land in `default`).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadFleet } from '../config/load.ts';
import { renderFleet } from '../clusters/render.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, objectsOf, readText, render, tempDir, writeFixture } from './helpers.ts';

/**
 * Scope of every kind meshfleet renders (Kubernetes API reference; the Flux, Istio, Gateway API
 * and GKE CRDs' `spec.scope`). A kind missing here fails the test, so each new kind is classified.
 */
const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'GatewayClass']);
const NAMESPACED = new Set([
  'ServiceAccount', 'Service', 'Endpoints', 'Secret', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget',
  'GitRepository', 'OCIRepository', 'HelmRepository', 'Kustomization', 'HelmRelease',
  'Gateway', 'VirtualService', 'DestinationRule', 'PeerAuthentication', 'AuthorizationPolicy',
  'HTTPRoute', 'ServiceExport', 'HealthCheckPolicy', 'GCPBackendPolicy',
]);

/** The global entry with a cluster that runs no ingress: that cluster gets only the ingress namespace. */
function globalEntryWithoutRemoteIngress(): string {
  const text = readText(join(ROOT, 'config/examples/global-frontends.yaml'))
    .replace('    ingress: true\n    ranges: { nodes: 10.20.0.0/20', '    ingress: false\n    ranges: { nodes: 10.20.0.0/20')
    .replace('        productpage-v1: {}\n        reviews-v3: {}', '        reviews-v3: {}')
    .replace('definition: ../apps/', `definition: ${ROOT}config/apps/`);
  return writeFixture('fleet.yaml', text, tempDir());
}

describe('namespaces on rendered objects', () => {
  const variants: [string, () => ReturnType<typeof render>][] = [
    ...[DEFAULT_FLEET, ...EXAMPLES].map((file) => [file.replace(ROOT, ''), () => render(file)] as [string, () => ReturnType<typeof render>]),
    ['global entry, São Paulo without ingress', () => { const fleet = loadFleet(globalEntryWithoutRemoteIngress()); return { fleet, rendered: renderFleet(fleet) }; }],
  ];
  for (const [label, make] of variants) {
    test(`${label}: cluster-scoped kinds carry no namespace, namespaced kinds always one`, () => {
      const { fleet, rendered } = make();
      let checked = 0;
      for (const cluster of fleet.clusters) {
        for (const obj of objectsOf(rendered, cluster.name)) {
          const where = `${cluster.name}: ${obj.kind}/${obj.metadata.name}`;
          if (CLUSTER_SCOPED.has(obj.kind)) assert.equal(obj.metadata.namespace, undefined, `${where} is cluster-scoped`);
          else if (NAMESPACED.has(obj.kind)) assert.ok(obj.metadata.namespace, `${where} is namespaced`);
          else assert.fail(`${where}: kind of unknown scope; add it to this test`);
          checked++;
        }
      }
      assert.ok(checked > 20);
    });
  }

  test('the variant really renders a global-entry Namespace in the cluster without ingress', () => {
    const fleet = loadFleet(globalEntryWithoutRemoteIngress());
    const ns = objectsOf(renderFleet(fleet), 'saopaulo', 'global-entry').filter((o) => o.kind === 'Namespace');
    assert.deepEqual(ns.map((o) => o.metadata), [{ name: 'istio-ingress' }]);
  });
});
