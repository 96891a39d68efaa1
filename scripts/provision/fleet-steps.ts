/**
 * What the global entry needs from the fleet and the project, beside the network: the fleet
 * features multi-cluster Services and multi-cluster ingress (with the config cluster's membership),
 * and the two IAM bindings their controllers need. As gcloud commands (`gcloud container fleet`,
 * `gcloud projects`): `@google-cloud/gke-hub` is not in the registry this project uses and the
 * current `googleapis` majors need Node 22. Pure: builds commands, runs nothing.
 */
import { findCluster, type Cluster, type Fleet } from '../../config/model.ts';
import { compareField, type Difference } from './differences.ts';
import { MCI_FEATURE, MCS_FEATURE, mciServiceAgent, mcsImporter, membershipPath } from './names.ts';
import type { Described, GcloudArgs, GcloudStep } from './network-steps.ts';
import { clusterId } from './plan.ts';

export type FleetKind = 'feature' | 'iam';

/** One fleet feature or IAM binding. */
export type FleetStep = GcloudStep<FleetKind>;

/** Shown in the dry run, where the project number is not read. */
export const PROJECT_NUMBER_PLACEHOLDER = 'PROJECT_NUMBER';

/** Role the multi-cluster ingress service agent needs on the project (it programs the load balancer from the config cluster). */
export const MCI_AGENT_ROLE = 'roles/container.admin';
/** Role the MCS importer needs on the project (it reads the VPC to publish endpoints). */
export const MCS_IMPORTER_ROLE = 'roles/compute.networkViewer';

/** Ids of the fleet steps (plan items). */
export const MCS_FEATURE_ID = `feature:${MCS_FEATURE}`;
export const MCI_FEATURE_ID = `feature:${MCI_FEATURE}`;
export const MCI_AGENT_BINDING_ID = `iam:${MCI_AGENT_ROLE}`;
export const MCS_IMPORTER_BINDING_ID = `iam:${MCS_IMPORTER_ROLE}`;

/** The read that gives the project number (the service agent's address contains it). */
export const projectNumberRead = (project: string): readonly string[] => ['projects', 'describe', project, '--format=json'];

/**
 * The fleet steps of the global entry, in dependency order; none when it is off. The features come
 * after the clusters: multi-cluster Services after every selected cluster (each is a fleet member
 * that imports and exports; the importer's identity lives in the Workload Identity pool the
 * clusters create), multi-cluster ingress after it and the config cluster (its membership must
 * exist). Each binding after the feature that brings its principal. `projectNumber` fills the
 * service agent's address; without it (dry run) a placeholder is shown.
 */
export function fleetSteps(fleet: Fleet, clusters: readonly Cluster[] = fleet.clusters, projectNumber?: string): FleetStep[] {
  const entry = fleet.globalEntry;
  if (!entry) return [];
  const { project } = fleet;
  const projectFlag = `--project=${project}`;
  const selected = (c: Cluster) => clusters.some((s) => s.name === c.name);
  const configCluster = findCluster(fleet, entry.configCluster);
  const configMembership = membershipPath(project, configCluster);

  const mcs: FleetStep = {
    id: MCS_FEATURE_ID, kind: 'feature', name: MCS_FEATURE, location: 'global',
    needs: clusters.map(clusterId),
    describe: ['container', 'fleet', 'multi-cluster-services', 'describe', projectFlag, '--format=json'],
    create: ['container', 'fleet', 'multi-cluster-services', 'enable', projectFlag],
    find: (d) => d,
    differences: () => [],
  };

  const mci: FleetStep = {
    id: MCI_FEATURE_ID, kind: 'feature', name: MCI_FEATURE, location: 'global',
    needs: [MCS_FEATURE_ID, ...(selected(configCluster) ? [clusterId(configCluster)] : [])],
    describe: ['container', 'fleet', 'ingress', 'describe', projectFlag, '--format=json'],
    create: ['container', 'fleet', 'ingress', 'enable', `--config-membership=${configMembership}`, projectFlag],
    find: (d) => d,
    differences: (live) => {
      const out: Difference<GcloudArgs>[] = [];
      const have = configMembershipOf(live);
      // The API may echo the project as its number; a membership is the same by location and name.
      const same = have !== undefined && sameMembership(configMembership, have, project, projectNumber);
      if (!same) compareField(out, 'spec.multiclusteringress.configMembership', configMembership, have);
      return out;
    },
    detail: `config membership ${configMembership}`,
    // `ingress enable` leaves an enabled feature as it is; moving the config membership is an update
    // that can reprogram the load balancer, so it is for a human to run.
    remedy: `gcloud container fleet ingress update --config-membership=${configMembership} ${projectFlag} (re-points the load balancer's config; traffic may be interrupted)`,
  };

  const binding = (id: string, role: string, member: string, needs: string[]): FleetStep => ({
    id, kind: 'iam', name: role, location: 'project', needs,
    describe: ['projects', 'get-iam-policy', project, '--format=json'],
    // `--condition=None`: without it gcloud asks which condition when the policy has conditional bindings.
    create: ['projects', 'add-iam-policy-binding', project, `--member=${member}`, `--role=${role}`, '--condition=None', '--format=json'],
    find: (policy) => findBinding(policy, role, member),
    differences: () => [],
    detail: `member ${member}`,
    serial: `iam-policy:${project}`,
  });

  return [
    mcs,
    mci,
    binding(MCI_AGENT_BINDING_ID, MCI_AGENT_ROLE, mciServiceAgent(projectNumber ?? PROJECT_NUMBER_PLACEHOLDER), [MCI_FEATURE_ID]),
    binding(MCS_IMPORTER_BINDING_ID, MCS_IMPORTER_ROLE, mcsImporter(project), [MCS_FEATURE_ID]),
  ];
}

/** The project number from `gcloud projects describe --format=json`. */
export function projectNumberOf(described: Described | undefined): string | undefined {
  const value = described?.projectNumber;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `spec.multiclusteringress.configMembership` of a described feature. */
function configMembershipOf(feature: Described): string | undefined {
  const spec = feature.spec as { multiclusteringress?: { configMembership?: unknown } } | undefined;
  const value = spec?.multiclusteringress?.configMembership;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Same membership: same location and name, in this project given by id or by number. */
export function sameMembership(want: string, have: string, project: string, projectNumber?: string): boolean {
  const parse = (path: string) => /^projects\/([^/]+)\/locations\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
  const w = parse(want);
  const h = parse(have);
  if (!w || !h) return want === have;
  const ours = (p: string) => p === project || (projectNumber !== undefined && p === projectNumber);
  return ours(w[1]!) && ours(h[1]!) && w[2] === h[2] && w[3] === h[3];
}

/** The unconditional binding of `role` that holds `member`, in a policy from `get-iam-policy --format=json`. */
function findBinding(policy: Described, role: string, member: string): Described | undefined {
  const bindings = (policy.bindings as { role?: string; members?: string[]; condition?: unknown }[] | undefined) ?? [];
  return bindings.find((b) => b.role === role && !b.condition && (b.members ?? []).includes(member));
}
