/** The committed JSON schemas are the ones generated from the loader's zod schemas. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderSchemas } from '../config/json-schema.ts';
import { ROOT } from './helpers.ts';

test('config/*.schema.json are fresh (npm run gen:schema)', () => {
  for (const [file, content] of renderSchemas()) assert.equal(readFileSync(join(ROOT, file), 'utf8'), content, `${file} is stale`);
});

test('fleet and app files point editors at their schema', () => {
  assert.match(readFileSync(join(ROOT, 'config/fleet.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\/fleet\.schema\.json\n/);
  assert.match(readFileSync(join(ROOT, 'config/apps/bookinfo.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/app\.schema\.json\n/);
});

/** Every property of a JSON schema, with its path: object properties, map values, list items, union branches. */
function properties(node: unknown, path: string): { path: string; schema: Record<string, unknown> }[] {
  if (node === null || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const out: { path: string; schema: Record<string, unknown> }[] = [];
  for (const [key, value] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    out.push({ path: `${path}.${key}`, schema: value }, ...properties(value, `${path}.${key}`));
  }
  if (typeof n.additionalProperties === 'object') out.push(...properties(n.additionalProperties, `${path}.*`));
  if (n.items) out.push(...properties(n.items, `${path}[]`));
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const branch of (n[key] ?? []) as unknown[]) out.push(...properties(branch, path));
  return out;
}

test('every field of the fleet and app schemas has a description', () => {
  for (const [file, content] of renderSchemas()) {
    const all = properties(JSON.parse(content), '');
    assert.ok(all.length > 20, `${file}: the walk finds the fields`);
    assert.deepEqual(all.filter((p) => typeof p.schema.description !== 'string' || p.schema.description === '').map((p) => p.path), [], `${file}: fields without a description`);
  }
});
