/**
 * Replaces a generated directory with a new set of files, all or nothing:
 * the new tree is assembled in a sibling staging directory (unchanged files are hard-linked, so
 * their bytes, inode and mtime stay as they were), then swapped in with two renames. If nothing
 * changed, the directory is not touched at all. Files not in the new set are gone after the swap.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface WriteSummary {
  /** Files written: new ones and changed ones. */
  readonly written: readonly string[];
  /** The subset of `written` that did not exist before. */
  readonly added: readonly string[];
  readonly unchanged: number;
  readonly removed: readonly string[];
}

/** Top-level entries meshfleet writes into a dist directory; anything else there is not ours. */
export const OWNED_TOP_LEVEL = ['clusters', 'FLEET.md'];

export class WriteTreeError extends Error {}

export function writeTree(outDir: string, files: ReadonlyMap<string, string>): WriteSummary {
  const out = resolve(outDir);
  const existing = existsSync(out) ? listFiles(out) : new Map<string, string>();
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new WriteTreeError(`${outDir} exists and is not a directory`);
    const owned = new Set([...OWNED_TOP_LEVEL, ...[...files.keys()].map((p) => p.split('/')[0]!)]);
    const foreign = readdirSync(out).filter((name) => !owned.has(name));
    if (foreign.length > 0) {
      throw new WriteTreeError(`refusing to replace ${outDir}: it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}, which meshfleet did not write (choose an empty or generated --out directory)`);
    }
  }

  const written: string[] = [];
  let unchanged = 0;
  for (const [path, content] of files) {
    if (existing.get(path) === undefined || readFileSync(existing.get(path)!, 'utf8') !== content) written.push(path);
    else unchanged++;
  }
  const removed = [...existing.keys()].filter((p) => !files.has(p)).sort();
  const added = written.filter((p) => !existing.has(p));
  if (written.length === 0 && removed.length === 0 && existsSync(out)) return { written, added, unchanged, removed };

  const staging = join(dirname(out), `.${basename(out)}.staging-${process.pid}`);
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const rewritten = new Set(written);
    // Each folder once: a recursive mkdir per file cost a fifth of the write time at 100 clusters.
    const folders = new Set<string>();
    for (const [path, content] of files) {
      const target = join(staging, path);
      const folder = dirname(target);
      if (!folders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      if (rewritten.has(path)) writeFileSync(target, content);
      else linkOrCopy(existing.get(path)!, target);
    }
    if (existsSync(out)) {
      renameSync(out, old);
      renameSync(staging, out);
      rmSync(old, { recursive: true, force: true });
    } else {
      mkdirSync(dirname(out), { recursive: true });
      renameSync(staging, out);
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(out) && existsSync(old)) renameSync(old, out);
    throw err;
  }
  return { written, added, unchanged, removed };
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Relative path → absolute path of every regular file below `root`. */
export function listFiles(root: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else if (entry.isFile()) result.set(rel, join(dir, entry.name));
    }
  };
  walk(root, '');
  return result;
}
