/**
 * What the API server would reject in a rendered object, by its apiVersion and kind:
 *
 * - CRD kinds (Istio, Flux, Gateway API): the CRD's own schema at the version we render, generated
 *   from the pinned CRDs into ./*.generated.json (`npm run gen:object-schemas`), applied as the API
 *   server applies a structural schema with Strict field validation (./structural.ts: unknown
 *   fields are errors); their metadata is checked as ObjectMeta.
 * - Kubernetes kinds (v1, apps/v1, policy/v1, autoscaling/v2): kubernetes-models 4.5.x, generated
 *   from the Kubernetes v1.33 OpenAPI. GKE kinds (net.gke.io, networking.gke.io):
 *   @kubernetes-models/gke. Both check types, enums and required fields, not unknown fields.
 *
 * Test support only: it reads the committed generated files, never the reference folder.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { GENERATED_SUFFIX, OBJECT_SCHEMAS_DIR } from '../../scripts/lib/crd-object-schemas.ts';
import { compileStructural, formatErrors, type Schema } from './structural.ts';

/** The fields of an object that validation looks at first. */
export interface TypedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: unknown;
}

interface SchemaFile {
  apiVersion: string;
  kinds: Record<string, Schema>;
}

/** apiVersion → kind → openAPIV3Schema, from the generated files. */
function loadCrdSchemas(): Map<string, Record<string, Schema>> {
  const out = new Map<string, Record<string, Schema>>();
  for (const name of readdirSync(OBJECT_SCHEMAS_DIR).filter((n) => n.endsWith(GENERATED_SUFFIX)).sort()) {
    const file = JSON.parse(readFileSync(join(OBJECT_SCHEMAS_DIR, name), 'utf8')) as SchemaFile;
    out.set(file.apiVersion, file.kinds);
  }
  return out;
}

let crdSchemas: Map<string, Record<string, Schema>> | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The compiled validator of a CRD kind, or undefined when apiVersion is not a CRD group we know. */
function crdValidator(apiVersion: string, kind: string): ValidateFunction | 'unknown kind' | undefined {
  crdSchemas ??= loadCrdSchemas();
  const kinds = crdSchemas.get(apiVersion);
  if (!kinds) return undefined;
  const schema = kinds[kind];
  if (!schema) return 'unknown kind';
  const key = `${apiVersion} ${kind}`;
  let fn = compiled.get(key);
  if (!fn) compiled.set(key, (fn = compileStructural(schema)));
  return fn;
}

type Model = new (data: never) => { validate(): void };

/**
 * apiVersion → the kubernetes-models folder with one module per kind (core and GKE kinds).
 * Kinds are imported one by one: the folders' index modules load every kind (seconds for v1).
 */
const MODEL_FOLDERS: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'net.gke.io/v1': '@kubernetes-models/gke/net.gke.io/v1',
  'networking.gke.io/v1': '@kubernetes-models/gke/networking.gke.io/v1',
};

/** The model class of a kind, or undefined when its folder has no module for it. */
async function modelOf(folder: string, kind: string): Promise<Model | undefined> {
  const specifier = `${folder}/${kind}`;
  try {
    return ((await import(specifier)) as Record<string, Model | undefined>)[kind];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(specifier)) return undefined;
    throw e;
  }
}

/** kubernetes-models' validate() throws an error carrying ajv's errors; one line per problem. */
function modelProblems(validate: () => void, prefix = ''): string[] {
  try {
    validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    return errors ? formatErrors(errors, prefix) : [`${prefix}: ${(e as Error).message}`];
  }
}

async function objectMetaProblems(metadata: unknown): Promise<string[]> {
  const { ObjectMeta } = await import('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta');
  return modelProblems(() => new ObjectMeta(metadata as never).validate(), '/metadata');
}

/**
 * Every problem the API server would reject `obj` for, one line each (`/json/pointer: what`);
 * [] when it validates. An apiVersion or kind we have no schema for is a problem too.
 */
export async function objectProblems(obj: TypedObject): Promise<string[]> {
  const crd = crdValidator(obj.apiVersion, obj.kind);
  if (crd === 'unknown kind') return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  if (crd) {
    const problems = crd(obj) ? [] : formatErrors(crd.errors ?? []);
    return [...problems, ...(await objectMetaProblems(obj.metadata))];
  }
  const folder = MODEL_FOLDERS[obj.apiVersion];
  if (!folder) return [`no schema for ${obj.apiVersion}`];
  const Model = await modelOf(folder, obj.kind);
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  return modelProblems(() => new Model(obj as never).validate());
}
