/**
 * Regenerates test/object-schemas/*.generated.json: the schema of every CRD kind we render, at
 * the version we render it, from the pinned CRDs (Istio, Flux, Gateway API). The tests validate
 * every rendered object against them (test/object-schemas.test.ts) and never read the
 * reference folder themselves; only this generator does.
 *
 *   npm run gen:object-schemas     # = tsx scripts/gen-object-schemas.ts
 *   MESHFLEET_REFERENCE=/path/to/reference npm run gen:object-schemas
 *
 * Which files and kinds: scripts/lib/reference-crds.ts (shared with gen:imports). What goes into
 * each file: scripts/lib/crd-object-schemas.ts. Generated files no longer produced are removed.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GENERATED_SUFFIX, OBJECT_SCHEMAS_DIR, buildObjectSchemaFiles } from './lib/crd-object-schemas.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { requireReference } from './lib/reference-crds.ts';

function main(): void {
  requireReference();
  const files = buildObjectSchemaFiles();
  mkdirSync(OBJECT_SCHEMAS_DIR, { recursive: true });
  for (const name of readdirSync(OBJECT_SCHEMAS_DIR)) {
    if (name.endsWith(GENERATED_SUFFIX) && !files.has(name)) rmSync(join(OBJECT_SCHEMAS_DIR, name));
  }
  for (const [name, text] of files) {
    const target = join(OBJECT_SCHEMAS_DIR, name);
    writeFileSync(target, text);
    console.log(`wrote ${relative(PROJECT_ROOT, target)}`);
  }
}

try {
  main();
} catch (e) {
  console.error(`gen-object-schemas: ${(e as Error).message}`);
  process.exit(1);
}
