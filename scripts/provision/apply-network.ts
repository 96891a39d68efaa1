/**
 * Creates one gcloud item: a network resource, a fleet feature or an IAM binding. "Already exists"
 * (a concurrent creator) counts as exists.
 */
import type { ItemResult } from './apply.ts';
import { GcloudError, type Gcloud } from './gcloud.ts';
import type { GcloudItem } from './plan.ts';
import type { Progress } from './progress.ts';

/** What creating a gcloud item needs. */
export interface GcloudContext {
  readonly gcloud: Gcloud;
  readonly progress: Progress;
  /** Progress line of an item. */
  readonly key: (item: GcloudItem) => string;
  /**
   * Tail of the queue per `step.serial` key: items sharing a key run one after the other. Share one
   * map between the items of a run. @default no queueing
   */
  readonly queues?: Map<string, Promise<unknown>>;
}

/** Runs the step's create command (after earlier items of its serial queue). Never throws. */
export async function applyGcloudStep(ctx: GcloudContext, item: GcloudItem): Promise<ItemResult> {
  const serial = item.step.serial;
  if (!serial || !ctx.queues) return create(ctx, item);
  const before = ctx.queues.get(serial) ?? Promise.resolve();
  const mine = before.then(() => create(ctx, item));
  ctx.queues.set(serial, mine);
  return mine;
}

async function create(ctx: GcloudContext, item: GcloudItem): Promise<ItemResult> {
  const key = ctx.key(item);
  const started = performance.now();
  const done = (result: ItemResult['result'], detail?: string): ItemResult => {
    ctx.progress.finish(key, detail ? `${result}: ${detail}` : result);
    return { item, result, ...(detail ? { detail } : {}), durationMs: performance.now() - started };
  };
  ctx.progress.start(key, 'creating (gcloud)');
  try {
    await ctx.gcloud.run(item.step.create);
    return done('created');
  } catch (err) {
    const message = err instanceof GcloudError ? err.message : String((err as Error)?.message ?? err);
    if (/already exists/i.test(message)) return done('exists', 'created concurrently');
    return done('failed', message);
  }
}
