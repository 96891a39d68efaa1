/**
 * The plan: for every cluster and gcloud step (network, fleet features, IAM), what a run would do
 * given what exists. Pure — the live state comes in as data (`undefined` = not read, as in a dry run).
 */
import type { Cluster } from '../../config/model.ts';
import { clusterDifferences } from './cluster-diff.ts';
import type { CreateClusterRequest, GkeCluster } from './cluster-request.ts';
import type { Difference } from './differences.ts';
import type { FleetKind } from './fleet-steps.ts';
import type { Described, GcloudStep, NetworkKind } from './network-steps.ts';

/**
 * - `create`: missing, will be created;
 * - `exists`: present and as configured;
 * - `differs`: present, some fields differ (reported only: nothing is changed or deleted);
 * - `wait`: a cluster still provisioning (an earlier run or someone else); waited for until RUNNING;
 * - `broken`: a cluster in ERROR or being deleted, or a fleet item that could not be read; needs a human;
 * - `unknown`: not read (dry run): checked first, created if missing;
 * - `skipped`: not run here (network steps against a GKE emulator without a compute emulator; fleet
 *   features and IAM against any emulator).
 */
export type Action = 'create' | 'exists' | 'differs' | 'wait' | 'broken' | 'unknown' | 'skipped';

interface ItemBase {
  readonly id: string;
  readonly name: string;
  /** Region, or `global`. */
  readonly location: string;
  readonly action: Action;
  readonly differences: readonly Difference[];
  /** Why, for `wait`, `broken` and `skipped`. */
  readonly note?: string;
  /** Plan items that must succeed first. */
  readonly needs: readonly string[];
}

export interface ClusterItem extends ItemBase {
  readonly kind: 'cluster';
  readonly cluster: Cluster;
  readonly request: CreateClusterRequest;
}

/** An item made by a gcloud command: a network resource, a fleet feature or an IAM binding. */
export interface GcloudItem extends ItemBase {
  readonly kind: NetworkKind | FleetKind;
  readonly step: GcloudStep<NetworkKind | FleetKind>;
}

export type PlanItem = GcloudItem | ClusterItem;

/** Id of a cluster's plan item (steps that come after a cluster name it in `needs`). */
export const clusterId = (cluster: Pick<Cluster, 'name' | 'region'>): string => `cluster:${cluster.region}/${cluster.name}`;

/** Live state of the cluster: a Cluster, `null` when absent, `undefined` when not read. */
export function planCluster(cluster: Cluster, request: CreateClusterRequest, live: GkeCluster | null | undefined, needs: readonly string[] = []): ClusterItem {
  const base = { kind: 'cluster' as const, id: clusterId(cluster), name: cluster.name, location: cluster.region, cluster, request, needs };
  if (live === undefined) return { ...base, action: 'unknown', differences: [] };
  if (live === null) return { ...base, action: 'create', differences: [] };
  const status = String(live.status ?? 'STATUS_UNSPECIFIED');
  const differences = clusterDifferences(request.cluster, live);
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
      return { ...base, action: differences.length > 0 ? 'differs' : 'exists', differences, ...(note ? { note } : {}) };
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
  return { ...base, action: differences.length > 0 ? 'differs' : 'exists', differences };
}

/** Items a confirmed run acts on: creates, and clusters to wait for. */
export const actionable = (items: readonly PlanItem[]): PlanItem[] => items.filter((i) => i.action === 'create' || i.action === 'wait');

/** Counts per action, in a fixed order, for the plan's closing line. */
export function countActions(items: readonly PlanItem[]): [Action, number][] {
  const order: Action[] = ['create', 'wait', 'exists', 'differs', 'broken', 'unknown', 'skipped'];
  return order.map((a) => [a, items.filter((i) => i.action === a).length] as [Action, number]).filter(([, n]) => n > 0);
}
