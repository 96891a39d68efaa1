/**
 * What a change does to the fleet: two renders (`renderFleet(...).files`) compared object by
 * object, per cluster and per layer. An object is identified by layer + kind + namespace + name,
 * so moving it between files of a layer is no change. `FLEET.md` is compared line by line as the
 * "overview".
 */
import type { RequestPath } from '../../clusters/routing.ts';
import { CLUSTERS_DIR, FLEET_OVERVIEW_FILE } from '../../clusters/paths.ts';
import { diffLines, type LineHunk } from './line-diff.ts';
import { clustersOf, layerRank, locate, parseRendered, type Documents, type ParsedTexts, type RenderedObject } from './objects.ts';
import { diffValues, type FieldChange } from './value-diff.ts';
import { byCodeUnits } from '../../config/code-units.ts';

export type Rendered = ReadonlyMap<string, string>;

export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly layer: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Changed fields (`changed` only). */
  readonly fields: readonly FieldChange[];
}

export interface ClusterDiff {
  readonly cluster: string;
  /** `new`: only in the head render; `removed`: only in the base. */
  readonly status: 'new' | 'removed' | 'kept';
  /** Sorted by layer (apply order), kind, namespace, name. */
  readonly changes: readonly ObjectChange[];
  /** Files whose bytes differ although no object changed (objects moved or reordered). */
  readonly layoutOnly: readonly string[];
  readonly counts: { readonly added: number; readonly changed: number; readonly removed: number };
}

/** What a reviewer compares of one request path (see clusters/routing.ts). */
export interface PathCount {
  readonly hops: number;
  readonly crossRegion: number;
  /** Estimated added latency per request, whole milliseconds. */
  readonly addedMs: number;
  /** Hops of which some requests pay intercontinental egress. */
  readonly intercontinental: number;
}

/** A request path whose counts or estimates changed: users near `users` (in `region`), through `app`. */
export interface PathChange {
  readonly app: string;
  readonly users: string;
  readonly region: string;
  /** Undefined when the path is new (no ingress there before). */
  readonly before?: PathCount;
  /** Undefined when the path is gone. */
  readonly after?: PathCount;
}

export interface FleetDiff {
  /** Every cluster of either render, sorted by name. */
  readonly clusters: readonly ClusterDiff[];
  /** Changed lines of FLEET.md; empty when it did not change. */
  readonly overview: readonly LineHunk[];
  /** Request paths whose hop or cross-region hop count changed. */
  readonly paths: readonly PathChange[];
}

/** Request paths of both sides, when known (`requestPaths(fleet)`). */
export interface PathsOfBoth {
  readonly base?: readonly RequestPath[];
  readonly head?: readonly RequestPath[];
}

export const isChanged = (c: ClusterDiff): boolean => c.changes.length > 0 || c.layoutOnly.length > 0;
export const hasChanges = (d: FleetDiff): boolean => d.overview.length > 0 || d.clusters.some(isChanged);

/**
 * What changed from `base` to `head`, cluster by cluster and object by object. `documents`: each
 * side's documents as JSON (`RenderedFleet.documents`), read instead of parsing their YAML.
 */
export function diffRendered(base: Rendered, head: Rendered, paths: PathsOfBoth = {}, documents: { base?: Documents; head?: Documents } = {}): FleetDiff {
  // A cluster whose files are the same on both sides has no change: its files are not parsed.
  // In the others, one parse per distinct text: a file the change left alone is parsed once.
  const touched = clustersTouched(base, head);
  const parsed: ParsedTexts = new Map();
  const baseObjects = group(parseRendered(filesOf(base, touched), parsed, documents.base));
  const headObjects = group(parseRendered(filesOf(head, touched), parsed, documents.head));
  const baseClusters = new Set(clustersOf(base));
  const headClusters = new Set(clustersOf(head));
  const clusters = [...new Set([...baseClusters, ...headClusters])].sort().map((cluster): ClusterDiff => {
    const before = baseObjects.get(cluster) ?? new Map<string, RenderedObject>();
    const after = headObjects.get(cluster) ?? new Map<string, RenderedObject>();
    const changes: ObjectChange[] = [];
    for (const [key, obj] of before) {
      const next = after.get(key);
      if (!next) changes.push(change('removed', obj, []));
      else {
        const fields = diffValues(obj.body, next.body);
        if (fields.length > 0) changes.push(change('changed', next, fields));
      }
    }
    for (const [key, obj] of after) if (!before.has(key)) changes.push(change('added', obj, []));
    changes.sort(compareChanges);
    const layoutOnly = changes.length > 0 ? [] : changedFiles(base, head, cluster);
    return {
      cluster,
      status: !baseClusters.has(cluster) ? 'new' : !headClusters.has(cluster) ? 'removed' : 'kept',
      changes,
      layoutOnly,
      counts: {
        added: changes.filter((c) => c.change === 'added').length,
        changed: changes.filter((c) => c.change === 'changed').length,
        removed: changes.filter((c) => c.change === 'removed').length,
      },
    };
  });
  const overview = diffLines(base.get(FLEET_OVERVIEW_FILE) ?? '', head.get(FLEET_OVERVIEW_FILE) ?? '');
  return { clusters, overview: base.get(FLEET_OVERVIEW_FILE) === head.get(FLEET_OVERVIEW_FILE) ? [] : overview, paths: diffPaths(paths) };
}

/** Paths of either side whose counts or (rounded) estimates differ, in head order, then the ones that are gone. */
export function diffPaths({ base = [], head = [] }: PathsOfBoth): PathChange[] {
  const count = (p: RequestPath | undefined): PathCount | undefined =>
    (p ? { hops: p.hops.length, crossRegion: p.crossRegionHops, addedMs: Math.round(p.addedMs), intercontinental: p.intercontinentalHops } : undefined);
  const key = (p: RequestPath) => `${p.app}|${p.users}`;
  const before = new Map(base.map((p) => [key(p), p]));
  const after = new Map(head.map((p) => [key(p), p]));
  const out: PathChange[] = [];
  for (const p of [...head, ...base.filter((b) => !after.has(key(b)))]) {
    const b = count(before.get(key(p)));
    const a = count(after.get(key(p)));
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ app: p.app, users: p.users, region: p.region, before: b, after: a });
  }
  return out;
}

/**
 * Changes that are the same in several clusters, as one entry: the clusters, and the object
 * changes they share. A change is "the same" when its layer, object and changed fields with their
 * old and new values are; files rearranged count by their path inside the cluster folder.
 */
export interface ChangeGroup {
  /** Clusters with exactly these changes in common, sorted; each with its status. */
  readonly clusters: readonly { readonly name: string; readonly status: ClusterDiff['status'] }[];
  readonly changes: readonly ObjectChange[];
  /** Rearranged files, their cluster folder written as `*` (`clusters/*` then the path in it). */
  readonly layoutOnly: readonly string[];
  /** Other clusters where the same objects changed differently, sorted. */
  readonly differsIn: readonly string[];
}

/**
 * The changed clusters' changes grouped: each object change goes with the set of clusters that
 * make it, and changes made by the same set of clusters form one group. Biggest first: most
 * clusters, then most changes, then by first cluster name. Linear in the number of changes.
 */
export function groupChanges(diff: FleetDiff): ChangeGroup[] {
  const bySignature = new Map<string, { change?: ObjectChange; layout?: string; clusters: string[] }>();
  const objectClusters = new Map<string, Set<string>>();
  const status = new Map(diff.clusters.map((c) => [c.cluster, c.status]));
  for (const c of diff.clusters.filter(isChanged)) {
    for (const change of c.changes) {
      const signature = JSON.stringify(change);
      const entry = bySignature.get(signature) ?? { change, clusters: [] };
      entry.clusters.push(c.cluster);
      bySignature.set(signature, entry);
      const object = objectKey(change);
      objectClusters.set(object, (objectClusters.get(object) ?? new Set()).add(c.cluster));
    }
    for (const file of c.layoutOnly) {
      const layout = file.replace(`${CLUSTERS_DIR}/${c.cluster}/`, `${CLUSTERS_DIR}/*/`);
      const signature = `layout|${layout}`;
      const entry = bySignature.get(signature) ?? { layout, clusters: [] };
      entry.clusters.push(c.cluster);
      bySignature.set(signature, entry);
    }
  }
  const groups = new Map<string, { clusters: string[]; changes: ObjectChange[]; layoutOnly: string[] }>();
  for (const { change, layout, clusters } of bySignature.values()) {
    const key = clusters.join('\n');
    const group = groups.get(key) ?? { clusters, changes: [], layoutOnly: [] };
    if (change) group.changes.push(change);
    if (layout) group.layoutOnly.push(layout);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => {
      const members = new Set(g.clusters);
      const others = new Set<string>();
      for (const change of g.changes) for (const c of objectClusters.get(objectKey(change)) ?? []) if (!members.has(c)) others.add(c);
      return {
        clusters: g.clusters.map((name) => ({ name, status: status.get(name)! })),
        changes: g.changes.sort(compareChanges),
        layoutOnly: g.layoutOnly.sort(),
        differsIn: [...others].sort(),
      };
    })
    .sort((a, b) => b.clusters.length - a.clusters.length || b.changes.length + b.layoutOnly.length - (a.changes.length + a.layoutOnly.length) || byCodeUnits(a.clusters[0]!.name, b.clusters[0]!.name));
}

const objectKey = (o: ObjectChange): string => `${o.layer}|${o.kind}|${o.namespace ?? ''}|${o.name}`;

/** cluster → object key → object. A second object with the same key (never rendered by us) gets `#2`. */
function group(objects: RenderedObject[]): Map<string, Map<string, RenderedObject>> {
  const out = new Map<string, Map<string, RenderedObject>>();
  for (const o of objects) {
    const byKey = out.get(o.cluster) ?? new Map<string, RenderedObject>();
    const key = `${o.layer}|${o.kind}|${o.namespace ?? ''}|${o.name}`;
    let unique = key;
    for (let n = 2; byKey.has(unique); n++) unique = `${key}#${n}`;
    byKey.set(unique, o);
    out.set(o.cluster, byKey);
  }
  return out;
}

function change(kind: ObjectChange['change'], o: RenderedObject, fields: FieldChange[]): ObjectChange {
  return { change: kind, layer: o.layer, kind: o.kind, namespace: o.namespace, name: o.name, fields };
}

function compareChanges(a: ObjectChange, b: ObjectChange): number {
  return layerRank(a.layer) - layerRank(b.layer) || byCodeUnits(a.layer, b.layer) || byCodeUnits(a.kind, b.kind) || byCodeUnits(a.namespace ?? '', b.namespace ?? '') || byCodeUnits(a.name, b.name);
}

/** Clusters with a file that differs between the sides (added and removed included). */
function clustersTouched(base: Rendered, head: Rendered): Set<string> {
  const touched = new Set<string>();
  for (const [a, b] of [[base, head], [head, base]] as const) {
    for (const [path, text] of a) {
      const cluster = locate(path)?.cluster;
      if (cluster !== undefined && b.get(path) !== text) touched.add(cluster);
    }
  }
  return touched;
}

/** The files of `rendered` in `clusters`. */
function filesOf(rendered: Rendered, clusters: ReadonlySet<string>): Rendered {
  return new Map([...rendered].filter(([path]) => clusters.has(locate(path)?.cluster ?? '')));
}

function changedFiles(base: Rendered, head: Rendered, cluster: string): string[] {
  const paths = [...new Set([...base.keys(), ...head.keys()])].filter((p) => locate(p)?.cluster === cluster);
  return paths.filter((p) => base.get(p) !== head.get(p)).sort();
}
