/** Creates one network resource with gcloud. "Already exists" (a concurrent creator) counts as exists. */
import type { ItemResult } from './apply.ts';
import { GcloudError, type Gcloud } from './gcloud.ts';
import type { NetworkItem } from './plan.ts';
import type { Progress } from './progress.ts';

/** What creating a network resource needs. */
export interface NetworkContext {
  readonly gcloud: Gcloud;
  readonly progress: Progress;
  /** Progress line of an item. */
  readonly key: (item: NetworkItem) => string;
}

/** Runs the step's create command. Never throws. */
export async function applyNetworkStep(ctx: NetworkContext, item: NetworkItem): Promise<ItemResult> {
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
