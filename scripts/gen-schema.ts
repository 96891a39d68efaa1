/**
 * npm run gen:schema — writes the JSON Schemas editors use for completion and checking
 * (`config/fleet.schema.json`, `config/app.schema.json`), generated from the zod schemas the
 * loader validates with, so the two can never disagree. A test fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from '../config/json-schema.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [file, content] of renderSchemas()) {
  writeFileSync(`${root}${file}`, content);
  console.log(`wrote ${file}`);
}
