/**
 * What provision made that config no longer has: clusters labelled with the fleet's mesh whose
 * name left config, the subnets provision made for them (named after the cluster, with its
 * `NAME-pods`/`NAME-services` ranges), and the Cloud Router (with its NAT) of a region no cluster
 * of config is in any more. Planned as `orphan` (listed) or, with `--prune`, `delete`, in the order
 * that works: a cluster before its subnet and its region's router. Pure.
 */
import type { Fleet } from '../../config/model.ts';
import type { GkeCluster } from './cluster-request.ts';
import { clusterPath, MESH_LABEL, podsRangeName, routerName, servicesRangeName } from './names.ts';
import { lastSegment, type Described } from './network-steps.ts';
import type { RemovalItem } from './plan.ts';

/** What exists of the fleet beyond config, as read. */
export interface LiveExtras {
  /** Every cluster of the project (ListClusters of every location). */
  readonly clusters: readonly GkeCluster[];
  /** Every subnet of the fleet's VPC (`subnets list --network`); undefined when not read. */
  readonly subnets?: readonly Described[];
  /** The fleet router of each region asked about (`routers describe`), `null` when absent. */
  readonly routers?: ReadonlyMap<string, Described | null>;
}

/** Live clusters of this fleet's mesh (by label) whose name is not in config. */
export function orphanClusters(fleet: Fleet, clusters: readonly GkeCluster[]): GkeCluster[] {
  const names = new Set(fleet.clusters.map((c) => c.name));
  return clusters.filter((c) => c.resourceLabels?.[MESH_LABEL] === fleet.mesh.id && !names.has(String(c.name)));
}

/** Subnets of the VPC that provision made for a cluster (its range names say so) and that no cluster of config has. */
export function orphanSubnets(fleet: Fleet, subnets: readonly Described[]): Described[] {
  const wanted = new Set(fleet.clusters.map((c) => `${c.region}/${c.name}`));
  return subnets.filter((s) => {
    const name = String(s.name);
    const ranges = ((s.secondaryIpRanges as { rangeName?: string }[] | undefined) ?? []).map((r) => r.rangeName);
    const ours = ranges.includes(podsRangeName({ name })) && ranges.includes(servicesRangeName({ name }));
    return ours && !wanted.has(`${lastSegment(s.region)}/${name}`);
  });
}

/** Regions that orphans are in and no cluster of config is: their router and NAT served only orphans. */
export function orphanRegions(fleet: Fleet, extras: Pick<LiveExtras, 'clusters' | 'subnets'>): string[] {
  const inConfig = new Set(fleet.clusters.map((c) => c.region));
  const regions = [
    ...orphanClusters(fleet, extras.clusters).map((c) => String(c.location)),
    ...orphanSubnets(fleet, extras.subnets ?? []).map((s) => String(lastSegment(s.region))),
  ];
  return [...new Set(regions)].filter((r) => !inConfig.has(r)).sort();
}

/** The removal items, clusters first, then subnets and routers that need them gone. */
export function planOrphans(fleet: Fleet, extras: LiveExtras, prune: boolean): RemovalItem[] {
  const action = prune ? 'delete' as const : 'orphan' as const;
  const project = [`--project=${fleet.project}`];
  const clusters: RemovalItem[] = orphanClusters(fleet, extras.clusters).map((c) => {
    const region = String(c.location);
    const name = String(c.name);
    return {
      kind: 'cluster', id: `cluster:${region}/${name}`, name, location: region, action, differences: [], needs: [],
      note: `labelled ${MESH_LABEL}=${fleet.mesh.id}`, removal: { gke: clusterPath(fleet.project, { name, region }) },
    };
  });
  const clustersIn = (region: string, subnet?: string) => clusters
    .filter((c) => c.location === region && (subnet === undefined || subnetOf(extras.clusters, c) === subnet)).map((c) => c.id);
  const subnets: RemovalItem[] = orphanSubnets(fleet, extras.subnets ?? []).map((s) => {
    const region = String(lastSegment(s.region));
    const name = String(s.name);
    return {
      kind: 'subnet', id: `subnet:${region}/${name}`, name, location: region, action, differences: [], needs: clustersIn(region, name),
      removal: { gcloud: ['compute', 'networks', 'subnets', 'delete', name, ...project, `--region=${region}`, '--quiet'] },
    };
  });
  const routers: RemovalItem[] = orphanRegions(fleet, extras).flatMap((region) => {
    const name = routerName(fleet, region);
    if (!extras.routers?.get(region)) return [];
    return [{
      kind: 'router' as const, id: `router:${region}/${name}`, name, location: region, action, differences: [], needs: clustersIn(region),
      note: 'with its NAT',
      removal: { gcloud: ['compute', 'routers', 'delete', name, ...project, `--region=${region}`, '--quiet'] },
    }];
  });
  return [...clusters, ...subnets, ...routers];
}

/** The subnet name of an orphan cluster (GKE reports a short name or a path). */
function subnetOf(clusters: readonly GkeCluster[], item: RemovalItem): string | undefined {
  const live = clusters.find((c) => String(c.name) === item.name && String(c.location) === item.location);
  return lastSegment(live?.subnetwork ?? undefined);
}

/** `gcloud compute networks subnets list` of the fleet's VPC (the read that finds orphan subnets). */
export const subnetsRead = (fleet: Fleet): readonly string[] =>
  ['compute', 'networks', 'subnets', 'list', `--network=${fleet.network.name}`, `--project=${fleet.project}`, '--format=json'];

/** `gcloud compute routers describe` of the fleet router of `region`. */
export const routerRead = (fleet: Fleet, region: string): readonly string[] =>
  ['compute', 'routers', 'describe', routerName(fleet, region), `--project=${fleet.project}`, `--region=${region}`, '--format=json'];
