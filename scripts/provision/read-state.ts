/** Reads what exists: clusters through the GKE API, network resources through gcloud. Reads only. */
import type { ClusterManagerClient } from '@google-cloud/container';
import type { Cluster } from '../../config/model.ts';
import type { GkeCluster } from './cluster-request.ts';
import type { Gcloud } from './gcloud.ts';
import { locationPath } from './names.ts';
import type { Described, NetworkStep } from './network-steps.ts';
import { callOptions, withRetry, type RetryListener, type Timing } from './retry.ts';

/**
 * Live clusters by `region/name`, from one ListClusters per region of `clusters`. Throws when a
 * region cannot be listed completely (`missingZones`): planning a create from a partial list could
 * try to create a cluster that exists.
 */
export async function readClusters(
  client: ClusterManagerClient, project: string, clusters: readonly Cluster[], timing: Timing, onRetry?: RetryListener,
): Promise<Map<string, GkeCluster>> {
  const regions = [...new Set(clusters.map((c) => c.region))];
  const found = new Map<string, GkeCluster>();
  await Promise.all(regions.map(async (region) => {
    const parent = locationPath(project, region);
    const [response] = await withRetry(() => client.listClusters({ parent }, callOptions(timing)), timing, onRetry);
    if (response.missingZones?.length) {
      throw new Error(`ListClusters ${parent}: zones ${response.missingZones.join(', ')} did not answer; try again later`);
    }
    for (const c of response.clusters ?? []) found.set(`${region}/${c.name}`, c);
  }));
  return found;
}

/** Live state per step id: the described JSON, or `null` when absent. Steps sharing a describe run it once. */
export async function readNetwork(gcloud: Gcloud, steps: readonly NetworkStep[]): Promise<Map<string, Described | null>> {
  const byCommand = new Map<string, Promise<Described | undefined>>();
  const state = new Map<string, Described | null>();
  await Promise.all(steps.map(async (step) => {
    const key = step.describe.join('\u0000');
    if (!byCommand.has(key)) byCommand.set(key, gcloud.describe(step.describe));
    state.set(step.id, (await byCommand.get(key)!) ?? null);
  }));
  return state;
}
