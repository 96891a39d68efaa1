/**
 * The meshfleet repository root (where package.json is), found from this module's own location:
 * the same answer whether the code runs from its TypeScript sources or from the prebuilt bundle
 * (node_modules/.cache/meshfleet/…), so paths to sources, fixtures and children stay right.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'meshfleet') return dir;
    if (dirname(dir) === dir) throw new Error(`no meshfleet package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
