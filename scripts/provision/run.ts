/**
 * `provision`: read what exists → print the plan → confirm → create what is missing → summary.
 * Items: network steps (gcloud compute), clusters (GKE API) and, with the global entry on, fleet
 * features and IAM bindings (gcloud container fleet, gcloud projects).
 * The entry point (scripts/provision.ts) only parses arguments and the environment and calls this.
 */
import type { ClusterManagerClient } from '@google-cloud/container';
import type { Cluster, Fleet } from '../../config/model.ts';
import { applyCluster } from './apply-cluster.ts';
import { applyGcloudStep } from './apply-network.ts';
import { applyItems, type ItemResult } from './apply.ts';
import { clusterRequest, type GkeCluster } from './cluster-request.ts';
import { confirm } from './confirm.ts';
import type { ComputeTarget, Endpoints } from './endpoints.ts';
import { CredentialsError, UsageError } from './errors.ts';
import { fleetSteps, projectNumberRead } from './fleet-steps.ts';
import { createGcloud, gcloudAccount, gcloudInstalled, type Gcloud } from './gcloud.ts';
import { locationPath } from './names.ts';
import { networkSteps, subnetId, type Described, type NetworkStep } from './network-steps.ts';
import { actionable, planCluster, planGcloudStep, type PlanItem } from './plan.ts';
import { Progress, type ProgressOutput } from './progress.ts';
import { readClusters, readFleet, readNetwork, type FleetState } from './read-state.ts';
import { renderPlan, renderRequests, renderSummary } from './render.ts';
import { DEFAULT_TIMING, errorLine, type Timing } from './retry.ts';

/** Streams the command talks to. */
export interface ProvisionIO {
  /** Plan, progress and summary. A terminal gets live progress lines. */
  readonly out: ProgressOutput & NodeJS.WritableStream;
  /** Notices and errors. */
  readonly err: { write(text: string): unknown };
  /** Where the confirmation is read; without a terminal here, a run needs `yes`. */
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

export interface ProvisionOptions {
  readonly fleet: Fleet;
  /** Names of the clusters to provision. @default every cluster of the fleet */
  readonly only?: readonly string[];
  /** Print the plan and every request, send nothing (not even reads). @default false */
  readonly dryRun?: boolean;
  /** Skip the confirmation. @default false */
  readonly yes?: boolean;
  readonly endpoints: Endpoints;
  /** @default DEFAULT_TIMING */
  readonly timing?: Timing;
  readonly io: ProvisionIO;
  /** Environment gcloud runs with. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** gcloud runner. @default one for `endpoints.compute` */
  readonly gcloud?: Gcloud;
}

/** Runs provisioning; resolves to the exit code (0 all good, 1 anything failed or refused). */
export async function provision(options: ProvisionOptions): Promise<number> {
  const { fleet, endpoints, io } = options;
  const timing = options.timing ?? DEFAULT_TIMING;
  const say = (...lines: string[]) => io.out.write(lines.map((l) => `${l}\n`).join(''));
  const clusters = selectClusters(fleet, options.only);
  const steps = networkSteps(fleet, clusters);
  const compute = endpoints.compute;
  const skipNetwork = compute.mode === 'skip' ? compute.reason : undefined;
  // GKE Hub and IAM have no emulator here: next to any emulator they are skipped, never sent to Google.
  const skipFleet = fleet.globalEntry && compute.mode !== 'google' ? 'an emulator is in use, and GKE Hub and IAM have none' : undefined;
  const plan = (live?: LiveState): PlanItem[] => [
    ...steps.map((s) => planGcloudStep(s, live ? live.network.get(s.id) ?? null : undefined, skipNetwork && 'no compute emulator')),
    ...clusters.map((c) => planCluster(c, clusterRequest(fleet, c), live ? live.clusters.get(`${c.region}/${c.name}`) ?? null : undefined, [subnetId(c)])),
    ...(live?.fleet?.steps ?? fleetSteps(fleet, clusters)).map((s) =>
      planGcloudStep(s, live ? live.fleet?.live.get(s.id) ?? null : undefined, skipFleet && 'no fleet or IAM emulator')),
  ];

  say(...header(fleet, clusters, endpoints));
  if (skipNetwork) io.err.write(`notice: network steps skipped: ${skipNetwork}; set COMPUTE_EMULATOR_HOST=HOST:PORT to run them against a compute emulator\n`);
  if (skipFleet) io.err.write(`notice: global entry fleet features and IAM bindings skipped: ${skipFleet}; they run against Google Cloud only\n`);

  if (options.dryRun) {
    const items = plan();
    say('', 'Plan (dry run: live state is not read):', ...renderPlan(items), '');
    const gcloudReads = fleet.globalEntry && !skipFleet ? [projectNumberRead(fleet.project)] : [];
    say(...renderRequests(items, [...new Set(clusters.map((c) => locationPath(fleet.project, c.region)))], gcloudReads), '');
    say('Dry run: no request was sent.');
    return 0;
  }

  // Loaded here, not at the top: the GKE client library takes ~0.4 s to load, and a dry run never needs it.
  const { checkCredentials, createGkeClient } = await import('./gke-client.ts');
  const client = createGkeClient(endpoints.gkeEmulator);
  try {
    if (!endpoints.gkeEmulator) await checkCredentials(client);
    const gcloud = skipNetwork ? undefined : options.gcloud ?? (await preparedGcloud(compute, options.env));

    // 1. Read what exists, 2. print the plan.
    const items = plan(await readLive(client, gcloud, fleet, clusters, steps, !skipFleet, timing));
    say('', 'Plan:', ...renderPlan(items), '');
    const broken = items.filter((i) => i.action === 'broken').length;
    const todo = actionable(items);
    if (todo.length === 0) {
      say(broken > 0 ? 'Nothing to create; see the items that need attention above.' : 'Nothing to create: everything exists.');
      return broken > 0 ? 1 : 0;
    }

    // 3. Confirm.
    const creates = todo.filter((i) => i.action === 'create').length;
    if (!options.yes) {
      if (!io.input.isTTY) {
        io.err.write('refusing to create anything without confirmation: no terminal to ask on; re-run with --yes (or --dry-run to print the plan only)\n');
        return 1;
      }
      if (!(await confirm(`Create ${creates} resource${creates === 1 ? '' : 's'} in project ${fleet.project}? [y/N] `, io.input, io.out))) {
        say('Cancelled; nothing was created.');
        return 1;
      }
    }

    // 4. Apply, with live progress; 5. summary.
    say('Applying:');
    const key = (item: PlanItem) => `${item.kind} ${item.name}`;
    const progress = new Progress(io.out, todo.map(key));
    const queues = new Map<string, Promise<unknown>>();
    let results: ItemResult[];
    try {
      results = await applyItems(todo, (item) => item.kind === 'cluster'
        ? applyCluster({ client, project: fleet.project, timing, progress, key }, item)
        : applyGcloudStep({ gcloud: gcloud!, progress, key, queues }, item));
    } finally {
      progress.stop();
    }
    const bad = results.filter((r) => r.result === 'failed' || r.result === 'skipped').length;
    say('', 'Summary:', ...renderSummary(results), '');
    say(bad > 0 ? `${bad} of ${results.length} failed or skipped; fix the cause and re-run: what exists is kept.` : 'Done.');
    return bad > 0 || broken > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}

/**
 * What exists: clusters by `region/name`, network resources by step id (`null` = absent), and the
 * fleet steps with their state (unset when they are not read: global entry off, or skipped).
 */
interface LiveState {
  readonly clusters: Map<string, GkeCluster>;
  readonly network: Map<string, Described | null>;
  readonly fleet?: FleetState;
}

async function readLive(
  client: ClusterManagerClient, gcloud: Gcloud | undefined, fleet: Fleet, clusters: readonly Cluster[], steps: readonly NetworkStep[],
  readFleetSteps: boolean, timing: Timing,
): Promise<LiveState> {
  try {
    const [liveClusters, network, fleetState] = await Promise.all([
      readClusters(client, fleet.project, clusters, timing),
      gcloud ? readNetwork(gcloud, steps) : new Map<string, Described | null>(),
      // Never throws: an unreadable fleet item is planned as needing attention, the rest go on.
      gcloud && readFleetSteps ? readFleet(gcloud, fleet, clusters) : undefined,
    ]);
    return { clusters: liveClusters, network, ...(fleetState ? { fleet: fleetState } : {}) };
  } catch (err) {
    throw new Error(`cannot read what exists: ${errorLine(err)}`);
  }
}

/** A gcloud runner; for Google, first checks that gcloud is installed and logged in. */
async function preparedGcloud(compute: ComputeTarget, env: NodeJS.ProcessEnv | undefined): Promise<Gcloud> {
  if (compute.mode === 'google') {
    if (!(await gcloudInstalled())) throw new CredentialsError('gcloud not found on PATH: install the Google Cloud CLI (the network, fleet and IAM steps use it)');
    if (!(await gcloudAccount(env))) throw new CredentialsError('gcloud has no active account: run "gcloud auth login" (the network, fleet and IAM steps use gcloud\'s own account)');
  }
  return createGcloud(compute, env);
}

/** Where the run goes and for what: project, clusters, which APIs and how they authenticate. */
function header(fleet: Fleet, clusters: readonly Cluster[], endpoints: Endpoints): string[] {
  const { gkeEmulator, compute } = endpoints;
  const gke = gkeEmulator
    ? `emulator at ${gkeEmulator.host}:${gkeEmulator.port} (plaintext gRPC, no credentials)`
    : 'container.googleapis.com (Application Default Credentials)';
  const network = compute.mode === 'google' ? "gcloud compute (gcloud's active account)"
    : compute.mode === 'emulator' ? `gcloud compute against the emulator at ${compute.url}`
    : `skipped (${compute.reason})`;
  const lines = [
    `provision: project ${fleet.project}, ${clusters.length} of ${fleet.clusters.length} clusters (${fleet.file})`,
    `  GKE API: ${gke}`,
    `  network: ${network}`,
  ];
  if (fleet.globalEntry) {
    lines.push(`  fleet and IAM: ${compute.mode === 'google' ? "gcloud container fleet, gcloud projects (gcloud's active account)" : 'skipped (no emulator for GKE Hub and IAM)'}`);
  }
  return lines;
}

/** The clusters named in `only` (fleet order), or all; an unknown name is a UsageError. */
export function selectClusters(fleet: Fleet, only?: readonly string[]): Cluster[] {
  if (!only || only.length === 0) return [...fleet.clusters];
  const known = fleet.clusters.map((c) => c.name);
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown cluster${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected one of ${known.join(', ')})`);
  }
  return fleet.clusters.filter((c) => only.includes(c.name));
}
