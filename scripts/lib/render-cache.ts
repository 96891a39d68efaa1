/**
 * The incremental-render cache of `synth`: each cluster's last render (its input key and files),
 * the parse memos of the config files (config/source-memo.ts) and what FLEET.md's routing keeps
 * (clusters/routing.ts `KeptCosts`), kept outside git in
 * node_modules/.cache/meshfleet/, one file per output directory. Losing it only costs a full
 * render; a cache that cannot be read is ignored, never trusted in part.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ClusterRender } from '../../clusters/render.ts';
import { emptyRoutingMemo, type KeptCost, type PathShape, type RoutingMemo } from '../../clusters/routing.ts';
import type { SourceMemo } from '../../config/source-memo.ts';
import type { SourceMemos } from '../../config/source.ts';
import { contentHash } from '../../clusters/content-hash.ts';
import { clusterDir } from '../../clusters/paths.ts';
import { PROJECT_ROOT } from './project-root.ts';
import type { FileStamp, KnownFile } from './write-tree.ts';
import { removeFile } from './write-lock.ts';

const FORMAT = 6;
/** Caches kept (one per output directory), newest first: temporary outputs must not pile up. */
const KEEP = 16;

/** Sources whose code decides what a render produces, and the lockfile that pins cdk8s. */
const RENDER_SOURCES = ['charts', 'clusters', 'config', 'imports'];

/** Defined by the CLI bundle (bin/bundle.mjs): the key of the sources it was built from. */
declare const __MESHFLEET_SOURCE_KEY__: string | undefined;

/**
 * A fingerprint of the renderer's code: every .ts file of the render sources and the lockfile.
 * A change to any of them invalidates every cached cluster.
 */
export function codeFingerprint(root = PROJECT_ROOT): string {
  // The bundle's own key (path, size and mtime of every source and the lockfile) covers all of
  // them, and the bin rebuilds the bundle before it runs stale code: no need to read them again.
  if (typeof __MESHFLEET_SOURCE_KEY__ === 'string' && root === PROJECT_ROOT) return `bundle ${FORMAT} ${__MESHFLEET_SOURCE_KEY__}`;
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
  return join(root, 'node_modules', '.cache', 'meshfleet', `synth-${id}.bin`);
}

/**
 * The cache file's data. Each large table is packed into flat arrays (paths, indexes and numbers
 * as typed arrays) and each object tree is JSON: V8's deserializer takes tens of ms over the
 * thousands of small arrays a 100 × 20 fleet leaves, against about one for a typed array, and
 * JSON.parse reads object trees two to three times as fast.
 */
interface CacheFile {
  readonly format: number;
  /** The output directory (absolute) it is the cache of: another one's cache is never used. */
  readonly out: string;
  /** Each distinct file content and document digest list once: most files repeat from cluster to cluster. */
  readonly texts: string[];
  /** Each cluster's files and their digests (`ClusterRender.digests`): paths, and each one's index in `texts`. */
  readonly clusters: [string, { key: string; objects: number; files: PackedTexts; digests: PackedTexts }][];
  /** Parse memos of the config files (config/source-memo.ts), valid for the code of `salt`: JSON of `[path, memo][]` (JSON-safe by design). */
  readonly sources: { readonly salt: string; readonly memos: string };
  /** FLEET.md's routing (`RenderedFleet.routing`); its keys carry the code's salt. Shapes as JSON of `[key, shapes][]`. */
  readonly routing: { readonly costs: PackedCosts; readonly shapes: string };
  /** Stamps of the output's settled files after the write (`WriteSummary.stamps`): paths, and size, mtimeMs, ctimeMs, ino of each in turn. */
  readonly stamps: { readonly paths: string[]; readonly numbers: Float64Array };
}

interface PackedTexts {
  readonly paths: string[];
  /** Index in `CacheFile.texts` of each path's text. */
  readonly texts: Uint32Array;
}

/** FLEET.md's kept costs (`RoutingMemo.costs`, about 17,000 at 100 × 20) in flat arrays. */
interface PackedCosts {
  readonly keys: string[];
  /** How many costs (regions) each key has. */
  readonly widths: Uint32Array;
  /**
   * Every cost's milliseconds, key after key; NaN for a cost not computed (null). A cost is a sum
   * of finite round-trip times, never NaN; were one NaN, it would read back as not computed and
   * be computed again, which costs time, not correctness.
   */
  readonly ms: Float64Array;
  /** The costs that leave services unserved: position in `ms`, then those services. */
  readonly unserved: [number, ...string[]][];
}

export function packCosts(costs: RoutingMemo['costs']): PackedCosts {
  const keys = [...costs.keys()];
  const rows = [...costs.values()];
  const widths = Uint32Array.from(rows, (row) => row.length);
  const ms = new Float64Array(widths.reduce((a, b) => a + b, 0));
  const unserved: [number, ...string[]][] = [];
  let at = 0;
  for (const row of rows) {
    for (const cost of row) {
      if (cost && cost.length > 1) unserved.push([at, ...cost.slice(1) as string[]]);
      ms[at++] = cost ? cost[0] : NaN;
    }
  }
  return { keys, widths, ms, unserved };
}

export function unpackCosts(packed: PackedCosts): RoutingMemo['costs'] {
  const { keys, widths, ms } = packed;
  const unserved = new Map(packed.unserved.map(([at, ...services]): [number, KeptCost] => [at, [ms[at]!, ...services]]));
  const costs: RoutingMemo['costs'] = new Map();
  let at = 0;
  for (let k = 0; k < keys.length; k++) {
    const row = new Array<KeptCost | null>(widths[k]!);
    for (let r = 0; r < row.length; r++, at++) {
      const value = ms[at]!;
      row[r] = Number.isNaN(value) ? null : unserved.get(at) ?? [value];
    }
    costs.set(keys[k]!, row);
  }
  if (at !== ms.length) throw new Error('packed costs: widths and milliseconds disagree');
  return costs;
}

/** What the last synth into an output directory left for the next. */
export interface RenderCache {
  /** Each cluster's render (`RenderedFleet.clusters`), by name. */
  readonly clusters: ReadonlyMap<string, ClusterRender>;
  /** Parse memos of the config files, by real path (`LoadOptions.memos`), read and updated by the loader. */
  readonly memos: SourceMemos;
  /** FLEET.md's routing (`RenderedFleet.routing`, `IncrementalOptions.previousRouting`). */
  readonly routing: RoutingMemo;
  /** Stamps of the output's files as the last write left them (`WriteSummary.stamps`), by output path. */
  readonly stamps: ReadonlyMap<string, FileStamp>;
}

const empty = (): RenderCache => ({ clusters: new Map(), memos: new Map(), routing: emptyRoutingMemo(), stamps: new Map() });

/**
 * The output's files as the last synth left them, for `writeTree`'s `known`: each stamped file of a
 * cached cluster, with the content that synth wrote.
 */
export function knownFiles(cache: RenderCache): Map<string, KnownFile> {
  const known = new Map<string, KnownFile>();
  if (cache.stamps.size === 0) return known;
  for (const [cluster, render] of cache.clusters) {
    for (const [path, content] of render.files) {
      const outPath = `${clusterDir(cluster)}/${path}`;
      const stamp = cache.stamps.get(outPath);
      if (stamp) known.set(outPath, { content, stamp });
    }
  }
  return known;
}

/**
 * The last synth's cache for `outDir`, or an empty one when there is none, or it cannot be read,
 * fails its checksum (a file damaged on disk), is of another format or another directory. Parse
 * memos count only when made by the code of `salt` (`codeFingerprint`): another `yaml` could parse
 * the same text into other data.
 */
export function loadRenderCache(outDir: string, salt: string, root = PROJECT_ROOT): RenderCache {
  const file = cacheFileFor(outDir, root);
  try {
    if (!statSync(file).isFile()) return empty();
    // A checksum line, then the data in V8's serialization format: it reads and writes the
    // megabytes of file texts about twice as fast as JSON (no UTF-8 to decode or encode).
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(0x0a);
    const body = bytes.subarray(newline + 1);
    if (newline < 0 || bytes.toString('latin1', 0, newline) !== contentHash(body)) return empty();
    const data = deserialize(body) as CacheFile;
    if (data.format !== FORMAT || data.out !== resolve(outDir) || !Array.isArray(data.clusters)) return empty();
    const unpack = ({ paths, texts }: PackedTexts) => new Map(paths.map((path, i) => [path, data.texts[texts[i]!]!]));
    const clusters = new Map(data.clusters.map(([name, c]): [string, ClusterRender] => [name, {
      key: c.key,
      objects: c.objects,
      files: unpack(c.files),
      digests: unpack(c.digests),
    }]));
    const memos: SourceMemos = data.sources.salt === salt ? new Map(JSON.parse(data.sources.memos) as [string, SourceMemo][]) : new Map();
    const shapes = new Map(JSON.parse(data.routing.shapes) as [string, PathShape[]][]);
    return { clusters, memos, routing: { costs: unpackCosts(data.routing.costs), shapes }, stamps: unpackStamps(data.stamps) };
  } catch {
    return empty();
  }
}

/**
 * Saves what a synth into `outDir` leaves for the next: its clusters, and the parse memos made with
 * the code of `salt`. Written to a temporary file and renamed, so a concurrent reader sees the old
 * cache or the new one, never half of one.
 */
export function saveRenderCache(outDir: string, cache: RenderCache, salt: string, root = PROJECT_ROOT): void {
  const file = cacheFileFor(outDir, root);
  const texts: string[] = [];
  const numbers = new Map<string, number>();
  const numberOf = (text: string): number => {
    let n = numbers.get(text);
    if (n === undefined) {
      n = texts.push(text) - 1;
      numbers.set(text, n);
    }
    return n;
  };
  const pack = (files: ReadonlyMap<string, string>): PackedTexts => ({ paths: [...files.keys()], texts: Uint32Array.from(files.values(), numberOf) });
  const data: CacheFile = {
    format: FORMAT,
    out: resolve(outDir),
    clusters: [...cache.clusters].filter(([, c]) => c.key !== undefined).map(([name, c]) => [name, {
      key: c.key!,
      objects: c.objects,
      files: pack(c.files),
      digests: pack(c.digests ?? new Map()),
    }]),
    texts,
    sources: { salt, memos: JSON.stringify([...cache.memos]) },
    routing: { costs: packCosts(cache.routing.costs), shapes: JSON.stringify([...cache.routing.shapes]) },
    stamps: packStamps(cache.stamps),
  };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const body = serialize(data);
  writeFileSync(tmp, Buffer.concat([Buffer.from(`${contentHash(body)}\n`), body]));
  renameSync(tmp, file);
  pruneCaches(dirname(file));
}

function packStamps(stamps: ReadonlyMap<string, FileStamp>): CacheFile['stamps'] {
  const numbers = new Float64Array(4 * stamps.size);
  let at = 0;
  for (const t of stamps.values()) {
    numbers[at++] = t.size;
    numbers[at++] = t.mtimeMs;
    numbers[at++] = t.ctimeMs;
    numbers[at++] = t.ino;
  }
  return { paths: [...stamps.keys()], numbers };
}

function unpackStamps({ paths, numbers }: CacheFile['stamps']): Map<string, FileStamp> {
  if (numbers.length !== 4 * paths.length) throw new Error('packed stamps: paths and numbers disagree');
  return new Map(paths.map((path, i) => [path, { size: numbers[4 * i]!, mtimeMs: numbers[4 * i + 1]!, ctimeMs: numbers[4 * i + 2]!, ino: numbers[4 * i + 3]! }]));
}

function pruneCaches(dir: string): void {
  try {
    // `.json`: caches of meshfleet before cache format 5, pruned as the oldest.
    const caches = readdirSync(dir).filter((f) => /^synth-[0-9a-f]+\.(bin|json)$/.test(f))
      .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { path } of caches.slice(KEEP)) removeFile(path);
  } catch {
    // Another synth pruned first; the cache stays usable either way.
  }
}
