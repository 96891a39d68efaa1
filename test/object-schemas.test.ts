/**
 * Every object rendered for the default fleet and every example validates against the published
 * schema of its kind and version: what the API server would check on apply. CRD kinds (Istio,
 * Flux, Gateway API) use their pinned CRDs' own schemas with unknown fields as errors; Kubernetes
 * and GKE kinds use kubernetes-models (test/object-schemas/validate.ts says which and why).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OBJECT_SCHEMAS_DIR, buildObjectSchemaFiles, withoutDescriptions } from '../scripts/lib/crd-object-schemas.ts';
import { REFERENCE } from '../scripts/lib/reference-crds.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, mustFind, objectsOf, render } from './helpers.ts';
import { compileStructural, formatErrors, type Schema } from './object-schemas/structural.ts';
import { objectProblems, type TypedObject } from './object-schemas/validate.ts';

type Any = Record<string, any>;
/** A rendered object whose fields a test may break on purpose. */
type Breakable = { apiVersion: string; kind: string; metadata: Any; spec: Any };

/** Problems of each distinct object checked so far, by its JSON (see renderedObjectProblems). */
const checked = new Map<string, Promise<string[]>>();

/**
 * objectProblems of a rendered object. The problems are a function of the object alone, and most
 * rendered objects repeat from cluster to cluster and fleet to fleet (113 distinct of 563), so an
 * object equal to one already checked gets that check's problems.
 */
function renderedObjectProblems(obj: TypedObject): Promise<string[]> {
  const key = JSON.stringify(obj);
  let problems = checked.get(key);
  if (!problems) checked.set(key, (problems = objectProblems(obj)));
  return problems;
}

for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
  describe(`schemas: ${file.replace(ROOT, '')}`, () => {
    const { fleet, rendered } = render(file);
    for (const cluster of fleet.clusters) {
      test(`every object of ${cluster.name} validates`, async () => {
        const objects = objectsOf(rendered, cluster.name);
        assert.ok(objects.length > 5);
        for (const obj of objects) {
          assert.deepEqual(await renderedObjectProblems(obj), [], `${cluster.name} ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
        }
      });
    }
  });
}

/** A rendered object of the default fleet's frankfurt, to break on purpose. */
function frankfurtObject(kind: string): Breakable {
  const { rendered } = render(DEFAULT_FLEET);
  return structuredClone(objectsOf(rendered, 'frankfurt').find((o) => o.kind === kind)!) as unknown as Breakable;
}

test('the validation is real: a bad field fails', async () => {
  const broken = frankfurtObject('DestinationRule');
  broken.spec.trafficPolicy.outlierDetection.consecutive5xxErrors = 'five';
  assert.deepEqual(await objectProblems(broken), ['/spec/trafficPolicy/outlierDetection/consecutive5xxErrors: must be integer']);
});

test('an unknown field in a CRD object is an error, as with kubectl --validate=strict', async () => {
  const broken = frankfurtObject('DestinationRule');
  broken.spec.trafficPolicy.bogus = true;
  assert.deepEqual(await objectProblems(broken), ['/spec/trafficPolicy/bogus: unknown field']);
});

test('unknown fields are allowed only where the CRD preserves them (HelmRelease values)', async () => {
  const release = frankfurtObject('HelmRelease');
  release.spec.values = { ...release.spec.values, anyChartKey: { nested: [1] } };
  assert.deepEqual(await objectProblems(release), []);
  release.spec.valuesFrom = [{ kind: 'ConfigMap', name: 'x', bogus: 1 }];
  assert.deepEqual(await objectProblems(release), ['/spec/valuesFrom/0/bogus: unknown field']);
});

test('a CRD object\'s metadata is checked as ObjectMeta', async () => {
  const broken = frankfurtObject('DestinationRule');
  broken.metadata.labels = { tier: 3 };
  assert.deepEqual(await objectProblems(broken), ['/metadata/labels/tier: must be string']);
});

test('Kubernetes kinds are checked too', async () => {
  const broken = frankfurtObject('Service');
  broken.spec.ports[0].port = '80';
  assert.deepEqual(await objectProblems(broken), ['/spec/ports/0/port: must be integer']);
});

test('a kind without a schema is a problem, not a pass', async () => {
  assert.deepEqual(await objectProblems({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar' }), ['no schema for networking.istio.io/v1 Sidecar']);
  assert.deepEqual(await objectProblems({ apiVersion: 'example.com/v1', kind: 'Thing' }), ['no schema for example.com/v1']);
  assert.deepEqual(await objectProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet' }), ['no schema for apps/v1 Deploymnet']);
});

test('a duplicate key in a list-map (two Gateway listeners named http) is an error', async () => {
  const { rendered } = render(join(ROOT, 'config/examples/global-frontends.yaml'));
  const gw = structuredClone(mustFind(objectsOf(rendered, 'frankfurt', 'global-entry'), 'Gateway', 'global-entry')) as unknown as Breakable;
  assert.deepEqual(await objectProblems(gw), []);
  gw.spec.listeners.push({ ...gw.spec.listeners[0] });
  assert.deepEqual(await objectProblems(gw), ['/spec/listeners: items 0 and 2 are duplicates (name="http"; x-kubernetes-list-type: map)']);
});

describe('structural schemas: x-kubernetes-* keywords as the API server applies them', () => {
  const problems = (schema: Schema, data: unknown): string[] => {
    const validate = compileStructural(schema, 'field');
    return validate(data) ? [] : formatErrors(validate.errors ?? []);
  };

  test('int-or-string: an integer or a string, nothing else', () => {
    const schema: Schema = { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } };
    assert.deepEqual(problems(schema, { port: 8080 }), []);
    assert.deepEqual(problems(schema, { port: 'http' }), []);
    assert.deepEqual(problems(schema, { port: true }), ['/port: must be integer,string']);
  });

  test('preserve-unknown-fields keeps unknown fields, declared ones are still typed and closed', () => {
    const schema: Schema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { known: { type: 'object', properties: { n: { type: 'integer' } } } },
    };
    assert.deepEqual(problems(schema, { anything: { deep: 1 } }), []);
    assert.deepEqual(problems(schema, { known: { n: 'x', extra: 1 } }), ['/known/extra: unknown field', '/known/n: must be integer']);
  });

  test('an object with no fields declared and nothing preserved takes no field', () => {
    assert.deepEqual(problems({ type: 'object' }, { a: 1 }), ['/a: unknown field']);
    assert.deepEqual(problems({ type: 'object', additionalProperties: { type: 'string' } }, { a: 'x' }), []);
  });

  test('embedded-resource: apiVersion and kind required, metadata allowed', () => {
    const schema: Schema = {
      type: 'object',
      properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
    };
    assert.deepEqual(problems(schema, { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } }), []);
    assert.deepEqual(problems(schema, { template: { apiVersion: 'v1', metadata: {} } }), ["/template: must have required property 'kind'"]);
    assert.deepEqual(problems(schema, { template: { apiVersion: '', kind: 'Pod' } }), ['/template/apiVersion: must NOT have fewer than 1 characters']);
  });

  test('list-type set: no item twice', () => {
    const schema: Schema = { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' };
    assert.deepEqual(problems(schema, ['a', 'b']), []);
    assert.deepEqual(problems(schema, ['a', 'b', 'a']), ['/: items 0 and 2 are duplicates ("a"; x-kubernetes-list-type: set)']);
  });

  test('a kind\'s root always allows apiVersion, kind and metadata, and nothing undeclared', () => {
    const root: Schema = { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } };
    const validate = compileStructural(root);
    assert.equal(validate({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', labels: {} }, spec: { a: 'b' } }), true);
    assert.equal(validate({ apiVersion: 'x/v1', kind: 'X', status: {} }), false);
    assert.deepEqual(formatErrors(validate.errors ?? []), ['/status: unknown field']);
  });
});

describe('generated CRD schemas (npm run gen:object-schemas)', () => {
  test('descriptions are dropped, a field named description is kept', () => {
    const schema: Schema = {
      description: 'x',
      type: 'object',
      properties: { description: { type: 'string', description: 'y' } },
      anyOf: [{ description: 'z', required: ['description'] }],
    };
    assert.deepEqual(withoutDescriptions(schema), {
      type: 'object',
      properties: { description: { type: 'string' } },
      anyOf: [{ required: ['description'] }],
    });
  });

  test('the committed files are what the pinned CRDs give', { skip: existsSync(REFERENCE) ? false : `no reference folder at ${REFERENCE}` }, () => {
    for (const [name, text] of buildObjectSchemaFiles()) {
      assert.equal(readFileSync(join(OBJECT_SCHEMAS_DIR, name), 'utf8'), text, `${name} is stale: run npm run gen:object-schemas`);
    }
  });
});
