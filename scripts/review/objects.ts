/**
 * Rendered files (`renderFleet(...).files`: dist-relative path → YAML text) as Kubernetes objects,
 * each with the cluster and Flux layer it belongs to. What the diff and the fleet checks read.
 */
import { parseAllDocuments } from 'yaml';
import { LAYERS } from '../../clusters/layers.ts';
import { CLUSTERS_DIR, FLUX_SYSTEM_DIR, KUSTOMIZATION_FILE } from '../../clusters/paths.ts';

/** Layer name of the objects at the root of a cluster entry: the per-layer Flux Kustomizations. */
export const ENTRY_LAYER = 'flux';

export interface RenderedObject {
  readonly cluster: string;
  /** Flux layer folder (`istiod`, `apps`, …), `flux-system`, or `flux` for the entry's layer Kustomizations. */
  readonly layer: string;
  /** The file it was rendered to, relative to the dist root. */
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  /** The whole object, parsed. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Where a dist-relative path sits: its cluster and layer, or undefined outside `clusters/`. */
export function locate(path: string): { cluster: string; layer: string } | undefined {
  const parts = path.split('/');
  if (parts[0] !== CLUSTERS_DIR || parts.length < 3) return undefined;
  return { cluster: parts[1]!, layer: parts.length === 3 ? ENTRY_LAYER : parts[2]! };
}

/** True for files that hold Kubernetes objects (not kustomize's own kustomization.yaml). */
export const holdsObjects = (path: string): boolean =>
  path.endsWith('.yaml') && !path.endsWith(`/${KUSTOMIZATION_FILE}`) && locate(path) !== undefined;

/** What a file's text holds: each document's object and the fields that identify it. */
type ParsedObject = Omit<RenderedObject, 'cluster' | 'layer' | 'file'>;
/** File texts already parsed, and their objects (see parseRendered). */
export type ParsedTexts = Map<string, readonly ParsedObject[]>;

/**
 * Every Kubernetes object of every cluster, in file order. `parsed` keeps each text's objects
 * across calls: a diff passes one to both sides, so a file whose text did not change (most of
 * them, at fleet scale) is parsed once and both sides share its objects, read-only. `documents`:
 * the JSON of each file's documents, as the render that wrote the YAML made them
 * (`RenderedFleet.documents`), read instead of parsing the YAML of a file it has: the same
 * objects, in a fraction of the time.
 */
export function parseRendered(files: ReadonlyMap<string, string>, parsed: ParsedTexts = new Map(), documents?: Documents): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const [file, content] of files) {
    if (!holdsObjects(file)) continue;
    const { cluster, layer } = locate(file)!;
    let objects = parsed.get(content);
    if (!objects) {
      const jsons = documents?.get(file);
      objects = jsons ? jsons.map((json) => objectOf(JSON.parse(json) as Record<string, unknown>)) : parseObjects(file, content);
      parsed.set(content, objects);
    }
    for (const o of objects) out.push({ cluster, layer, file, ...o });
  }
  return out;
}

/** The JSON of each file's documents, by path (`RenderedFleet.documents`). */
export type Documents = ReadonlyMap<string, readonly string[]>;

function parseObjects(file: string, content: string): ParsedObject[] {
  const out: ParsedObject[] = [];
  for (const doc of parseAllDocuments(content)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const body = doc.toJS() as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') continue;
    out.push(objectOf(body));
  }
  return out;
}

/** An object and the fields that identify it. */
function objectOf(body: Record<string, unknown>): ParsedObject {
  const metadata = (body.metadata ?? {}) as { name?: string; namespace?: string };
  return {
    apiVersion: String(body.apiVersion ?? ''),
    kind: String(body.kind ?? ''),
    name: String(metadata.name ?? ''),
    namespace: metadata.namespace,
    body,
  };
}

/** `frankfurt/Deployment/bookinfo/reviews-v1` (no namespace part for cluster-scoped objects). */
export const objectRef = (o: Pick<RenderedObject, 'cluster' | 'kind' | 'namespace' | 'name'>): string =>
  [o.cluster, o.kind, o.namespace, o.name].filter((part) => part !== undefined && part !== '').join('/');

/** Clusters present in the files, sorted. */
export function clustersOf(files: ReadonlyMap<string, string>): string[] {
  return [...new Set([...files.keys()].map((p) => locate(p)?.cluster).filter((c): c is string => c !== undefined))].sort();
}

/** Sort rank of a layer: Flux sync first, then the layer Kustomizations, then layers in apply order. */
export function layerRank(layer: string): number {
  if (layer === FLUX_SYSTEM_DIR) return 0;
  if (layer === ENTRY_LAYER) return 1;
  const i = LAYERS.findIndex((l) => l.id === layer);
  return i === -1 ? 2 + LAYERS.length : 2 + i;
}

/** Nested value at a dotted path, or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  let node = obj;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
