/**
 * The incremental-render cache of `synth`: each cluster's last render (its input key and files),
 * kept outside git in node_modules/.cache/meshfleet/, one file per output directory. Losing it
 * only costs a full render; a cache that cannot be read is ignored, never trusted in part.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { ClusterRender } from '../../clusters/render.ts';
import { PROJECT_ROOT } from './project-root.ts';

const FORMAT = 1;
/** Caches kept (one per output directory), newest first: temporary outputs must not pile up. */
const KEEP = 16;


/** Sources whose code decides what a render produces, and the lockfile that pins cdk8s. */
const RENDER_SOURCES = ['charts', 'clusters', 'config', 'imports'];

/**
 * A fingerprint of the renderer's code: every .ts file of the render sources and the lockfile.
 * A change to any of them invalidates every cached cluster.
 */
export function codeFingerprint(root = PROJECT_ROOT): string {
  const hash = createHash('sha256').update(`format ${FORMAT}\0`);
  const files = RENDER_SOURCES.flatMap((dir) => listTs(join(root, dir))).sort();
  for (const file of [...files, join(root, 'package-lock.json')]) {
    hash.update(relative(root, file)).update('\0');
    try {
      hash.update(readFileSync(file)).update('\0');
    } catch {
      hash.update('missing\0');
    }
  }
  return hash.digest('base64url');
}

function listTs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** Where the cache of one output directory lives. */
export function cacheFileFor(outDir: string, root = PROJECT_ROOT): string {
  const id = createHash('sha256').update(resolve(outDir)).digest('hex').slice(0, 16);
  return join(root, 'node_modules', '.cache', 'meshfleet', `synth-${id}.json`);
}

interface CacheFile {
  readonly format: number;
  readonly clusters: [string, { key: string; objects: number; files: [string, string][] }][];
}

/** The last render's clusters for `outDir`, or an empty map when there is none (or it is unreadable). */
export function loadRenderCache(outDir: string, root = PROJECT_ROOT): Map<string, ClusterRender> {
  const file = cacheFileFor(outDir, root);
  try {
    if (!statSync(file).isFile()) return new Map();
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (data.format !== FORMAT || !Array.isArray(data.clusters)) return new Map();
    return new Map(data.clusters.map(([name, c]) => [name, { key: c.key, objects: c.objects, files: new Map(c.files) }]));
  } catch {
    return new Map();
  }
}

/**
 * Saves the clusters of a render for the next synth into `outDir`. Written to a temporary file and
 * renamed, so a concurrent reader sees the old cache or the new one, never half of one.
 */
export function saveRenderCache(outDir: string, clusters: ReadonlyMap<string, ClusterRender>, root = PROJECT_ROOT): void {
  const file = cacheFileFor(outDir, root);
  const data: CacheFile = {
    format: FORMAT,
    clusters: [...clusters].filter(([, c]) => c.key !== undefined).map(([name, c]) => [name, { key: c.key!, objects: c.objects, files: [...c.files] }]),
  };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data));
  renameSync(tmp, file);
  pruneCaches(dirname(file));
}

function pruneCaches(dir: string): void {
  try {
    const caches = readdirSync(dir).filter((f) => /^synth-[0-9a-f]+\.json$/.test(f))
      .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { path } of caches.slice(KEEP)) rmSync(path, { force: true });
  } catch {
    // Another synth pruned first; the cache stays usable either way.
  }
}
