/** A git revision's files, unpacked into a temporary directory (no worktree metadata is touched). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { configFolderOf } from '../../config/load.ts';
import type { SourceMemos } from '../../config/source.ts';
import { withSignalsHeld } from '../lib/signals.ts';

/** A problem with the repository or the revision (the diff's exit 2). */
export class GitRefError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new GitRefError(stderr || (err as Error).message);
  }
}

/** Top folder of the git work tree that holds `cwd`. */
export function repoRoot(cwd: string): string {
  try {
    return git(['rev-parse', '--show-toplevel'], cwd);
  } catch {
    throw new GitRefError(`${cwd} is not inside a git work tree (the diff compares against a git revision)`);
  }
}

/** The commit `ref` names, or a GitRefError that says so. */
export function resolveCommit(ref: string, root: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  } catch {
    throw new GitRefError(`unknown revision ${JSON.stringify(ref)} (expected a commit, branch or tag, e.g. HEAD or origin/main)`);
  }
}

/** Whether `path` (relative to the repository root) exists in `commit`. */
export function existsAt(commit: string, path: string, root: string): boolean {
  try {
    git(['cat-file', '-e', `${commit}:${path}`], root);
    return true;
  } catch {
    return false;
  }
}

/**
 * Unpacks `commit`'s tree, or only the folders `paths` (relative to the repository root), into a
 * new temporary directory; `cleanup` removes it.
 */
export function checkoutTo(commit: string, root: string, paths: readonly string[] = []): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-diff-'));
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', commit, ...(paths.length > 0 ? ['--', ...paths] : [])], { cwd: root, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', dir], { input: tar, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new GitRefError(`cannot unpack ${commit}: ${String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim()}`);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fleet file as it is in a git revision (see fleetAt). */
export interface FleetAtRevision {
  /**
   * Runs `use` on the file in a temporary checkout of the revision; undefined when the file does
   * not exist there. `memos`: the working tree's parse memos as memos of the same files in the
   * checkout (see fleetAt), for the loader.
   */
  use<T>(use: (fileInCheckout: string, checkoutDir: string, memos: SourceMemos) => T): Promise<T | undefined>;
}

/**
 * The fleet file `config` as it is in `ref`. The repository and the revision are checked here,
 * at once (GitRefError: `config` outside the repository, `ref` unknown); `use` unpacks the
 * revision into a temporary folder and removes it afterwards, Ctrl-C waiting for that, so
 * nothing is left behind. `workingTreeMemos`, filled by the working tree's load before `use`
 * runs (`LoadOptions.memos`), are handed to `use` re-keyed to the checkout: a config file the
 * change left as it was is then neither parsed nor validated again, and one edited inside an
 * entry is parsed there only. A memo is checked against the text it is used for
 * (config/source-memo.ts), so it never changes what is loaded.
 */
export function fleetAt(config: string, ref: string, command: string, workingTreeMemos: SourceMemos = new Map()): FleetAtRevision {
  const root = repoRoot(process.cwd());
  if (relative(root, resolve(config)).startsWith('..')) {
    throw new GitRefError(`${config} is outside the git repository ${root}, so it has no version in ${ref}`);
  }
  const commit = resolveCommit(ref, root);
  return {
    use: (use) => withSignalsHeld(() => unpackFleet(config, commit, root, (file, dir) => use(file, dir, memosIn(workingTreeMemos, root, dir))), () => `${command}: interrupted`),
  };
}

/**
 * The fleet file `config` as it is in `commit` of the repository at `cwd`, loaded by `load`;
 * undefined when the file is outside that repository or not in the commit. The temporary
 * checkout is removed before it returns.
 */
export function fleetAtCommit<T>(config: string, commit: string, cwd: string, load: (fileInCheckout: string) => T): T | undefined {
  const root = repoRoot(cwd);
  return relative(root, resolve(config)).startsWith('..') ? undefined : unpackFleet(config, commit, root, load);
}

/**
 * Runs `use` on `config` (a path as loaded: relative to this process's working folder) in a
 * temporary checkout of `commit`, removed afterwards; undefined when the commit lacks the file.
 * Only the folder its app definitions may come from is unpacked (configFolderOf): not the
 * rendered dist/ beside it, which in a large fleet is most of the tree.
 */
function unpackFleet<T>(config: string, commit: string, root: string, use: (fileInCheckout: string, checkoutDir: string) => T): T | undefined {
  const inRepo = relative(root, resolve(config));
  if (!existsAt(commit, inRepo.split(sep).join('/'), root)) return undefined;
  const folder = relative(root, configFolderOf(resolve(config))).split(sep).join('/');
  const checkout = checkoutTo(commit, root, folder ? [folder] : []);
  try {
    return use(resolve(checkout.dir, inRepo), checkout.dir);
  } finally {
    checkout.cleanup();
  }
}

/** `memos` of files under the work tree `root`, keyed (by real path) as the same files under `checkoutDir`. */
export function memosIn(memos: SourceMemos, root: string, checkoutDir: string): SourceMemos {
  const from = `${realpathSync(root)}${sep}`;
  const to = `${realpathSync(checkoutDir)}${sep}`;
  return new Map([...memos].filter(([path]) => path.startsWith(from)).map(([path, memo]) => [`${to}${path.slice(from.length)}`, memo]));
}

/** The commit of the first of `refs` that names one in the repository at `cwd`; undefined if none does. */
export function firstCommit(refs: readonly string[], cwd: string): string | undefined {
  const root = repoRoot(cwd);
  for (const ref of refs) {
    try {
      return resolveCommit(ref, root);
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Whether `config` (relative to this process's working folder) lies inside the git work tree at `cwd` (false when `cwd` is in none). */
export function fleetInRepository(config: string, cwd: string): boolean {
  try {
    return !relative(repoRoot(cwd), resolve(config)).startsWith('..');
  } catch {
    return false;
  }
}
