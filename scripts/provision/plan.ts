/**
 * The plan: for every cluster and gcloud step (network, fleet features, IAM), what a run would do
 * given what exists, and what exists that config no longer has. Pure — the live state comes in as
 * data (`undefined` = not read, as in an offline dry run).
 */
import type { Cluster } from '../../config/model.ts';
import { clusterDifferences, type GkeChange } from './cluster-diff.ts';
import type { CreateClusterRequest, GkeCluster } from './cluster-request.ts';
import { kindOf, type Difference } from './differences.ts';
import type { FleetKind } from './fleet-steps.ts';
import type { Described, GcloudArgs, GcloudStep, NetworkKind } from './network-steps.ts';

/**
 * - `create`: missing, will be created;
 * - `update`: present, some fields differ and provision changes them in place;
 * - `exists`: present and as configured;
 * - `differs`: present, some fields drifted that provision does not change (reported with the fix);
 * - `wait`: a cluster still provisioning (an earlier run or someone else); waited for until RUNNING;
 * - `broken`: a cluster in ERROR or being deleted, a field that cannot change in place, a
 *   same-named cluster in another region, or a fleet item that could not be read; needs a human;
 * - `unknown`: not read (offline dry run): checked first, created if missing;
 * - `skipped`: not run here (network steps against a GKE emulator without a compute emulator; fleet
 *   features and IAM against any emulator);
 * - `orphan`: exists, made by provision, no longer in config; kept (`--prune` deletes it);
 * - `delete`: an orphan that this run deletes (`--prune`).
 */
export type Action = 'create' | 'update' | 'exists' | 'differs' | 'wait' | 'broken' | 'unknown' | 'skipped' | 'orphan' | 'delete';

interface ItemBase {
  readonly id: string;
  readonly name: string;
  /** Region, or `global`. */
  readonly location: string;
  readonly action: Action;
  readonly differences: readonly Difference[];
  /** Why, for `wait`, `broken`, `skipped` and `orphan`. */
  readonly note?: string;
  /** Plan items that must succeed first. */
  readonly needs: readonly string[];
}

export interface ClusterItem extends ItemBase {
  readonly kind: 'cluster';
  readonly cluster: Cluster;
  readonly request: CreateClusterRequest;
  readonly differences: readonly Difference<GkeChange>[];
}

/** An item made by a gcloud command: a network resource, a fleet feature or an IAM binding. */
export interface GcloudItem extends ItemBase {
  readonly kind: NetworkKind | FleetKind;
  readonly step: GcloudStep<NetworkKind | FleetKind>;
  readonly differences: readonly Difference<GcloudArgs>[];
}

/** How a resource that left config is deleted: a GKE cluster by its path, or a gcloud command. */
export type Removal = { readonly gke: string } | { readonly gcloud: GcloudArgs };

/** Something provision made that config no longer has: a cluster, its subnet, its region's router. */
export interface RemovalItem extends ItemBase {
  readonly kind: 'cluster' | NetworkKind;
  readonly action: 'orphan' | 'delete';
  readonly removal: Removal;
}

export type PlanItem = GcloudItem | ClusterItem | RemovalItem;

/** Whether `item` is about something that left config. */
export const isRemoval = (item: PlanItem): item is RemovalItem => 'removal' in item;

/** Id of a cluster's plan item (steps that come after a cluster name it in `needs`). */
export const clusterId = (cluster: Pick<Cluster, 'name' | 'region'>): string => `cluster:${cluster.region}/${cluster.name}`;

/** What else is known when planning a cluster. */
export interface ClusterPlanOptions {
  /** Plan items that must succeed first. @default none */
  readonly needs?: readonly string[];
  /** Live clusters with the same name in other locations. @default none */
  readonly elsewhere?: readonly GkeCluster[];
  /** Node pools that left config are deleted. @default false */
  readonly prune?: boolean;
  /** The fleet file, named in the fix of a same-named cluster elsewhere. @default 'the fleet file' */
  readonly file?: string;
}

/** Live state of the cluster: a Cluster, `null` when absent, `undefined` when not read. */
export function planCluster(cluster: Cluster, request: CreateClusterRequest, live: GkeCluster | null | undefined, options: ClusterPlanOptions = {}): ClusterItem {
  const base = { kind: 'cluster' as const, id: clusterId(cluster), name: cluster.name, location: cluster.region, cluster, request, needs: options.needs ?? [] };
  if (live === undefined) return { ...base, action: 'unknown', differences: [] };
  const elsewhere = (options.elsewhere ?? []).map((c) => String(c.location));
  if (elsewhere.length > 0) {
    // GKE names are unique per location only: creating here would make a second cluster of that name.
    const where = live ? `both ${cluster.region} and ${elsewhere.join(', ')}` : elsewhere.join(', ');
    return {
      ...base, action: 'broken', differences: [],
      note: `a cluster named ${cluster.name} exists in ${where}; config says ${cluster.region}. A cluster's region cannot change: set region: ${elsewhere[0]} in ${options.file ?? 'the fleet file'}, or delete the cluster in ${elsewhere.join(', ')} (gcloud container clusters delete ${cluster.name} --region=${elsewhere[0]}) and re-run`,
    };
  }
  if (live === null) return { ...base, action: 'create', differences: [] };
  const status = String(live.status ?? 'STATUS_UNSPECIFIED');
  const differences = clusterDifferences(request, live, { prune: options.prune ?? false });
  switch (status) {
    case 'PROVISIONING':
      return { ...base, action: 'wait', differences, note: 'PROVISIONING (an earlier or concurrent run); will wait for RUNNING' };
    case 'ERROR':
      return { ...base, action: 'broken', differences, note: `ERROR${live.statusMessage ? `: ${live.statusMessage}` : ''}; delete it in the console or with gcloud, then re-run` };
    case 'STOPPING':
      return { ...base, action: 'broken', differences, note: 'STOPPING (being deleted); re-run once it is gone' };
    default: {
      // RUNNING, RECONCILING (an upgrade or repair) and DEGRADED clusters exist and serve.
      const note = status === 'RUNNING' ? undefined : status;
      return { ...base, action: actionOf(differences), differences, ...(note ? { note } : {}), ...immutableNote(differences) };
    }
  }
}

/**
 * Live state of the step's resource as `describe` printed it (`null` = absent, `undefined` = not
 * read, an Error = the read failed: that item needs attention, the others go on); `skipped` names
 * why the step is not run at all.
 */
export function planGcloudStep(step: GcloudStep<NetworkKind | FleetKind>, described: Described | null | undefined | Error, skipped?: string): GcloudItem {
  const base = { kind: step.kind, id: step.id, name: step.name, location: step.location, step, needs: step.needs };
  if (skipped) return { ...base, action: 'skipped', differences: [], note: skipped };
  if (described === undefined) return { ...base, action: 'unknown', differences: [] };
  if (described instanceof Error) return { ...base, action: 'broken', differences: [], note: `cannot read: ${described.message}` };
  const live = described === null ? undefined : step.find(described);
  if (!live) return { ...base, action: 'create', differences: [] };
  const differences = step.differences(live);
  return { ...base, action: actionOf(differences), differences, ...immutableNote(differences) };
}

/** Any field that cannot change makes the item need a human; else in-place changes are made; else drift is reported. */
function actionOf(differences: readonly Difference[]): Action {
  const kinds = new Set(differences.map(kindOf));
  if (kinds.has('immutable')) return 'broken';
  if (kinds.has('update')) return 'update';
  return differences.length > 0 ? 'differs' : 'exists';
}

function immutableNote(differences: readonly Difference[]): { note?: string } {
  const fixed = differences.filter((d) => kindOf(d) === 'immutable').map((d) => d.field);
  return fixed.length > 0 ? { note: `${fixed.join(', ')} cannot change in place` } : {};
}

/** The distinct changes of an item's `update` differences, in order (fields changed by one request share it). */
export function changesOf<C>(differences: readonly Difference<C>[]): C[] {
  const seen = new Set<string>();
  const out: C[] = [];
  for (const d of differences) {
    if (kindOf(d) !== 'update' || d.change === undefined) continue;
    const key = JSON.stringify(d.change);
    if (!seen.has(key)) out.push(d.change);
    seen.add(key);
  }
  return out;
}

/** Items a confirmed run acts on: creates, updates, deletes, and clusters to wait for. */
export const actionable = (items: readonly PlanItem[]): PlanItem[] =>
  items.filter((i) => i.action === 'create' || i.action === 'wait' || i.action === 'update' || i.action === 'delete');

/** Differences of `kind` across `items`, with their item. */
export function differencesOf(items: readonly PlanItem[], kind: Difference['kind']): { item: PlanItem; difference: Difference }[] {
  return items.flatMap((item) => item.differences.filter((d) => kindOf(d) === kind).map((difference) => ({ item, difference })));
}

/** Counts per action, in a fixed order, for the plan's closing line. */
export function countActions(items: readonly PlanItem[]): [Action, number][] {
  const order: Action[] = ['create', 'update', 'delete', 'wait', 'exists', 'differs', 'orphan', 'broken', 'unknown', 'skipped'];
  return order.map((a) => [a, items.filter((i) => i.action === a).length] as [Action, number]).filter(([, n]) => n > 0);
}
