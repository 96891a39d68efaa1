/**
 * Every object rendered for the default fleet and every example validates against the published
 * schema of its kind and version (kubernetes-models, generated from the Kubernetes OpenAPI and the
 * Istio, Flux, Gateway API and GKE CRDs): what the API server would check on apply.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_FLEET, EXAMPLES, ROOT, objectsOf, render, type K8sObject } from './helpers.ts';

type Model = new (data: never) => { validate(): void };

/** apiVersion → the module with its kinds. */
const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'source.toolkit.fluxcd.io/v1': () => import('@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1'),
  'kustomize.toolkit.fluxcd.io/v1': () => import('@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1'),
  'helm.toolkit.fluxcd.io/v2': () => import('@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2'),
  'networking.istio.io/v1': () => import('@kubernetes-models/istio/networking.istio.io/v1'),
  'security.istio.io/v1': () => import('@kubernetes-models/istio/security.istio.io/v1'),
  'gateway.networking.k8s.io/v1': () => import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1'),
  'net.gke.io/v1': () => import('@kubernetes-models/gke/net.gke.io/v1'),
  'networking.gke.io/v1': () => import('@kubernetes-models/gke/networking.gke.io/v1'),
};

async function modelOf(obj: K8sObject): Promise<Model> {
  const load = MODULES[obj.apiVersion];
  assert.ok(load, `no schema module for ${obj.apiVersion}`);
  const model = (await load())[obj.kind] as Model | undefined;
  assert.ok(model, `no schema for ${obj.apiVersion} ${obj.kind}`);
  return model;
}

for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
  describe(`schemas: ${file.replace(ROOT, '')}`, () => {
    const { fleet, rendered } = render(file);
    for (const cluster of fleet.clusters) {
      test(`every object of ${cluster.name} validates`, async () => {
        const objects = objectsOf(rendered, cluster.name);
        assert.ok(objects.length > 5);
        for (const obj of objects) {
          const Model = await modelOf(obj);
          assert.doesNotThrow(() => new Model(obj as never).validate(), `${cluster.name} ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
        }
      });
    }
  });
}

test('the validation is real: a bad field fails', async () => {
  const { rendered } = render(DEFAULT_FLEET);
  const dr = objectsOf(rendered, 'frankfurt').find((o) => o.kind === 'DestinationRule')!;
  const broken = structuredClone(dr) as K8sObject & { spec: { trafficPolicy: { outlierDetection: { consecutive5xxErrors: unknown } } } };
  broken.spec.trafficPolicy.outlierDetection.consecutive5xxErrors = 'five';
  const Model = await modelOf(broken);
  assert.throws(() => new Model(broken as never).validate(), /consecutive5xxErrors must be integer/);
});
