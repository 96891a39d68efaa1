/**
 * Creates, changes or deletes one cluster and follows it to the end: CreateCluster (retried on
 * transient errors), then GetOperation with backoff until DONE. ALREADY_EXISTS means another run
 * got there first: the cluster is followed with GetCluster until RUNNING, so re-runs converge and
 * never duplicate. Node pool changes go one at a time (GKE runs one operation per cluster);
 * DeleteCluster of a cluster already gone counts as deleted.
 */
import type { ClusterManagerClient, protos } from '@google-cloud/container';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ItemResult } from './apply.ts';
import type { GkeCluster } from './cluster-request.ts';
import { formatDuration } from './format.ts';
import { clusterPath, operationPath } from './names.ts';
import { changeMethod, type GkeChange } from './cluster-diff.ts';
import { changesOf, type ClusterItem, type RemovalItem } from './plan.ts';
import type { Progress } from './progress.ts';
import { callOptions, codeName, errorLine, grpcCode, pollDelay, withRetry, type RetryListener } from './retry.ts';
import type { Timing } from './timing.ts';

/** What creating a cluster needs. */
export interface ClusterContext {
  readonly client: ClusterManagerClient;
  readonly project: string;
  readonly timing: Timing;
  readonly progress: Progress;
  /** Progress line of an item. */
  readonly key: (item: ClusterItem | RemovalItem) => string;
  /** Where the calls go, for the line a dead server gets (`container.googleapis.com`). */
  readonly where: string;
}

type Operation = protos.google.container.v1.IOperation;

/** Creates the cluster of `item` (action `create`), changes it (`update`) or waits for it (`wait`). Never throws. */
export async function applyCluster(ctx: ClusterContext, item: ClusterItem): Promise<ItemResult> {
  const key = ctx.key(item);
  const started = performance.now();
  const done = (result: ItemResult['result'], detail?: string): ItemResult => {
    ctx.progress.finish(key, detail ? `${result}: ${detail}` : result);
    return { item, result, ...(detail ? { detail } : {}), durationMs: performance.now() - started };
  };
  try {
    if (item.action === 'update') {
      const changes = changesOf(item.differences);
      for (const [n, change] of changes.entries()) {
        const method = changeMethod(change);
        const label = `${method} ${n + 1}/${changes.length}`;
        ctx.progress.start(key, `sending ${label}`);
        const [op] = await withRetry(() => send(ctx.client, change, ctx.timing), ctx.timing, retryNotice(ctx, key, method), { call: `GKE ${method} ${requestName(change)}`, where: ctx.where });
        const final = await followOperation(ctx, item.location, op, key, label);
        const failure = operationFailure(final);
        if (failure) return done('failed', `${method} operation ${final.name} failed: ${failure}`);
      }
      return done('updated', changes.map(changeMethod).join(', '));
    }
    if (item.action === 'wait') {
      ctx.progress.start(key, 'waiting for RUNNING');
      await waitForRunning(ctx, item, key);
      return done('exists', 'was provisioning; now RUNNING');
    }
    ctx.progress.start(key, 'sending CreateCluster');
    let op: Operation;
    try {
      [op] = await withRetry(() => ctx.client.createCluster(item.request, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'CreateCluster'),
        { call: `GKE CreateCluster ${item.request.parent}/clusters/${item.name}`, where: ctx.where });
    } catch (err) {
      if (grpcCode(err) !== GrpcStatus.ALREADY_EXISTS) throw err;
      // Another creator (a concurrent run, or our own earlier attempt that timed out) won.
      ctx.progress.update(key, 'already exists (created concurrently); waiting for RUNNING');
      await waitForRunning(ctx, item, key);
      return done('exists', 'created concurrently; RUNNING');
    }
    const final = await followOperation(ctx, item.location, op, key, 'creating');
    const failure = operationFailure(final);
    return failure ? done('failed', `operation ${final.name} failed: ${failure}`) : done('created');
  } catch (err) {
    return done('failed', errorLine(err));
  }
}

/** Deletes the cluster of a removal item and waits for the operation. Never throws. */
export async function deleteCluster(ctx: ClusterContext, item: RemovalItem & { removal: { gke: string } }): Promise<ItemResult> {
  const key = ctx.key(item);
  const started = performance.now();
  const done = (result: ItemResult['result'], detail?: string): ItemResult => {
    ctx.progress.finish(key, detail ? `${result}: ${detail}` : result);
    return { item, result, ...(detail ? { detail } : {}), durationMs: performance.now() - started };
  };
  const name = item.removal.gke;
  try {
    ctx.progress.start(key, 'sending DeleteCluster');
    let op: Operation;
    try {
      [op] = await withRetry(() => ctx.client.deleteCluster({ name }, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'DeleteCluster'), { call: `GKE DeleteCluster ${name}`, where: ctx.where });
    } catch (err) {
      // Gone already: an earlier, interrupted prune got that far.
      if (grpcCode(err) === GrpcStatus.NOT_FOUND) return done('deleted', 'was already gone');
      throw err;
    }
    const final = await followOperation(ctx, item.location, op, key, 'deleting');
    const failure = operationFailure(final);
    return failure ? done('failed', `operation ${final.name} failed: ${failure}`) : done('deleted');
  } catch (err) {
    return done('failed', errorLine(err));
  }
}

/** Sends one node pool change. */
function send(client: ClusterManagerClient, change: GkeChange, timing: Timing): Promise<[Operation, ...unknown[]]> {
  const options = callOptions(timing);
  switch (change.method) {
    case 'createNodePool': return client.createNodePool(change.request, options);
    case 'setNodePoolAutoscaling': return client.setNodePoolAutoscaling(change.request, options);
    case 'updateNodePool': return client.updateNodePool(change.request, options);
    case 'deleteNodePool': return client.deleteNodePool(change.request, options);
  }
}

/** The resource a change is about (the node pool, or for a new pool its name under the cluster). */
const requestName = (change: GkeChange): string =>
  change.method === 'createNodePool' ? `${change.request.parent}/nodePools/${change.request.nodePool?.name}` : String(change.request.name);

/** Polls GetOperation with backoff until DONE, updating the progress line with `doing`; returns the final operation. */
async function followOperation(ctx: ClusterContext, location: string, first: Operation, key: string, doing: string): Promise<Operation> {
  const name = operationPath(ctx.project, location, String(first.name));
  const deadline = performance.now() + ctx.timing.poll.timeoutMs;
  let op = first;
  for (let n = 0; String(op.status) !== 'DONE'; n++) {
    ctx.progress.update(key, `${doing} (operation ${first.name}: ${op.status})`);
    if (performance.now() > deadline) {
      throw new Error(`still ${op.status} after ${formatDuration(ctx.timing.poll.timeoutMs)} (--wait-timeout); the operation goes on in Google Cloud: re-run to wait for it`);
    }
    await pollDelay(n, ctx.timing);
    [op] = await withRetry(() => ctx.client.getOperation({ name }, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'GetOperation'), { call: `GKE GetOperation ${name}`, where: ctx.where });
  }
  return op;
}

/** Polls GetCluster until RUNNING; throws when the cluster ends in ERROR, is deleted or never gets there. */
async function waitForRunning(ctx: ClusterContext, item: ClusterItem, key: string): Promise<GkeCluster> {
  const name = clusterPath(ctx.project, item.cluster);
  const deadline = performance.now() + ctx.timing.poll.timeoutMs;
  for (let n = 0; ; n++) {
    const [cluster] = await withRetry(() => ctx.client.getCluster({ name }, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'GetCluster'), { call: `GKE GetCluster ${name}`, where: ctx.where });
    const status = String(cluster.status);
    if (status === 'RUNNING' || status === 'RECONCILING' || status === 'DEGRADED') return cluster;
    if (status === 'ERROR' || status === 'STOPPING') {
      throw new Error(`cluster is ${status}${cluster.statusMessage ? `: ${cluster.statusMessage}` : ''}`);
    }
    if (performance.now() > deadline) throw new Error(`still ${status} after ${formatDuration(ctx.timing.poll.timeoutMs)} (--wait-timeout); re-run to wait again`);
    ctx.progress.update(key, `waiting for RUNNING (${status})`);
    await pollDelay(n, ctx.timing);
  }
}

/** The failure carried by a DONE operation (`error`; older ops only fill `statusMessage`). */
export function operationFailure(op: Operation): string | undefined {
  if (op.error && (op.error.code || op.error.message)) return `${codeName(op.error.code ?? undefined)}: ${op.error.message}`;
  return op.statusMessage ? String(op.statusMessage) : undefined;
}

function retryNotice(ctx: ClusterContext, key: string, method: string): RetryListener {
  return ({ attempt, error, delayMs }) =>
    ctx.progress.update(key, `${method}: ${codeName(grpcCode(error))}, retry ${attempt}/${ctx.timing.retry.attempts - 1} in ${formatDuration(delayMs)}`);
}
