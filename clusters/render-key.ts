/**
 * The input key of one cluster's render: a hash of every model fact its files can depend on, so a
 * cluster whose key did not change is not rendered again (incremental synth). Conservative by
 * construction: the whole fleet counts, except the facts listed here that only their own cluster's
 * render reads. test/incremental-render.test.ts proves each exclusion (changing an excluded fact of
 * one cluster changes no other cluster's files) and compares incremental with full renders.
 *
 * Linear in the fleet: the shared part is hashed once, then each cluster adds its own facts.
 */
import { contentHash as hash } from './content-hash.ts';
import { configClusters, isRunning, placedIn, type Cluster, type Fleet } from '../config/model.ts';

/**
 * Cluster fields no other cluster's render reads (sizes and GKE settings of that cluster alone).
 * A field not listed here is part of every cluster's key.
 */
export const OWN_CLUSTER_FIELDS = ['nodePools', 'ranges', 'zones', 'gateways', 'labels', 'releaseChannel'] as const satisfies readonly (keyof Cluster)[];

/**
 * Keys of every cluster's render. `salt` covers what is not in the model: the renderer's code and
 * the render options (the synth command passes a fingerprint of both).
 */
export function renderKeys(fleet: Fleet, salt: string): Map<string, string> {
  const ownFields = new Set<string>(OWN_CLUSTER_FIELDS);
  const shared = JSON.stringify({
    ...fleet,
    // Other clusters as each render may see them: everything but their own-only fields.
    clusters: fleet.clusters.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => !ownFields.has(k)))),
    // Placements count only for the cluster they place into, and for config clusters (below).
    apps: fleet.apps.map(({ placements: _placements, ...app }) => app),
  });
  const sharedHash = hash(salt, shared);
  // Istio config in config clusters reads where every workload is placed (subsets: versionsOf)
  // and whether it runs there (failover: regionsRunning), not its replicas or resources: scaling a
  // workload elsewhere re-renders only its own cluster.
  const allPlacements = hash(JSON.stringify(fleet.apps.map((a) => a.placements.map((p) => [p.cluster, p.workload.name, isRunning(p)]))));
  const config = new Set(configClusters(fleet).map((c) => c.name));
  return new Map(fleet.clusters.map((c) => [c.name, hash(
    sharedHash,
    config.has(c.name) ? allPlacements : '',
    JSON.stringify(c),
    JSON.stringify(fleet.apps.map((a) => placedIn(a, c.name))),
  )]));
}
