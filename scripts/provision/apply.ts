/**
 * Runs the actionable plan items, each as soon as the items it needs have succeeded: network
 * steps in dependency order, then every cluster in parallel with the others; deletions after what
 * depends on them is gone. A failure fails only the items that need it.
 */
import type { PlanItem } from './plan.ts';

export type Result = 'created' | 'updated' | 'deleted' | 'exists' | 'failed' | 'skipped';

/** The outcome of one item. */
export interface ItemResult {
  readonly item: PlanItem;
  readonly result: Result;
  /** Why it failed or was skipped, or what happened on the way (created concurrently, …). */
  readonly detail?: string;
  readonly durationMs: number;
}

/** Does one item; must not throw (failures are results). */
export type ItemRunner = (item: PlanItem) => Promise<ItemResult>;

/**
 * Runs `items` with `run`, starting each once everything it `needs` (among `items`) has
 * succeeded; needs outside `items` already exist. Results come back in the order of `items`.
 */
export async function applyItems(items: readonly PlanItem[], run: ItemRunner): Promise<ItemResult[]> {
  const started = new Map<string, Promise<ItemResult>>();
  const start = (item: PlanItem): Promise<ItemResult> => {
    let promise = started.get(item.id);
    if (!promise) {
      promise = (async () => {
        const needed = items.filter((other) => item.needs.includes(other.id));
        const results = await Promise.all(needed.map(start));
        const blocker = results.find((r) => r.result === 'failed' || r.result === 'skipped');
        if (blocker) {
          return { item, result: 'skipped' as const, detail: `needs ${blocker.item.kind} ${blocker.item.name}, which ${blocker.result === 'failed' ? 'failed' : 'was skipped'}`, durationMs: 0 };
        }
        return run(item);
      })();
      started.set(item.id, promise);
    }
    return promise;
  };
  return Promise.all(items.map(start));
}
