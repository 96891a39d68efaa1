/**
 * Creates one cluster and follows it to the end: CreateCluster (retried on transient errors),
 * then GetOperation with backoff until DONE. ALREADY_EXISTS means another run got there first:
 * the cluster is followed with GetCluster until RUNNING, so re-runs converge and never duplicate.
 */
import type { ClusterManagerClient, protos } from '@google-cloud/container';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ItemResult } from './apply.ts';
import type { GkeCluster } from './cluster-request.ts';
import { formatDuration } from './format.ts';
import { clusterPath, operationPath } from './names.ts';
import type { ClusterItem } from './plan.ts';
import type { Progress } from './progress.ts';
import { callOptions, codeName, errorLine, grpcCode, pollDelay, withRetry, type RetryListener, type Timing } from './retry.ts';

/** What creating a cluster needs. */
export interface ClusterContext {
  readonly client: ClusterManagerClient;
  readonly project: string;
  readonly timing: Timing;
  readonly progress: Progress;
  /** Progress line of an item. */
  readonly key: (item: ClusterItem) => string;
}

type Operation = protos.google.container.v1.IOperation;

/** Creates the cluster of `item` (action `create`) or waits for it (action `wait`). Never throws. */
export async function applyCluster(ctx: ClusterContext, item: ClusterItem): Promise<ItemResult> {
  const key = ctx.key(item);
  const started = performance.now();
  const done = (result: ItemResult['result'], detail?: string): ItemResult => {
    ctx.progress.finish(key, detail ? `${result}: ${detail}` : result);
    return { item, result, ...(detail ? { detail } : {}), durationMs: performance.now() - started };
  };
  try {
    if (item.action === 'wait') {
      ctx.progress.start(key, 'waiting for RUNNING');
      await waitForRunning(ctx, item, key);
      return done('exists', 'was provisioning; now RUNNING');
    }
    ctx.progress.start(key, 'sending CreateCluster');
    let op: Operation;
    try {
      [op] = await withRetry(() => ctx.client.createCluster(item.request, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'CreateCluster'));
    } catch (err) {
      if (grpcCode(err) !== GrpcStatus.ALREADY_EXISTS) throw err;
      // Another creator (a concurrent run, or our own earlier attempt that timed out) won.
      ctx.progress.update(key, 'already exists (created concurrently); waiting for RUNNING');
      await waitForRunning(ctx, item, key);
      return done('exists', 'created concurrently; RUNNING');
    }
    const final = await followOperation(ctx, item, op, key);
    const failure = operationFailure(final);
    return failure ? done('failed', `operation ${final.name} failed: ${failure}`) : done('created');
  } catch (err) {
    return done('failed', errorLine(err));
  }
}

/** Polls GetOperation with backoff until DONE, updating the progress line; returns the final operation. */
async function followOperation(ctx: ClusterContext, item: ClusterItem, first: Operation, key: string): Promise<Operation> {
  const name = operationPath(ctx.project, item.location, String(first.name));
  const deadline = performance.now() + ctx.timing.poll.timeoutMs;
  let op = first;
  for (let n = 0; String(op.status) !== 'DONE'; n++) {
    ctx.progress.update(key, `creating (operation ${first.name}: ${op.status})`);
    if (performance.now() > deadline) {
      throw new Error(`still ${op.status} after ${formatDuration(ctx.timing.poll.timeoutMs)}; the operation goes on in Google Cloud: re-run to wait for it`);
    }
    await pollDelay(n, ctx.timing);
    [op] = await withRetry(() => ctx.client.getOperation({ name }, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'GetOperation'));
  }
  return op;
}

/** Polls GetCluster until RUNNING; throws when the cluster ends in ERROR, is deleted or never gets there. */
async function waitForRunning(ctx: ClusterContext, item: ClusterItem, key: string): Promise<GkeCluster> {
  const name = clusterPath(ctx.project, item.cluster);
  const deadline = performance.now() + ctx.timing.poll.timeoutMs;
  for (let n = 0; ; n++) {
    const [cluster] = await withRetry(() => ctx.client.getCluster({ name }, callOptions(ctx.timing)), ctx.timing, retryNotice(ctx, key, 'GetCluster'));
    const status = String(cluster.status);
    if (status === 'RUNNING' || status === 'RECONCILING' || status === 'DEGRADED') return cluster;
    if (status === 'ERROR' || status === 'STOPPING') {
      throw new Error(`cluster is ${status}${cluster.statusMessage ? `: ${cluster.statusMessage}` : ''}`);
    }
    if (performance.now() > deadline) throw new Error(`still ${status} after ${formatDuration(ctx.timing.poll.timeoutMs)}; re-run to wait again`);
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
