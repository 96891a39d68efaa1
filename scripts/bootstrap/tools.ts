/**
 * The command-line tools bootstrap drives, found on PATH before anything runs, so a missing one
 * stops the run with a message that names it and says where to get it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BootstrapError } from './errors.ts';

/** Where to get each tool. */
export const TOOL_HINTS: Readonly<Record<string, string>> = {
  gcloud: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install',
  'gke-gcloud-auth-plugin': 'kubectl needs it for GKE credentials: gcloud components install gke-gcloud-auth-plugin (or apt-get install google-cloud-cli-gke-gcloud-auth-plugin)',
  kubectl: 'install kubectl 1.31 or newer: gcloud components install kubectl, or https://kubernetes.io/docs/tasks/tools/',
  openssl: 'install OpenSSL (it makes the mesh CA): apt-get install openssl, brew install openssl',
  'ssh-keyscan': 'part of OpenSSH; or pass --known-hosts FILE',
};

/** Full path of an executable `name` on `pathVar` (a PATH value), or undefined. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

/** The tools of `names` that are not on the PATH of `env`. */
export function missingTools(names: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return names.filter((name) => findOnPath(name, env.PATH) === undefined);
}

/** Throws a `BootstrapError` naming every missing tool and how to get it. */
export function requireTools(names: readonly string[], env: NodeJS.ProcessEnv): void {
  const missing = missingTools(names, env);
  if (missing.length === 0) return;
  const lines = missing.map((name) => `  ${name}: ${TOOL_HINTS[name] ?? 'install it'}`);
  throw new BootstrapError(`missing tool${missing.length > 1 ? 's' : ''} on PATH: ${missing.join(', ')}; nothing was done\n${lines.join('\n')}`);
}

/** Oldest kubectl bootstrap works with: `kubectl wait --for=create` arrived in 1.31. */
export const MIN_KUBECTL_MINOR = 31;

/** The client's minor version from `kubectl version --client -o json` ("32", or "32+" on GKE builds). */
export function kubectlMinor(json: string): number | undefined {
  try {
    const minor = Number.parseInt((JSON.parse(json) as { clientVersion?: { minor?: string } }).clientVersion?.minor ?? '', 10);
    return Number.isNaN(minor) ? undefined : minor;
  } catch {
    return undefined;
  }
}

/** Throws when kubectl is older than 1.31 (it would fail late, at the remote secrets). */
export function requireKubectlVersion(versionJson: string): void {
  const minor = kubectlMinor(versionJson);
  if (minor !== undefined && minor < MIN_KUBECTL_MINOR) {
    throw new BootstrapError(`kubectl 1.${minor} is too old: bootstrap needs 1.${MIN_KUBECTL_MINOR} or newer (for \`kubectl wait --for=create\`); ${TOOL_HINTS.kubectl}`);
  }
}
