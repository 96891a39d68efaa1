/**
 * The default fleet at each step of the documented Istio upgrade (UPGRADE_STEPS), loaded from a
 * copy of the repository's config/ layout and rendered once per process: the Istio revision tests
 * and the docs/istio-upgrade.md test (one group, test/groups/review.ts) read the same five renders.
 */
import { renderFleet, type RenderedFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import { fleetAtStep, UPGRADE_STEPS } from '../scripts/docs/istio-upgrade-steps.ts';
import { DEFAULT_FLEET, fleetTree, readText } from './helpers.ts';

/** One step: the fleet loaded from its fleet file, and its render. */
export interface LoadedStep {
  readonly fleet: Fleet;
  readonly rendered: RenderedFleet;
}

let loaded: readonly LoadedStep[] | undefined;

/** Every step, in order (loaded and rendered on the first call; a loaded fleet is frozen). */
export function upgradeSteps(): readonly LoadedStep[] {
  const text = readText(DEFAULT_FLEET);
  loaded ??= UPGRADE_STEPS.map((step) => {
    const fleet = loadFleet(fleetTree(fleetAtStep(text, step)));
    return { fleet, rendered: renderFleet(fleet, { documents: true }) };
  });
  return loaded;
}
