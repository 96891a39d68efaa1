/**
 * `provision`: read what exists → print the plan → confirm → create what is missing, change what
 * differs in place, delete what left config (`--prune`) → summary with every remaining difference
 * and its fix. Items: network steps (gcloud compute), clusters (GKE API), what left config and,
 * with the global entry on, fleet features and IAM bindings (gcloud container fleet, gcloud projects).
 * The entry point (scripts/provision.ts) only parses arguments and the environment and calls this.
 */
import type { ClusterManagerClient } from '@google-cloud/container';
import type { Cluster, Fleet } from '../../config/model.ts';
import { applyCluster, deleteCluster } from './apply-cluster.ts';
import { applyGcloudStep, deleteGcloudResource } from './apply-network.ts';
import { applyItems, type ItemResult } from './apply.ts';
import { clusterRequest, type GkeCluster } from './cluster-request.ts';
import { confirm } from './confirm.ts';
import type { ComputeTarget, Endpoints } from './endpoints.ts';
import { CredentialsError, UsageError } from './errors.ts';
import { fleetSteps, projectNumberRead } from './fleet-steps.ts';
import { formatDuration } from './format.ts';
import { createGcloud, gcloudAccount, gcloudInstalled, type Gcloud } from './gcloud.ts';
import { networkSteps, subnetId, type Described, type NetworkStep } from './network-steps.ts';
import { orphanRegions, planOrphans, routerRead, subnetsRead, type LiveExtras } from './orphans.ts';
import { actionable, differencesOf, isRemoval, planCluster, planGcloudStep, type PlanItem } from './plan.ts';
import { Progress, type ProgressOutput } from './progress.ts';
import { allLocations, readClusters, readFleet, readNetwork, type FleetState } from './read-state.ts';
import { renderDrift, renderPlan, renderRequests, renderSummary } from './render.ts';
import { errorLine, type RetryListener } from './retry.ts';
import { DEFAULT_TIMING, type Timing } from './timing.ts';

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
  /** Read what exists, print the plan field by field and every write it would send; change nothing. @default false */
  readonly dryRun?: boolean;
  /** With `dryRun`: send nothing at all, not even reads (needs no credentials). @default false */
  readonly offline?: boolean;
  /** Skip the confirmation. @default false */
  readonly yes?: boolean;
  /** Delete what provision made that left config (clusters, their subnets and routers, node pools). @default false */
  readonly prune?: boolean;
  /** Security drift does not make the exit code 1. @default false */
  readonly acceptDrift?: boolean;
  readonly endpoints: Endpoints;
  /** @default DEFAULT_TIMING */
  readonly timing?: Timing;
  readonly io: ProvisionIO;
  /** Environment gcloud runs with. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** gcloud runner. @default one for `endpoints.compute` */
  readonly gcloud?: Gcloud;
}

/**
 * Runs provisioning; resolves to the exit code: 0 all good, 1 anything failed, was refused or
 * needs attention (a field that cannot change, a same-named cluster elsewhere), or security drift
 * without `acceptDrift`.
 */
export async function provision(options: ProvisionOptions): Promise<number> {
  const { fleet, endpoints, io } = options;
  const timing = options.timing ?? DEFAULT_TIMING;
  const prune = options.prune ?? false;
  const say = (...lines: string[]) => io.out.write(lines.map((l) => `${l}\n`).join(''));
  const clusters = selectClusters(fleet, options.only);
  if (prune && (options.only?.length ?? 0) > 0) {
    throw new UsageError('--prune works on the whole fleet (a cluster that left config cannot be named with --cluster): drop --cluster');
  }
  const whole = clusters.length === fleet.clusters.length;
  const steps = networkSteps(fleet, clusters);
  const compute = endpoints.compute;
  const skipNetwork = compute.mode === 'skip' ? compute.reason : undefined;
  // GKE Hub and IAM have no emulator here: next to any emulator they are skipped, never sent to Google.
  const skipFleet = fleet.globalEntry && compute.mode !== 'google' ? 'an emulator is in use, and GKE Hub and IAM have none' : undefined;
  const elsewhere = (live: LiveState | undefined, c: Cluster) => live?.clusters.filter((l) => l.name === c.name && l.location !== c.region) ?? [];
  // The subnet of a cluster whose name is taken in another region would serve no cluster: not made.
  const misplaced = (live: LiveState | undefined, stepId: string) =>
    clusters.find((c) => subnetId(c) === stepId && elsewhere(live, c).length > 0) && `cluster ${stepId.split('/').pop()} needs attention first`;
  const plan = (live?: LiveState): PlanItem[] => [
    ...steps.map((s) => planGcloudStep(s, live ? live.network.get(s.id) ?? null : undefined, (skipNetwork && 'no compute emulator') || misplaced(live, s.id))),
    ...clusters.map((c) => planCluster(c, clusterRequest(fleet, c), live ? live.clusters.find((l) => l.name === c.name && l.location === c.region) ?? null : undefined, {
      needs: [subnetId(c)], elsewhere: elsewhere(live, c), prune, file: fleet.file,
    })),
    ...(live?.fleet?.steps ?? fleetSteps(fleet, clusters)).map((s) =>
      planGcloudStep(s, live ? live.fleet?.live.get(s.id) ?? null : undefined, skipFleet && 'no fleet or IAM emulator')),
    ...(live?.extras ? planOrphans(fleet, live.extras, prune) : []),
  ];

  say(...header(fleet, clusters, endpoints));
  if (skipNetwork) io.err.write(`notice: network steps skipped: ${skipNetwork}; set COMPUTE_EMULATOR_HOST=HOST:PORT to run them against a compute emulator\n`);
  if (skipFleet) io.err.write(`notice: global entry fleet features and IAM bindings skipped: ${skipFleet}; they run against Google Cloud only\n`);

  const gcloudReads = fleet.globalEntry && !skipFleet ? [projectNumberRead(fleet.project)] : [];
  if (options.dryRun && options.offline) {
    const items = plan();
    say('', 'Plan (offline dry run: live state is not read):', ...renderPlan(items), '');
    say(...renderRequests(items, [allLocations(fleet.project)], gcloudReads), '');
    say('Dry run: no request was sent.');
    return 0;
  }

  // Loaded here, not at the top: the GKE client library takes ~0.4 s to load, and an offline dry run never needs it.
  const { checkCredentials, createGkeClient } = await import('./gke-client.ts');
  const client = createGkeClient(endpoints.gkeEmulator);
  const where = endpoints.gkeEmulator ? `${endpoints.gkeEmulator.host}:${endpoints.gkeEmulator.port} (GKE_EMULATOR_HOST)` : 'container.googleapis.com';
  try {
    if (!endpoints.gkeEmulator) await checkCredentials(client);
    const gcloud = skipNetwork ? undefined : options.gcloud ?? (await preparedGcloud(compute, options.env, timing));

    // 1. Read what exists, 2. print the plan.
    say('', 'Reading what exists…');
    const notice = (what: string): RetryListener => ({ attempt, error, delayMs }) =>
      io.err.write(`  ${what}: ${errorLine(error)}; retry ${attempt}/${timing.retry.attempts - 1} in ${formatDuration(delayMs)}\n`);
    const live = await readLive({ client, gcloud, fleet, clusters, steps, readFleetSteps: !skipFleet, readExtras: whole, timing, where, onRetry: notice('GKE ListClusters') });
    const items = plan(live);
    say('', options.dryRun ? 'Plan (dry run: live state was read; nothing is changed):' : 'Plan:', ...renderPlan(items), '');
    const broken = items.filter((i) => i.action === 'broken').length;
    const todo = actionable(items);
    const verdict = () => closing(items, broken, options.acceptDrift ?? false);

    if (options.dryRun) {
      say(...renderRequests(items, [allLocations(fleet.project)], [...gcloudReads, ...(gcloud && whole ? [subnetsRead(fleet)] : [])]), '');
      const { lines, code } = verdict();
      say(...lines, 'Dry run: only reads were sent.');
      return code;
    }
    if (todo.length === 0) {
      const { lines, code } = verdict();
      say(...lines, broken > 0 ? 'Nothing to change; see the items that need attention above.'
        : lines.length > 0 ? 'Nothing provision changes is left to do; the differences above are yours to fix or accept.'
        : 'Nothing to change: everything is as config says.');
      return code;
    }

    // 3. Confirm.
    if (!options.yes) {
      if (!io.input.isTTY) {
        io.err.write('refusing to change anything without confirmation: no terminal to ask on; re-run with --yes (or --dry-run to print the plan only)\n');
        return 1;
      }
      if (!(await confirm(question(todo, fleet.project), io.input, io.out))) {
        say('Cancelled; nothing was changed.');
        return 1;
      }
    }

    // 4. Apply, with live progress; 5. summary.
    say('Applying:');
    const key = (item: PlanItem) => `${item.kind} ${item.name}`;
    const progress = new Progress(io.out, todo.map(key));
    const queues = new Map<string, Promise<unknown>>();
    const clusterCtx = { client, project: fleet.project, timing, progress, key, where };
    const gcloudCtx = { gcloud: gcloud!, progress, key, queues };
    let results: ItemResult[];
    try {
      results = await applyItems(todo, (item) => {
        if (isRemoval(item)) return 'gke' in item.removal ? deleteCluster(clusterCtx, { ...item, removal: item.removal }) : deleteGcloudResource(gcloudCtx, { ...item, removal: item.removal });
        return item.kind === 'cluster' ? applyCluster(clusterCtx, item) : applyGcloudStep(gcloudCtx, item);
      });
    } finally {
      progress.stop();
    }
    const bad = results.filter((r) => r.result === 'failed' || r.result === 'skipped').length;
    say('', 'Summary:', ...renderSummary(results), '');
    const { lines, code } = verdict();
    say(...lines, bad > 0 ? `${bad} of ${results.length} failed or skipped; fix the cause and re-run: what exists is kept.` : 'Done.');
    return bad > 0 ? 1 : code;
  } finally {
    await client.close();
  }
}

/**
 * The closing lines every run ends with: each difference provision does not change with its fix,
 * and what the security drift means for the exit code. `code` is 1 when an item needs attention
 * or security drift is not accepted.
 */
function closing(items: readonly PlanItem[], broken: number, acceptDrift: boolean): { lines: string[]; code: number } {
  const lines = renderDrift(items);
  if (lines.length > 0) lines.push('');
  const security = differencesOf(items, 'security').length;
  if (security > 0) {
    lines.push(acceptDrift
      ? `security drift accepted (--accept-drift): ${security} setting${security === 1 ? '' : 's'} differ${security === 1 ? 's' : ''} from config.`
      : `security drift: ${security} setting${security === 1 ? '' : 's'} differ${security === 1 ? 's' : ''} from config (listed above with the fix); fix ${security === 1 ? 'it' : 'them'}, or re-run with --accept-drift to accept.`);
  }
  return { lines, code: broken > 0 || (security > 0 && !acceptDrift) ? 1 : 0 };
}

/** The confirmation: counts per action, and every cluster a deletion takes down, by name and region. */
export function question(todo: readonly PlanItem[], project: string): string {
  const count = (action: string) => todo.filter((i) => i.action === action).length;
  const parts = [['Create', count('create')], ['update', count('update')], ['delete', count('delete')]] as const;
  const counts = parts.filter(([, n]) => n > 0).map(([verb, n], i) => `${i === 0 ? verb[0]!.toUpperCase() + verb.slice(1) : verb} ${n}`);
  const clusters = todo.filter((i) => isRemoval(i) && i.kind === 'cluster').map((i) => `${i.name} (${i.location})`);
  const doomed = clusters.length > 0 ? `This deletes cluster${clusters.length === 1 ? '' : 's'} ${clusters.join(', ')} with every workload on ${clusters.length === 1 ? 'it' : 'them'}. ` : '';
  const total = counts.length > 0 ? `${counts.join(', ')} resource${todo.length === 1 ? '' : 's'}` : `Wait for ${todo.length} cluster${todo.length === 1 ? '' : 's'}`;
  return `${doomed}${total} in project ${project}? [y/N] `;
}

/**
 * What exists: every cluster of the project, network resources by step id (`null` = absent), the
 * fleet steps with their state (unset when they are not read: global entry off, or skipped), and
 * what provision made beyond config (read for whole-fleet runs).
 */
interface LiveState {
  readonly clusters: readonly GkeCluster[];
  readonly network: Map<string, Described | null>;
  readonly fleet?: FleetState;
  readonly extras?: LiveExtras;
}

interface ReadOptions {
  readonly client: ClusterManagerClient;
  readonly gcloud: Gcloud | undefined;
  readonly fleet: Fleet;
  readonly clusters: readonly Cluster[];
  readonly steps: readonly NetworkStep[];
  readonly readFleetSteps: boolean;
  /** Read what left config too (subnets of the VPC, routers of regions only orphans are in). */
  readonly readExtras: boolean;
  readonly timing: Timing;
  readonly where: string;
  readonly onRetry: RetryListener;
}

async function readLive(o: ReadOptions): Promise<LiveState> {
  const { gcloud, fleet } = o;
  try {
    const [liveClusters, network, fleetState, subnets] = await Promise.all([
      readClusters(o.client, fleet.project, o.timing, o.where, o.onRetry),
      gcloud ? readNetwork(gcloud, o.steps) : new Map<string, Described | null>(),
      // Never throws: an unreadable fleet item is planned as needing attention, the rest go on.
      gcloud && o.readFleetSteps ? readFleet(gcloud, fleet, o.clusters) : undefined,
      gcloud && o.readExtras ? gcloud.list(subnetsRead(fleet)) : undefined,
    ]);
    if (!o.readExtras) return { clusters: liveClusters, network, ...(fleetState ? { fleet: fleetState } : {}) };
    const regions = orphanRegions(fleet, { clusters: liveClusters, ...(subnets ? { subnets } : {}) });
    const routers = new Map<string, Described | null>();
    if (gcloud) await Promise.all(regions.map(async (r) => routers.set(r, (await gcloud.describe(routerRead(fleet, r))) ?? null)));
    return {
      clusters: liveClusters, network, ...(fleetState ? { fleet: fleetState } : {}),
      extras: { clusters: liveClusters, ...(subnets ? { subnets } : {}), routers },
    };
  } catch (err) {
    throw new Error(`cannot read what exists: ${errorLine(err)}`);
  }
}

/** A gcloud runner; for Google, first checks that gcloud is installed and logged in. */
async function preparedGcloud(compute: ComputeTarget, env: NodeJS.ProcessEnv | undefined, timing: Timing): Promise<Gcloud> {
  if (compute.mode === 'google') {
    if (!(await gcloudInstalled())) throw new CredentialsError('gcloud not found on PATH: install the Google Cloud CLI (the network, fleet and IAM steps use it)');
    if (!(await gcloudAccount(env))) throw new CredentialsError('gcloud has no active account: run "gcloud auth login" (the network, fleet and IAM steps use gcloud\'s own account)');
  }
  // A gcloud read is a call with gcloud's own retries (and start-up): it gets the budget of a call with ours.
  return createGcloud(compute, env, 'gcloud', { readMs: timing.retry.budgetMs, writeMs: timing.poll.timeoutMs });
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
