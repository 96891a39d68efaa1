/**
 * npm run provision -- [--config FILE] [--cluster NAME]... [--dry-run [--offline]] [--yes] [--prune]
 *   [--accept-drift] [--call-timeout SECONDS] [--wait-timeout SECONDS]
 * Brings the fleet's VPC, subnets, firewall rules, NAT and GKE clusters (and, with the global entry
 * on, its fleet features and IAM bindings) to what config says: creates what is missing, changes
 * what it owns in place, deletes what left config with --prune, and reports every other difference
 * with its fix. See docs/provision.md and docs/lifecycle.md.
 */
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import { parseCli, runMain } from './lib/cli.ts';
import { endpointsFromEnv } from './provision/endpoints.ts';
import { CredentialsError, EndpointError, UsageError } from './provision/errors.ts';
import { DEFAULT_TIMING, timingFromEnv, withTimingOptions } from './provision/timing.ts';

const USAGE = `Usage: npm run provision -- [--config FILE] [--cluster NAME]... [--dry-run [--offline]] [--yes]
                             [--prune] [--accept-drift] [--call-timeout SECONDS] [--wait-timeout SECONDS]

Reads what exists in the fleet's project, prints the plan (create / update / exists / differs /
not in config / delete, each difference field by field), asks, then brings the fleet to config:
creates what is missing (the VPC, a subnet per cluster with its pod and service ranges, the mesh
firewall rules, a Cloud Router + NAT per region for private nodes, the GKE clusters in parallel;
with \`globalEntry\` on, also the health-check firewall rule, the fleet features multi-cluster
Services and multi-cluster ingress and the IAM bindings of their controllers), and changes in
place what it owns: firewall rules (ranges, ports), subnets (a missing secondary range, private
Google access), NAT, and node pools (new pools, autoscaling, machine type and disk size).
A re-run picks up where an interrupted one stopped and, once everything is as config says,
sends no change at all.

Never changed in place, reported with the fix instead: a cluster's region, network or ranges, a
subnet's ranges, a node pool's spot setting (errors: exit 1); security settings (private nodes,
Workload Identity, master authorized networks, release channel: exit 1 unless --accept-drift);
other cluster fields (labels, zones: reported only). A cluster of the same name in another
region is an error naming both regions; provision never makes a second one.

Clusters labelled with the fleet's mesh that left config, the subnets made for them and the
routers of regions no cluster is in any more are listed as "not in config"; --prune deletes them
(and node pools that left config), after a confirmation that names every cluster it deletes.

Options:
  -c, --config FILE          fleet file (default: ${DEFAULT_FLEET_FILE})
      --cluster NAME         only this cluster (repeat, or NAME,NAME); the VPC, the fleet-wide
                             firewall rules and the global entry's fleet features and IAM bindings
                             are always included; not with --prune
  -n, --dry-run              read what exists and print the plan, field by field, and every
                             write it would send (CreateCluster JSON, node pool requests, gcloud
                             commands); change nothing. Exit code as a real run's plan would give
      --offline              with --dry-run: send nothing at all, not even reads; needs no
                             credentials (the plan cannot show what exists)
  -y, --yes                  do not ask; required when stdin is not a terminal (CI)
      --prune                delete what provision made that left config (see above)
      --accept-drift         security drift does not fail the run (it is still listed)
      --call-timeout SECONDS deadline of one API call (default ${DEFAULT_TIMING.callTimeoutMs / 1000}); a call and its
                             retries, and a gcloud read, stop after 3 of these (default ${DEFAULT_TIMING.retry.budgetMs / 1000} s),
                             so a server that never answers fails in about a minute, naming the call
      --wait-timeout SECONDS total wait for one operation or cluster (default ${DEFAULT_TIMING.poll.timeoutMs / 1000});
                             the operation goes on in Google Cloud, a re-run follows it
  -h, --help                 show this help

Environment:
  GKE_EMULATOR_HOST=HOST:PORT      GKE API calls go there (plaintext gRPC, no credentials)
  COMPUTE_EMULATOR_HOST=HOST:PORT  gcloud compute calls go there; with GKE_EMULATOR_HOST set and
                                   this unset, the network steps are skipped. With either emulator
                                   set, the global entry's fleet and IAM steps are skipped
  MESHFLEET_RETRY_DELAY_MS         first retry delay on UNAVAILABLE, RESOURCE_EXHAUSTED,
                                   DEADLINE_EXCEEDED (default 1000; doubles up to 30x)
  MESHFLEET_POLL_INTERVAL_MS       first operation poll delay (default 5000; grows up to 6x)
  MESHFLEET_POLL_TIMEOUT_MS        same as --wait-timeout, in milliseconds (the option wins)

Credentials: the GKE API uses Application Default Credentials
("gcloud auth application-default login"); the network, fleet and IAM steps use gcloud's own
account. Progress: one line per item while it runs (repeated every minute without a terminal),
and a line per retry while reading.

Exit codes: 0 everything is as config says (differences that are only reported, and things not
in config without --prune, allowed), 1 anything failed, was refused or cancelled, a difference
cannot be fixed in place, security drift without --accept-drift (or invalid config / missing
credentials / a server that did not answer), 2 bad usage.`;

/** A positive number of seconds from an option, or a UsageError naming it. */
function seconds(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${option} must be a positive number of seconds (got ${JSON.stringify(value)})`);
  return n;
}

const provisionCommand = (): Promise<void> => runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    config: { type: 'string', short: 'c' },
    cluster: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', short: 'n' },
    offline: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    prune: { type: 'boolean' },
    'accept-drift': { type: 'boolean' },
    'call-timeout': { type: 'string' },
    'wait-timeout': { type: 'string' },
  }, USAGE);
  // The loader and the GKE client load once the options are read: `provision --help` and a usage
  // error print without them (the gRPC client alone is ≈ 0.1 s of a start).
  const [{ loadFleetForCommand }, { provision }] = await Promise.all([import('./lib/load-config.ts'), import('./provision/run.ts')]);
  const only = (args.cluster ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const fleet = loadFleetForCommand(args.config ?? DEFAULT_FLEET_FILE);
  try {
    if (args.offline && !args['dry-run']) throw new UsageError('--offline only goes with --dry-run');
    const timing = withTimingOptions(timingFromEnv(process.env), {
      callTimeoutS: seconds('call-timeout', args['call-timeout']), waitTimeoutS: seconds('wait-timeout', args['wait-timeout']),
    });
    const endpoints = endpointsFromEnv(process.env);
    process.once('SIGINT', () => {
      process.stderr.write('\ninterrupted: operations already started go on in Google Cloud; re-run to follow them (nothing is created twice)\n');
      process.exit(130);
    });
    return await provision({
      fleet, only, endpoints,
      dryRun: args['dry-run'] ?? false,
      offline: args.offline ?? false,
      yes: args.yes ?? false,
      prune: args.prune ?? false,
      acceptDrift: args['accept-drift'] ?? false,
      timing,
      io: { out: process.stdout, err: process.stderr, input: process.stdin },
    });
  } catch (err) {
    // User-facing problems get one line, no stack.
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nRun with --help for details.\n`);
      return 2;
    }
    if (err instanceof CredentialsError || err instanceof EndpointError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
});

export async function main(): Promise<void> {
  await provisionCommand();
  // A gRPC channel still trying a server that never answered would hold the process open for its
  // own connect timeout; everything is written (stdout and stderr are synchronous on pipes and files).
  process.exit();
}
