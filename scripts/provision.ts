/**
 * npm run provision -- [--config FILE] [--cluster NAME]... [--dry-run] [--yes]
 * Creates the fleet's VPC, subnets, firewall rules, NAT and GKE clusters that are missing, and with
 * the global entry on its fleet features and IAM bindings; leaves what exists; reports what
 * differs. See docs/provision.md.
 */
import { DEFAULT_FLEET_FILE, loadFleet } from '../config/load.ts';
import { parseCli, runMain } from './lib/cli.ts';
import { endpointsFromEnv } from './provision/endpoints.ts';
import { CredentialsError, EndpointError, UsageError } from './provision/errors.ts';
import { provision } from './provision/run.ts';
import { timingFromEnv } from './provision/retry.ts';

const USAGE = `Usage: npm run provision -- [--config FILE] [--cluster NAME]... [--dry-run] [--yes]

Reads what exists in the fleet's project, prints the plan (create / exists / differs, with the
fields that differ), asks, then creates what is missing: the VPC, a subnet per cluster with its
pod and service ranges, the mesh firewall rules, a Cloud Router + NAT per region (private nodes)
and the GKE clusters (in parallel). With \`globalEntry\` on, also what the multi-cluster Gateway
needs: the firewall rule for Google's health-check ranges, the fleet features multi-cluster
Services and multi-cluster ingress (config membership: the config cluster), and the IAM bindings
of their controllers. Nothing that exists is changed or deleted; a re-run picks up where an
interrupted one stopped.

Options:
  -c, --config FILE    fleet file (default: ${DEFAULT_FLEET_FILE})
      --cluster NAME   only this cluster (repeat, or NAME,NAME); the VPC, the fleet-wide
                       firewall rules and the global entry's fleet features and IAM bindings
                       are always included
  -n, --dry-run        print the plan and every request (CreateCluster JSON, gcloud commands);
                       send nothing, not even reads; needs no credentials
  -y, --yes            do not ask; required when stdin is not a terminal (CI)
  -h, --help           show this help

Environment:
  GKE_EMULATOR_HOST=HOST:PORT      GKE API calls go there (plaintext gRPC, no credentials)
  COMPUTE_EMULATOR_HOST=HOST:PORT  gcloud compute calls go there; with GKE_EMULATOR_HOST set and
                                   this unset, the network steps are skipped. With either emulator
                                   set, the global entry's fleet and IAM steps are skipped
  MESHFLEET_RETRY_DELAY_MS         first retry delay on UNAVAILABLE, RESOURCE_EXHAUSTED,
                                   DEADLINE_EXCEEDED (default 1000; doubles up to 30x)
  MESHFLEET_POLL_INTERVAL_MS       first operation poll delay (default 5000; grows up to 6x)
  MESHFLEET_POLL_TIMEOUT_MS        stop waiting for one operation (default 3600000)

Credentials: the GKE API uses Application Default Credentials
("gcloud auth application-default login"); the network, fleet and IAM steps use gcloud's own
account.

Exit codes: 0 everything exists or was created, 1 anything failed, was refused or cancelled
(or invalid config / missing credentials), 2 bad usage.`;

await runMain(async () => {
  const args = parseCli(process.argv.slice(2), {
    config: { type: 'string', short: 'c' },
    cluster: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', short: 'n' },
    yes: { type: 'boolean', short: 'y' },
  }, USAGE);
  const only = (args.cluster ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const fleet = loadFleet(args.config ?? DEFAULT_FLEET_FILE);
  try {
    const endpoints = endpointsFromEnv(process.env);
    process.once('SIGINT', () => {
      process.stderr.write('\ninterrupted: operations already started go on in Google Cloud; re-run to follow them (nothing is created twice)\n');
      process.exit(130);
    });
    return await provision({
      fleet, only, endpoints,
      dryRun: args['dry-run'] ?? false,
      yes: args.yes ?? false,
      timing: timingFromEnv(process.env),
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
