/**
 * Validates objects against a CRD's structural schema (its openAPIV3Schema) as the API server does
 * when an object is applied with field validation Strict (kubectl's default, `--validate=strict`):
 *
 * - An unknown field is an error. The API server prunes fields a structural schema does not declare
 *   and, with Strict, rejects the object instead; so every object schema is closed
 *   (`additionalProperties: false`) unless it declares a map (`additionalProperties`) or
 *   `x-kubernetes-preserve-unknown-fields: true`. `anyOf`/`oneOf`/`allOf`/`not` are value
 *   validations only in a structural schema (they cannot declare fields) and are kept as they are.
 * - `x-kubernetes-int-or-string: true`: an integer or a string.
 * - A kind's root may carry `apiVersion`, `kind` and `metadata` whether the schema declares them or
 *   not (Istio's do not); `x-kubernetes-embedded-resource: true` marks an object that must carry
 *   `apiVersion` and `kind` (non-empty strings) and may carry `metadata`, the same way.
 * - `x-kubernetes-list-type: set`: no item twice; `map`: no two items with the same values of
 *   `x-kubernetes-list-map-keys`. The API server rejects both as duplicates.
 * - The root's `metadata` is ObjectMeta, which the API server checks whatever the CRD says; a CRD
 *   may only narrow it. It is left open here and checked as ObjectMeta by validate.ts.
 * - Formats: date-time, byte, int32, int64, double (ajv-formats); an unknown format is an error
 *   when the schema is compiled, so a new one cannot be skipped silently.
 *
 * Not checked: `x-kubernetes-validations` (CEL rules need a CEL evaluator, which we do not have)
 * and `x-kubernetes-map-type` (it only says how server-side apply merges).
 */
import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const INT_OR_STRING = 'x-kubernetes-int-or-string';
const EMBEDDED = 'x-kubernetes-embedded-resource';
const LIST_TYPE = 'x-kubernetes-list-type';
const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';

const isSchema = (v: Json | undefined): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a schema sits: a kind's root, the root's ObjectMeta, or any other field. */
export type Place = 'root' | 'objectMeta' | 'field';

/**
 * The JSON Schema that checks what the API server checks for a structural schema `s` (see the
 * module comment); `place` 'root' when `s` is a kind's openAPIV3Schema.
 */
export function toJsonSchema(s: Schema, place: Place = 'field'): Schema {
  const out: Schema = { ...s };
  if (s[INT_OR_STRING] === true && s.type === undefined) out.type = ['integer', 'string'];
  if (isSchema(s.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(s.properties).map(([name, child]) => [
        name,
        isSchema(child) ? toJsonSchema(child, place === 'root' && name === 'metadata' ? 'objectMeta' : 'field') : child,
      ]),
    );
  }
  if (isSchema(s.items)) out.items = toJsonSchema(s.items);
  if (isSchema(s.additionalProperties)) out.additionalProperties = toJsonSchema(s.additionalProperties);
  // Every kind's root, and every embedded resource, may carry apiVersion, kind and ObjectMeta,
  // declared or not; an embedded resource must name its apiVersion and kind.
  if (place === 'root' || s[EMBEDDED] === true) {
    out.type ??= 'object';
    out.properties = {
      apiVersion: { type: 'string', minLength: 1 },
      kind: { type: 'string', minLength: 1 },
      metadata: { type: 'object' }, // ObjectMeta: left open (validate.ts checks the root's)
      ...(isSchema(out.properties) ? out.properties : {}),
    };
  }
  if (s[EMBEDDED] === true) {
    out.required = [...new Set([...(Array.isArray(s.required) ? s.required : []), 'apiVersion', 'kind'])];
  }
  const open = s[PRESERVE] === true || place === 'objectMeta' || out.additionalProperties !== undefined;
  if (out.type === 'object' && !open) out.additionalProperties = false;
  return out;
}

/** Duplicates a list-type `set` or `map` list would be rejected for; [] when there are none. */
function listDuplicates(listType: string, items: unknown[], mapKeys: string[]): string[] {
  const out: string[] = [];
  const keyOf = (item: unknown) => (listType === 'map' ? mapKeys.map((k) => (item as Record<string, unknown> | null)?.[k]) : item);
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < i; j++) {
      if (!isDeepStrictEqual(keyOf(items[i]), keyOf(items[j]))) continue;
      const what = listType === 'map' ? mapKeys.map((k, n) => `${k}=${JSON.stringify((keyOf(items[i]) as unknown[])[n])}`).join(', ') : JSON.stringify(items[i]);
      out.push(`items ${j} and ${i} are duplicates (${what}; ${LIST_TYPE}: ${listType})`);
      break;
    }
  }
  return out;
}

const checkListType: SchemaValidateFunction = (listType: string, data: unknown, parentSchema?: Schema): boolean => {
  if (!Array.isArray(data) || (listType !== 'set' && listType !== 'map')) return true;
  const mapKeys = Array.isArray(parentSchema?.[LIST_MAP_KEYS]) ? (parentSchema[LIST_MAP_KEYS] as string[]) : [];
  const duplicates = listDuplicates(listType, data, mapKeys);
  // ajv reads a validate keyword's errors from the function itself (and adds the data path).
  checkListType.errors = duplicates.map((message) => ({ keyword: LIST_TYPE, message, params: {} }));
  return duplicates.length === 0;
};

// ajv-formats is CommonJS with a default export; under NodeNext its plugin is the module itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** One ajv for every CRD schema: strict (an unknown keyword or format fails compilation). */
function createAjv(): Ajv {
  // allowUnionTypes: int-or-string becomes `type: [integer, string]`. strictRequired and
  // strictTypes off: in a structural schema, anyOf/oneOf/allOf/not hold value validations only,
  // with no `type` and naming fields that the enclosing schema declares and types; ajv's strict
  // mode would refuse them as untyped. Unknown keywords and formats stay errors.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: LIST_TYPE, type: 'array', schemaType: 'string', errors: true, validate: checkListType });
  // Consumed by toJsonSchema or by the list-type check; known here so strict mode accepts them.
  for (const keyword of [PRESERVE, INT_OR_STRING, EMBEDDED, LIST_MAP_KEYS, 'x-kubernetes-map-type', 'x-kubernetes-validations']) {
    ajv.addKeyword(keyword);
  }
  return ajv;
}

let shared: Ajv | undefined;

/** A compiled validator for a kind's openAPIV3Schema (or, with `place` 'field', any structural schema). */
export function compileStructural(schema: Schema, place: Place = 'root'): ValidateFunction {
  shared ??= createAjv();
  return shared.compile(toJsonSchema(schema, place));
}

/** One line per problem: the field's JSON pointer and what is wrong with it. */
export function formatErrors(errors: readonly ErrorObject[], prefix = ''): string[] {
  return errors.map((e) => {
    const path = `${prefix}${e.instancePath}`;
    return e.keyword === 'additionalProperties'
      ? `${path}/${String(e.params.additionalProperty)}: unknown field`
      : `${path || '/'}: ${e.message ?? e.keyword}`;
  });
}
