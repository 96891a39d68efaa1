/**
 * Reads what exists: clusters through the GKE API; network resources, fleet features and IAM
 * bindings through gcloud. Reads only.
 */
import type { ClusterManagerClient } from '@google-cloud/container';
import type { Cluster, Fleet } from '../../config/model.ts';
import type { GkeCluster } from './cluster-request.ts';
import { fleetSteps, MCI_AGENT_BINDING_ID, projectNumberOf, projectNumberRead, type FleetStep } from './fleet-steps.ts';
import type { Gcloud } from './gcloud.ts';
import { locationPath } from './names.ts';
import type { Described, GcloudStep } from './network-steps.ts';
import { callOptions, withRetry, type RetryListener } from './retry.ts';
import type { Timing } from './timing.ts';

/** Where every location's clusters are listed at once (`-`): a same-named cluster elsewhere and clusters that left config are seen too. */
export const allLocations = (project: string): string => locationPath(project, '-');

/**
 * Every cluster of the project, from one ListClusters over all locations. Throws when a location
 * cannot be listed completely (`missingZones`): planning a create from a partial list could try to
 * create a cluster that exists.
 */
export async function readClusters(client: ClusterManagerClient, project: string, timing: Timing, where: string, onRetry?: RetryListener): Promise<GkeCluster[]> {
  const parent = allLocations(project);
  const [response] = await withRetry(() => client.listClusters({ parent }, callOptions(timing)), timing, onRetry, { call: `GKE ListClusters ${parent}`, where });
  if (response.missingZones?.length) {
    throw new Error(`ListClusters ${parent}: zones ${response.missingZones.join(', ')} did not answer; try again later`);
  }
  return response.clusters ?? [];
}

/** Live state per step id: the described JSON, or `null` when absent. Steps sharing a describe run it once. Throws on the first failed read. */
export async function readNetwork(gcloud: Gcloud, steps: readonly GcloudStep[]): Promise<Map<string, Described | null>> {
  const byCommand = new Map<string, Promise<Described | undefined>>();
  const state = new Map<string, Described | null>();
  await Promise.all(steps.map(async (step) => {
    const key = step.describe.join('\u0000');
    if (!byCommand.has(key)) byCommand.set(key, gcloud.describe(step.describe));
    state.set(step.id, (await byCommand.get(key)!) ?? null);
  }));
  return state;
}

/** The fleet steps built with the live project number, and what exists of each. */
export interface FleetState {
  readonly steps: FleetStep[];
  /** Per step id: the described JSON, `null` when absent, or the Error of a read that failed. */
  readonly live: Map<string, Described | null | Error>;
}

/**
 * Reads each fleet step's state and the project number (the multi-cluster ingress service agent's
 * address contains it), then builds the steps with that number. A failed read is kept as the
 * item's Error, so one unreadable item (an API not enabled, a missing permission) does not hide
 * the others; without the number, only the service agent's binding needs attention.
 */
export async function readFleet(gcloud: Gcloud, fleet: Fleet, clusters: readonly Cluster[]): Promise<FleetState> {
  if (!fleet.globalEntry) return { steps: [], live: new Map() };
  // The reads do not depend on the project number (only the service agent's address does): all at once.
  const reading = fleetSteps(fleet, clusters);
  const byCommand = new Map<string, Promise<Described | null | Error>>();
  const [number, described] = await Promise.all([
    gcloud.describe(projectNumberRead(fleet.project)).then(
      (d) => projectNumberOf(d) ?? new Error(`gcloud projects describe ${fleet.project}: no projectNumber in the answer`),
      asError,
    ),
    Promise.all(reading.map((step) => {
      const key = step.describe.join('\u0000');
      if (!byCommand.has(key)) byCommand.set(key, gcloud.describe(step.describe).then((d) => d ?? null, asError));
      return byCommand.get(key)!;
    })),
  ]);
  const steps = fleetSteps(fleet, clusters, typeof number === 'string' ? number : undefined);
  const live = new Map<string, Described | null | Error>(steps.map((step, n) => [step.id, described[n]!]));
  if (number instanceof Error) live.set(MCI_AGENT_BINDING_ID, new Error(`the project number: ${number.message}`));
  return { steps, live };
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
