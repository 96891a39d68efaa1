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
