/**
 * Runs one gcloud item: creates a network resource, a fleet feature or an IAM binding ("already
 * exists", from a concurrent creator, counts as exists), changes one in place (each distinct update
 * command once), or deletes one that left config ("not found" counts as deleted).
 */
import type { ItemResult } from './apply.ts';
import { GcloudError, type Gcloud } from './gcloud.ts';
import type { GcloudArgs } from './network-steps.ts';
import { changesOf, type GcloudItem, type RemovalItem } from './plan.ts';
import type { Progress } from './progress.ts';

/** What running a gcloud item needs. */
export interface GcloudContext {
  readonly gcloud: Gcloud;
  readonly progress: Progress;
  /** Progress line of an item. */
  readonly key: (item: GcloudItem | RemovalItem) => string;
  /**
   * Tail of the queue per `step.serial` key: items sharing a key run one after the other. Share one
   * map between the items of a run. @default no queueing
   */
  readonly queues?: Map<string, Promise<unknown>>;
}

/** Runs the step's create or update commands (after earlier items of its serial queue). Never throws. */
export async function applyGcloudStep(ctx: GcloudContext, item: GcloudItem): Promise<ItemResult> {
  const serial = item.step.serial;
  const run = () => (item.action === 'update' ? update(ctx, item) : create(ctx, item));
  if (!serial || !ctx.queues) return run();
  const before = ctx.queues.get(serial) ?? Promise.resolve();
  const mine = before.then(run);
  ctx.queues.set(serial, mine);
  return mine;
}

/** Deletes a network resource that left config. Never throws. */
export async function deleteGcloudResource(ctx: GcloudContext, item: RemovalItem & { removal: { gcloud: GcloudArgs } }): Promise<ItemResult> {
  return runOne(ctx, item, 'deleting (gcloud)', async () => {
    try {
      await ctx.gcloud.run(item.removal.gcloud);
      return ['deleted'];
    } catch (err) {
      if (/\bwas not found\b|\bnot found\b/i.test(messageOf(err))) return ['deleted', 'was already gone'];
      throw err;
    }
  });
}

function create(ctx: GcloudContext, item: GcloudItem): Promise<ItemResult> {
  return runOne(ctx, item, 'creating (gcloud)', async () => {
    try {
      await ctx.gcloud.run(item.step.create);
      return ['created'];
    } catch (err) {
      if (/already exists/i.test(messageOf(err))) return ['exists', 'created concurrently'];
      throw err;
    }
  });
}

function update(ctx: GcloudContext, item: GcloudItem): Promise<ItemResult> {
  return runOne(ctx, item, 'updating (gcloud)', async () => {
    const commands = changesOf(item.differences);
    for (const args of commands) await ctx.gcloud.run(args);
    const fields = item.differences.filter((d) => d.change !== undefined).map((d) => d.field);
    return ['updated', fields.join(', ')];
  });
}

/** Runs `work` under the item's progress line; a thrown error becomes a `failed` result. */
async function runOne(ctx: GcloudContext, item: GcloudItem | RemovalItem, status: string, work: () => Promise<[ItemResult['result'], string?]>): Promise<ItemResult> {
  const key = ctx.key(item);
  const started = performance.now();
  const done = (result: ItemResult['result'], detail?: string): ItemResult => {
    ctx.progress.finish(key, detail ? `${result}: ${detail}` : result);
    return { item, result, ...(detail ? { detail } : {}), durationMs: performance.now() - started };
  };
  ctx.progress.start(key, status);
  try {
    const [result, detail] = await work();
    return done(result, detail);
  } catch (err) {
    return done('failed', messageOf(err));
  }
}

const messageOf = (err: unknown): string => (err instanceof GcloudError ? err.message : String((err as Error)?.message ?? err));
