/**
 * The fleets verify:charts renders: fleet files as they are, and the fleet of each step of the
 * documented Istio upgrade (scripts/docs/istio-upgrade-steps.ts), written into a copy of the
 * config folder so its app definitions resolve as they do for config/fleet.yaml.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_FLEET_FILE } from '../../config/default-fleet.ts';
import { loadFleet } from '../../config/load.ts';
import type { Fleet } from '../../config/model.ts';
import { UPGRADE_STEPS, fleetAtStep } from '../docs/istio-upgrade-steps.ts';

/** A fleet to verify. */
export interface FleetTarget {
  /** How the output names it: the file, or `upgrade step N`. */
  readonly label: string;
  /** What it is, for the heading (a step's title). */
  readonly title?: string;
  /** Its index in UPGRADE_STEPS, for an upgrade step. */
  readonly step?: number;
  /** Loads it; `work` is a folder of its own the load may write into. */
  readonly load: (work: string) => Fleet;
}

/** The default fleet and every `config/examples/*.yaml`, in name order. */
export const defaultFleetFiles = (): string[] =>
  [DEFAULT_FLEET_FILE, ...readdirSync('config/examples').filter((f) => f.endsWith('.yaml')).sort().map((f) => `config/examples/${f}`)];

export const fileTarget = (file: string): FleetTarget => ({ label: file, load: () => loadFleet(file) });

/**
 * Step `index` of UPGRADE_STEPS, applied to the default fleet file. Throws for a step that does
 * not exist, naming it as given (`given`, default: the index).
 */
export function stepTarget(index: number, given: string = String(index)): FleetTarget {
  const step = UPGRADE_STEPS[index];
  if (!step) throw new Error(`no upgrade step ${given} (the steps are 0 to ${UPGRADE_STEPS.length - 1})`);
  return {
    label: `upgrade step ${index}`,
    title: step.title,
    step: index,
    load: (work) => {
      const config = join(work, 'config');
      cpSync(dirname(DEFAULT_FLEET_FILE), config, { recursive: true });
      const file = join(config, basename(DEFAULT_FLEET_FILE));
      writeFileSync(file, fleetAtStep(readFileSync(DEFAULT_FLEET_FILE, 'utf8'), step));
      return loadFleet(file);
    },
  };
}

/** Every step of the documented upgrade, in order. */
export const upgradeStepTargets = (): FleetTarget[] => UPGRADE_STEPS.map((_, i) => stepTarget(i));
