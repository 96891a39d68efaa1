/**
 * The credentials Flux clones the fleet repository with, as the keys of its git Secret
 * (source-controller's "Secret reference"): `identity` + `known_hosts` for ssh:// URLs, from a
 * deploy-key file; `username` + `password` for https:// URLs, from a token in an environment
 * variable the user names. Which one is needed follows from `git.url`.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { BootstrapError } from './errors.ts';
import type { Redactor } from './redact.ts';
import type { Runner } from './runner.ts';

export type GitAuth =
  | {
    readonly kind: 'ssh';
    /** Private deploy key file (`--ssh-key`). */
    readonly keyFile: string;
    /** known_hosts file (`--known-hosts`). @default - `ssh-keyscan` of the host */
    readonly knownHostsFile?: string;
    readonly host: string;
    /** Port when not 22. */
    readonly port?: string;
  }
  | {
    readonly kind: 'token';
    /** Environment variable that holds the token (`--token-env`). */
    readonly envName: string;
  };

export interface GitAuthFlags {
  readonly sshKey?: string;
  readonly knownHosts?: string;
  readonly tokenEnv?: string;
}

/** Username Flux sends with a token (GitHub and GitLab accept any; `git` is Flux's own choice). */
export const TOKEN_USERNAME = 'git';

/**
 * Picks the credential for `url` from the flags and checks it is there (file readable, variable
 * set). Reads no secret.
 * @throws BootstrapError naming the flag (or variable) that is missing or does not fit the URL.
 */
export function resolveGitAuth(url: string, flags: GitAuthFlags, env: NodeJS.ProcessEnv): GitAuth {
  const parsed = new URL(url);
  if (parsed.protocol === 'ssh:') {
    if (flags.tokenEnv !== undefined && flags.sshKey === undefined) {
      throw new BootstrapError(`--token-env works with https:// URLs, but git.url is ${url}; pass --ssh-key FILE (a deploy key that can read the repository) instead`);
    }
    if (flags.sshKey === undefined) {
      throw new BootstrapError(`missing git credential: git.url is ${url}, so Flux needs a deploy key; pass --ssh-key FILE (a private key whose public half is a read-only deploy key of the repository)`);
    }
    readable(flags.sshKey, '--ssh-key');
    if (flags.knownHosts !== undefined) readable(flags.knownHosts, '--known-hosts');
    return { kind: 'ssh', keyFile: flags.sshKey, knownHostsFile: flags.knownHosts, host: parsed.hostname, port: parsed.port || undefined };
  }
  if (flags.sshKey !== undefined || flags.knownHosts !== undefined) {
    throw new BootstrapError(`--ssh-key and --known-hosts work with ssh:// URLs, but git.url is ${url}; pass --token-env NAME (NAME: an environment variable holding a token that can read the repository) instead`);
  }
  if (flags.tokenEnv === undefined) {
    throw new BootstrapError(`missing git credential: git.url is ${url}, so Flux needs a token; pass --token-env NAME, NAME being an environment variable that holds a token with read access to the repository`);
  }
  if (!env[flags.tokenEnv]) {
    throw new BootstrapError(`missing git credential: the environment variable ${flags.tokenEnv} (named by --token-env) is not set or empty`);
  }
  return { kind: 'token', envName: flags.tokenEnv };
}

/** One line for the progress output: which credential, from where (never its value). */
export function describeGitAuth(auth: GitAuth): string {
  if (auth.kind === 'token') return `token from $${auth.envName}, username ${TOKEN_USERNAME}`;
  return `deploy key ${auth.keyFile}, known_hosts ${auth.knownHostsFile ?? `from ssh-keyscan ${auth.host}`}`;
}

/** Whether `ssh-keyscan` will be needed (an ssh URL without `--known-hosts`). */
/**
 * The environment for the commands bootstrap runs: `env` without the token variable. The token
 * reaches the cluster only inside the git Secret's manifest, on kubectl's stdin; no command reads
 * the variable, so none gets it (a tool's crash dump or debug log could otherwise show it).
 */
export function commandEnv(auth: GitAuth, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (auth.kind !== 'token') return env;
  const { [auth.envName]: _token, ...rest } = env;
  return rest;
}

export const needsKeyscan = (auth: GitAuth): boolean => auth.kind === 'ssh' && auth.knownHostsFile === undefined;

/**
 * The git Secret's data. Reads the key file or variable (registering each secret with the
 * redactor) and, without `--known-hosts`, the host's keys through `ssh-keyscan`. A dry run reads
 * nothing secret: the values are placeholders (and redacted anyway).
 */
export async function gitSecretData(auth: GitAuth, env: NodeJS.ProcessEnv, runner: Runner, redactor: Redactor): Promise<Record<string, string>> {
  if (auth.kind === 'token') {
    const token = runner.dryRun ? '<token>' : redactor.add(env[auth.envName]!);
    return { username: TOKEN_USERNAME, password: token };
  }
  const identity = runner.dryRun ? '<private key>' : redactor.add(readFileSync(auth.keyFile, 'utf8'));
  if (!runner.dryRun && /ENCRYPTED/.test(identity)) {
    throw new BootstrapError(`--ssh-key ${auth.keyFile} is protected by a passphrase; Flux needs a key without one (make a dedicated deploy key: ssh-keygen -t ed25519 -N '' -f FILE)`);
  }
  let knownHosts: string;
  if (auth.knownHostsFile !== undefined) {
    knownHosts = runner.dryRun ? '<known_hosts>' : readFileSync(auth.knownHostsFile, 'utf8');
  } else {
    const argv = ['ssh-keyscan', ...(auth.port ? ['-p', auth.port] : []), auth.host];
    knownHosts = await runner.read({ argv }, '<known_hosts>');
    if (!knownHosts.trim()) {
      throw new BootstrapError(`ssh-keyscan ${auth.host} returned no host key; check the host in git.url, or pass --known-hosts FILE`);
    }
  }
  return { identity, known_hosts: knownHosts };
}

function readable(file: string, flag: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new BootstrapError(`cannot read ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
