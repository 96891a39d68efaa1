/**
 * The two renders `diff` compares: the working tree's fleet and REF's. The second is rendered
 * incrementally from the first (clusters/render-key.ts): a cluster whose render key is the same on
 * both sides, which is every cluster a change does not reach, takes the first render's files
 * instead of being built again, and FLEET.md keeps the routing costs the change did not reach.
 * The result is byte for byte what two full renders give (test/incremental-render.test.ts).
 */
import { renderFleet, renderInput, type RenderedFleet } from '../../clusters/render.ts';
import { requestPaths, type RequestPath } from '../../clusters/routing.ts';
import type { Fleet } from '../../config/model.ts';
import type { Documents } from './objects.ts';

/** One side of the comparison: its rendered files and its request paths (for the summary). */
export interface Side {
  readonly files: ReadonlyMap<string, string>;
  /**
   * The JSON of each file's documents (`RenderedFleet.documents`): its objects without parsing
   * it. A cluster taken from the other side's render has none here; its files are the other
   * side's, so the diff does not read them.
   */
  readonly documents: Documents | undefined;
  readonly paths: readonly RequestPath[];
  /** The side's fleet; none when the fleet file does not exist in the base revision. */
  readonly fleet: Fleet | undefined;
  /** Clusters whose files were taken from the other side's render. */
  readonly reused: readonly string[];
}

/** Both renders are made by this process's code: any salt keys them alike. */
const SALT = 'diff';

/**
 * Renders `head`, then `base` (when REF has a fleet file) from what `head`'s render keeps.
 * `labels` name the sides in an error. A base whose fleet renders the same (a change outside the
 * config, or none) takes the head's render whole.
 */
export function renderSides(head: Fleet, base: Fleet | undefined, labels: { head: string; base: string }): { head: Side; base: Side } {
  const headRender = render(head, labels.head);
  const headSide = side(head, headRender);
  if (!base) return { head: headSide, base: { files: new Map(), documents: undefined, paths: [], fleet: undefined, reused: [] } };
  if (renderInput(base) === renderInput(head)) return { head: headSide, base: { ...headSide, fleet: base, reused: [...headRender.clusters.keys()] } };
  return { head: headSide, base: side(base, render(base, labels.base, headRender)) };
}

function render(fleet: Fleet, label: string, other?: RenderedFleet): RenderedFleet {
  try {
    return renderFleet(fleet, { documents: true, incremental: { salt: SALT, previous: other?.clusters, previousRouting: other?.routing } });
  } catch (err) {
    throw new Error(`cannot render the fleet of ${label}: ${(err as Error).message}`);
  }
}

const side = (fleet: Fleet, rendered: RenderedFleet): Side => ({
  files: rendered.files, documents: rendered.documents, paths: requestPaths(fleet), fleet, reused: rendered.reused,
});
