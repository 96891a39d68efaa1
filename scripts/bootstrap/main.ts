/**
 * The `npm run bootstrap` command: options, usage, and the step from parsed flags to `bootstrap()`.
 * Kept apart from the entry file so tests run the whole command in-process, with their own
 * environment and output.
 */
import { DEFAULT_FLEET_FILE } from '../../config/default-fleet.ts';
import { parseCli } from '../lib/cli.ts';
import { BootstrapError, UsageError } from './errors.ts';
import { resolveGitAuth } from './git-auth.ts';
import type { Writer } from './redact.ts';
import { homeOf, resolveStateDir, STATE_DIR_ENV } from './state-dir.ts';

export const USAGE = `Usage: npm run bootstrap -- [--cluster NAME] [--dry-run] (--ssh-key FILE | --token-env NAME) [options]

Hands every cluster of the fleet to Flux. Per cluster, in order:
  1 kube context      gcloud get-credentials into STATE/kube/<cluster>.yaml (not ~/.kube/config)
  2 cacerts           namespace istio-system + Secret cacerts: the cluster's intermediate CA,
                      signed by the mesh root (made with openssl on first use, then reused)
  3 flux install      the flux CLI when on PATH, else the release's install.yaml (flux.version)
  4 git secret        flux-system/<git.secretName> from a deploy key or a token
  5 flux-system sync  kubectl apply -k DIST/clusters/<cluster>/flux-system
  6 sync ready        waits until Flux reports the sync Ready
Then the remote secrets: each remote's reader token and API endpoint, as a kubeconfig in its
primary's istio-system (with several primaries, every primary gets one for every other cluster).
Without --cluster, each primary's remote secrets (label istio/multiCluster=true) for clusters that
left config, or that it no longer watches, are deleted: istiod stops watching what is gone.
Re-running changes nothing. Secrets reach kubectl on stdin; keys stay in the state directory.

Options:
  -c, --config FILE       fleet file (default: ${DEFAULT_FLEET_FILE})
      --cluster NAME      only this cluster (and the remote secrets of the pairs it is part of)
      --dist DIR          rendered dist root (default: dist)
      --state-dir DIR     where CA keys and kubeconfigs live, outside any git repository
                          (default: $${STATE_DIR_ENV}, else \${XDG_CONFIG_HOME:-~/.config}/meshfleet/<project>/<mesh id>)
      --ssh-key FILE      for an ssh:// git.url: the deploy key (private key without passphrase)
      --known-hosts FILE  known_hosts of the git host (default: ssh-keyscan of the host)
      --token-env NAME    for an https:// git.url: the environment variable holding the token
  -n, --dry-run           print every command in order, secret values redacted; run nothing
  -h, --help              show this help

Needs on PATH: gcloud (logged in), gke-gcloud-auth-plugin, kubectl >= 1.31, openssl; flux is optional.

Exit codes: 0 done, 1 a step failed or a tool, credential or dist is missing, 2 bad usage.`;

export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  cluster: { type: 'string' },
  dist: { type: 'string' },
  'state-dir': { type: 'string' },
  'ssh-key': { type: 'string' },
  'known-hosts': { type: 'string' },
  'token-env': { type: 'string' },
  'dry-run': { type: 'boolean', short: 'n' },
} as const;

/** Where the command reads its environment and writes its output. */
export interface CommandIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: Writer;
  readonly err: Writer;
}

/**
 * Runs the command; returns the exit code. User problems (tool, credential, state directory,
 * failed command) print `error: …` and return 1, a bad `--cluster` returns 2; an invalid config
 * throws `ConfigError` for `runMain` to print.
 */
export async function bootstrapMain(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCli(argv, OPTIONS, USAGE);
  // The loader and the steps (zx and the tools' wrappers) load once the options are read:
  // `bootstrap --help` and a usage error print without them.
  const [{ loadFleetForCommand }, { bootstrap }] = await Promise.all([import('../lib/load-config.ts'), import('./run.ts')]);
  const fleet = loadFleetForCommand(args.config ?? DEFAULT_FLEET_FILE);
  const { env } = io;
  try {
    const stateDir = resolveStateDir(args['state-dir'], env, fleet.project, fleet.mesh.id);
    const stateDirSource = args['state-dir'] !== undefined ? '--state-dir' : env[STATE_DIR_ENV] ? STATE_DIR_ENV : 'the default';
    const gitAuth = resolveGitAuth(fleet.git.url, { sshKey: args['ssh-key'], knownHosts: args['known-hosts'], tokenEnv: args['token-env'] }, env);
    const dryRun = args['dry-run'] ?? false;
    const summary = await bootstrap({ fleet, cluster: args.cluster, distDir: args.dist ?? 'dist', stateDir, stateDirSource, gitAuth, dryRun, env, out: io.out, err: io.err });
    const clusters = `${summary.clusters.length} cluster${summary.clusters.length === 1 ? '' : 's'}`;
    const secrets = `${summary.remoteSecrets} remote secret${summary.remoteSecrets === 1 ? '' : 's'}`;
    if (dryRun) {
      io.out.write(`dry run: ${clusters}, ${secrets}; nothing was changed\n`);
    } else {
      io.out.write(`bootstrap: ${summary.clusters.join(', ')} handed to Flux, ${secrets}; CA keys and kubeconfigs in ${stateDir.replace(`${homeOf(env)}/`, '~/')}\n`);
      io.out.write('From now on the fleet changes through git: edit config/, npm run synth, commit, push.\n');
    }
    return 0;
  } catch (err) {
    // User-facing problems: the message only, no stack.
    if (err instanceof UsageError) {
      io.err.write(`error: ${err.message}\nRun with --help for details.\n`);
      return 2;
    }
    if (err instanceof BootstrapError) {
      io.err.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
