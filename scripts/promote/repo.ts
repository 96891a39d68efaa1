/**
 * The fleet repository as promote sees it: the branches of the remote (where each wave is), the
 * rollout history, and one atomic push that moves wave branches and records the moves. Every
 * branch move is guarded by `--force-with-lease` with the commit read before: a concurrent
 * promote or push makes the push fail instead of overwriting it.
 */
import { formatMove, HISTORY_BRANCH, parseMove, type Move } from './history.ts';
import type { Shell } from './shell.ts';

export class FleetRepo {
  private heads?: Map<string, string>;
  private moves?: Move[];

  constructor(private readonly sh: Shell, readonly remote: string) {}

  /** Commit of `branch` on the remote, undefined when it does not exist. */
  head(branch: string): string | undefined {
    return this.branches().get(branch);
  }

  /** Every branch of the remote, by name, with its commit. */
  branches(): ReadonlyMap<string, string> {
    if (!this.heads) {
      const out = this.sh.read(['git', 'ls-remote', '--heads', this.remote]) ?? '';
      this.heads = new Map(out.split('\n').filter(Boolean).map((line) => {
        const [sha, ref] = line.split('\t');
        return [ref!.replace(/^refs\/heads\//, ''), sha!] as const;
      }));
    }
    return this.heads;
  }

  /** Brings the commits of `branches` (those that exist) into the local repository, without touching local branches. */
  fetch(branches: readonly string[]): void {
    const existing = [...new Set(branches)].filter((b) => this.head(b) !== undefined);
    if (existing.length === 0) return;
    this.sh.read(['git', 'fetch', '--quiet', '--no-tags', this.remote, ...existing.map((b) => `refs/heads/${b}`)]);
  }

  /** Every recorded move, newest first (empty before the first promotion); read once, then kept up to date by `push`. */
  history(): readonly Move[] {
    if (!this.moves) {
      const head = this.head(HISTORY_BRANCH);
      if (head === undefined) return (this.moves = []);
      this.fetch([HISTORY_BRANCH]);
      const log = this.sh.read(['git', 'log', '-z', '--format=%B', head]) ?? '';
      this.moves = log.split('\0').map(parseMove).filter((m): m is Move => m !== undefined);
    }
    return this.moves;
  }

  /**
   * Moves the wave branches of `moves` and appends one history commit per move, in one atomic
   * push: either every branch moves and the history says so, or nothing changes.
   */
  push(moves: readonly Move[]): void {
    if (moves.length === 0) return;
    const recorded = this.history();
    const previous = this.head(HISTORY_BRANCH);
    const tree = this.sh.change(['git', 'mktree'], '<empty tree>').trim();
    let record = previous;
    moves.forEach((move, i) => {
      const parent = record ? ['-p', record] : [];
      record = this.sh.change(['git', 'commit-tree', tree, ...parent, '-F', '-'], `<history commit ${i + 1}>`, { input: formatMove(move) }).trim();
    });
    const leases = [
      ...moves.map((m) => `--force-with-lease=refs/heads/${m.ref}:${m.from ?? ''}`),
      `--force-with-lease=refs/heads/${HISTORY_BRANCH}:${previous ?? ''}`,
    ];
    const refspecs = [...moves.map((m) => `+${m.to}:refs/heads/${m.ref}`), `${record}:refs/heads/${HISTORY_BRANCH}`];
    this.sh.change(['git', 'push', '--atomic', '--quiet', ...leases, this.remote, ...refspecs], '');
    // What the remote holds now (in a dry run: would hold), for the next move of the same run.
    this.moves = [...[...moves].reverse(), ...recorded];
    for (const m of moves) this.heads!.set(m.ref, m.to);
    this.heads!.set(HISTORY_BRANCH, record!);
  }
}
