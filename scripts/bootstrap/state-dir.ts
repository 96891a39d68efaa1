/**
 * The state directory: where the mesh CA keys and the per-cluster kubeconfigs live. It is outside
 * the repository by design (keys must never reach git), private to the user (directories 0700,
 * files 0600), and chosen by `--state-dir`, else MESHFLEET_STATE_DIR, else
 * `${XDG_CONFIG_HOME:-~/.config}/meshfleet/<project>/<mesh id>`.
 */
import { chmodSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { BootstrapError } from './errors.ts';

export const STATE_DIR_ENV = 'MESHFLEET_STATE_DIR';

/** Home directory from the environment (HOME), else the OS's idea of it. */
export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** The default: `${XDG_CONFIG_HOME:-~/.config}/meshfleet/<project>/<meshId>`. */
export function defaultStateDir(env: NodeJS.ProcessEnv, project: string, meshId: string): string {
  // The XDG spec treats an empty variable as unset, hence `||` rather than `??`.
  const config = env.XDG_CONFIG_HOME || join(homeOf(env), '.config');
  return join(config, 'meshfleet', project, meshId);
}

/** The state directory to use, absolute: the flag, else the variable, else the default. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv, project: string, meshId: string): string {
  const chosen = flag ?? (env[STATE_DIR_ENV] || undefined) ?? defaultStateDir(env, project, meshId);
  return resolve(chosen);
}

/**
 * The git work tree that `dir` would be inside, if any: the nearest ancestor (after resolving
 * symlinks of the part that exists) holding a `.git` entry.
 */
export function gitWorkTreeOf(dir: string): string | undefined {
  let existing = resolve(dir);
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  let current = join(realpathSync(existing), ...rest);
  for (;;) {
    if (existsSync(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Refuses a state directory inside a git work tree: a `git add -A` away from publishing keys. */
export function assertOutsideGit(dir: string, source: string): void {
  const tree = gitWorkTreeOf(dir);
  if (tree !== undefined) {
    throw new BootstrapError(`refusing state directory ${dir} (${source}): it is inside the git work tree ${tree}, and it will hold private keys; choose a directory outside any repository with --state-dir DIR or ${STATE_DIR_ENV}`);
  }
}

/** Creates `dir` (and missing parents) with mode 0700; an existing `dir` is set to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file readable by the owner only (0600, also when it existed with other bits). */
export function writePrivateFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}
