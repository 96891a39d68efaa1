/**
 * The `npm run promote` command (its options and usage are in usage.ts): the three things it does — show where each
 * wave is (`--status`), move a revision one wave on when the wave before has run it healthy for
 * its bake time (`promote`, `--to`), move a wave back (`--rollback`) — plus the deliberate escape
 * hatch, a forced hotfix of every wave (`--all --force --reason`). See docs/rollout.md.
 */
import { DEFAULT_FLEET_FILE } from '../../config/default-fleet.ts';
import { loadFleet } from '../../config/load.ts';
import { durationMs } from '../../config/duration.ts';
import type { Fleet, Wave } from '../../config/model.ts';
import { WAVE_BRANCH_PREFIX } from '../../config/schema.ts';
import { kubeTarget, kubectl } from '../bootstrap/kube.ts';
import type { Writer } from '../bootstrap/redact.ts';
import { resolveStateDir } from '../bootstrap/state-dir.ts';
import { parseCli } from '../lib/cli.ts';
import { FLUX_OBJECTS_QUERY, parseFluxObjects } from './flux-state.ts';
import { evaluateGate, formatAge, type ClusterState } from './gates.ts';
import { HISTORY_BRANCH, lastMoveOf, type Move } from './history.ts';
import { FleetRepo } from './repo.ts';
import type { Finding } from '../review/findings.ts';
import { fleetInRepository } from '../review/git-ref.ts';
import { waveConfigs, waveSkewFindings, wavesSplitControlPlanes } from '../review/istio-steps.ts';
import { PromoteError, Shell } from './shell.ts';
import { OPTIONS, USAGE } from './usage.ts';

export interface PromoteIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: Writer;
  readonly err: Writer;
  /** The clone of the fleet repository git runs in. @default process.cwd() */
  readonly cwd?: string;
  /** The clock of the bake time. @default - now */
  readonly now?: Date;
}

class UsageError extends Error {}

const short = (sha: string): string => sha.slice(0, 12);

/** Runs the command; returns the exit code (see USAGE). An invalid config throws `ConfigError`. */
export async function promoteMain(argv: string[], io: PromoteIo): Promise<number> {
  const args = parseCli(argv, OPTIONS, USAGE);
  const fleet = loadFleet(args.config ?? DEFAULT_FLEET_FILE);
  try {
    const mode = chooseMode(fleet, args);
    const dryRun = args['dry-run'] ?? false;
    const sh = new Shell({ env: io.env, cwd: io.cwd ?? process.cwd(), dryRun, out: io.out });
    const ctx: Context = {
      fleet, io, sh, dryRun,
      repo: new FleetRepo(sh, args.remote ?? 'origin'),
      stateDir: resolveStateDir(args['state-dir'], io.env, fleet.project, fleet.mesh.id),
      now: io.now ?? new Date(),
      force: args.force ?? false,
      reason: args.reason,
    };
    switch (mode.kind) {
      case 'status': return status(ctx);
      case 'rollback': return rollback(ctx, mode.wave);
      case 'all': return hotfixAll(ctx);
      case 'promote': return promote(ctx, mode.wave);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`error: ${err.message}\nRun with --help for details.\n`);
      return 2;
    }
    if (err instanceof PromoteError) {
      io.err.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

type Mode = { kind: 'status' } | { kind: 'rollback'; wave: number } | { kind: 'all' } | { kind: 'promote'; wave?: number };

/** The one thing asked for, with its wave, or a usage error for a combination that makes no sense. */
function chooseMode(fleet: Fleet, args: ReturnType<typeof parseCli<typeof OPTIONS>>): Mode {
  const modes = [args.status && '--status', args.rollback !== undefined && '--rollback', args.all && '--all', args.to !== undefined && '--to'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} do not go together (expected at most one of --status, --to, --rollback, --all)`);
  if (args.force && !args.reason?.trim()) throw new UsageError('--force needs --reason TEXT (it goes into the history commit of the move)');
  if (args.all && !args.force) throw new UsageError('--all moves every wave at once, past every gate: it needs --force --reason TEXT');
  if (args.force && (args.status || args.rollback !== undefined)) throw new UsageError('--force goes with --to or --all only');
  const waveIndex = (name: string, flag: string) => {
    const i = fleet.waves.findIndex((w) => w.name === name);
    if (i < 0) throw new UsageError(`${flag}: unknown wave (got ${JSON.stringify(name)}, expected one of ${fleet.waves.map((w) => w.name).join(', ')})`);
    if (i === 0) throw new UsageError(`${flag}: ${name} is the first wave: it follows ${fleet.git.branch} (git.branch), so a merge reaches it, and a revert on ${fleet.git.branch} takes it back`);
    return i;
  };
  if (args.status) return { kind: 'status' };
  if (args.rollback !== undefined) return { kind: 'rollback', wave: waveIndex(args.rollback, '--rollback') };
  if (args.all) return { kind: 'all' };
  return { kind: 'promote', wave: args.to === undefined ? undefined : waveIndex(args.to, '--to') };
}

interface Context {
  readonly fleet: Fleet;
  readonly io: PromoteIo;
  readonly sh: Shell;
  readonly repo: FleetRepo;
  readonly stateDir: string;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly reason?: string;
}

/** Reads the Flux objects of every cluster of `wave` with its bootstrap kubeconfig. */
function readWave(ctx: Context, wave: Wave): ClusterState[] {
  return wave.clusters.map((name) => {
    const cluster = ctx.fleet.clusters.find((c) => c.name === name)!;
    const cmd = kubectl(kubeTarget(ctx.stateDir, ctx.fleet.project, cluster), FLUX_OBJECTS_QUERY);
    try {
      return { cluster: name, objects: parseFluxObjects(ctx.sh.read(cmd.argv) ?? '') };
    } catch (err) {
      return { cluster: name, error: (err as Error).message.split('\n').map((l) => l.trim()).join(' ') };
    }
  });
}

function status(ctx: Context): number {
  const { out } = ctx.io;
  for (const wave of ctx.fleet.waves) {
    const head = ctx.repo.head(wave.ref);
    out.write(`wave ${wave.name}: branch ${wave.ref} ${head ? `at ${short(head)}` : 'does not exist yet (the first promotion to this wave creates it)'}, bake time ${wave.bakeTime}\n`);
    if (head === undefined) {
      out.write(`  ${wave.clusters.join(', ')}: nothing to sync until the branch exists\n`);
      continue;
    }
    for (const state of readWave(ctx, wave)) {
      const gate = evaluateGate({ wave: wave.name, clusters: [state], revision: head, bakeTime: wave.bakeTime, bakeMs: 0, now: ctx.now });
      if (gate.readySince) {
        const applied = 'objects' in state ? state.objects.length : 0;
        out.write(`  ${state.cluster}: Ready at ${short(head)} since ${gate.readySince.toISOString()} (${formatAge(ctx.now.getTime() - gate.readySince.getTime())}), ${applied} Flux objects\n`);
      } else {
        for (const hold of gate.holds) out.write(`  ${hold}\n`);
      }
    }
  }
  // A wave renamed or removed leaves its branch behind; no cluster follows it once the change is everywhere.
  const used = new Set(ctx.fleet.waves.map((w) => w.ref));
  for (const branch of ctx.repo.branches().keys()) {
    if (branch.startsWith(WAVE_BRANCH_PREFIX) && !used.has(branch)) {
      out.write(`note: branch ${branch} is no wave's (left by an earlier wave list); once every wave follows the commit that changed the list, delete it: git push ${ctx.repo.remote} --delete ${branch}\n`);
    }
  }
  return 0;
}

/**
 * Without --to: every wave that is behind the wave before it and whose gate holds, the last wave
 * first, so a wave passes on the revision it has baked before it takes a newer one. Exit 0 when a
 * wave moved or none was behind, 1 when waves were behind and none could move.
 */
function promote(ctx: Context, index: number | undefined): number {
  const { fleet, repo, io } = ctx;
  const waves = fleet.waves;
  if (index !== undefined) return promoteWave(ctx, index) === 'refused' ? 1 : 0;
  const behind = waves.map((_, i) => i).filter((i) => i > 0 && repo.head(waves[i]!.ref) !== repo.head(waves[i - 1]!.ref)).reverse();
  if (behind.length === 0) {
    io.out.write(`every wave follows ${short(repo.head(waves[0]!.ref) ?? 'nothing')}: nothing to promote\n`);
    return 0;
  }
  const outcomes = behind.map((i) => promoteWave(ctx, i));
  return outcomes.includes('moved') ? 0 : 1;
}

/** Promotes wave `i` to the commit of wave `i - 1`, when its gate holds (or `--force`). */
function promoteWave(ctx: Context, i: number): 'moved' | 'current' | 'refused' {
  const { fleet, repo, io } = ctx;
  const target = fleet.waves[i]!;
  const source = fleet.waves[i - 1]!;
  const revision = repo.head(source.ref);
  if (revision === undefined) throw new PromoteError(`wave ${source.name} has no branch ${source.ref} yet: promote to ${source.name} first`);
  const current = repo.head(target.ref);
  if (current === revision) {
    io.out.write(`wave ${target.name} already follows ${short(revision)} (${source.ref}): nothing to do\n`);
    return 'current';
  }
  const last = lastMoveOf(repo.history(), target.name);
  if (!ctx.force && last?.kind === 'rollback' && last.from === revision) {
    io.err.write(`promote to ${target.name} refused: ${target.name} was rolled back from ${short(revision)}${last.reason ? ` (${last.reason})` : ''}; fix forward with a new commit on ${fleet.git.branch}, or pass --force --reason TEXT\n`);
    return 'refused';
  }
  if (!ctx.force) {
    const skew = istioSkew(ctx, target, revision);
    if (skew.length > 0) {
      io.err.write(`promote to ${target.name} refused: Istio revisions would not line up across the waves:\n${skew.map((f) => `  ${f.where}: ${f.message}\n`).join('')}  (fix: ${skew[0]!.fix})\n`);
      return 'refused';
    }
  }
  if (!ctx.force) {
    const gate = evaluateGate({ wave: source.name, clusters: readWave(ctx, source), revision, bakeTime: source.bakeTime, bakeMs: durationMs(source.bakeTime), now: ctx.now });
    if (gate.holds.length > 0) {
      io.err.write(`promote to ${target.name} refused: wave ${source.name} does not yet run ${short(revision)} healthy for its bake time ${source.bakeTime}:\n${gate.holds.map((h) => `  ${h}\n`).join('')}`);
      return 'refused';
    }
  }
  repo.fetch([source.ref]);
  move(ctx, [{ kind: ctx.force ? 'hotfix' : 'promote', wave: target.name, ref: target.ref, ...(current ? { from: current } : {}), to: revision, ...(ctx.reason ? { reason: ctx.reason } : {}) }]);
  return 'moved';
}

/**
 * What moving `target` to `revision` would do to the Istio revisions of remotes and primaries in
 * different waves (waveSkewFindings): each wave's config read from its commit. Nothing to check
 * when no remote is in another wave than its primary, or the fleet file is not in this repository.
 */
function istioSkew(ctx: Context, target: Wave, revision: string): Finding[] {
  const cwd = ctx.io.cwd ?? process.cwd();
  if (!wavesSplitControlPlanes(ctx.fleet) || !fleetInRepository(ctx.fleet.file, cwd)) return [];
  ctx.repo.fetch(ctx.fleet.waves.map((w) => w.ref));
  const configOf = waveConfigs(ctx.fleet, (w) => (w.name === target.name ? revision : ctx.repo.head(w.ref)), cwd, '');
  return waveSkewFindings(ctx.fleet, configOf, target.name);
}

function rollback(ctx: Context, index: number): number {
  const wave = ctx.fleet.waves[index]!;
  const current = ctx.repo.head(wave.ref);
  if (current === undefined) throw new PromoteError(`wave ${wave.name} has no branch ${wave.ref}: nothing to roll back`);
  const last = lastMoveOf(ctx.repo.history(), wave.name);
  if (!last) throw new PromoteError(`no recorded move of wave ${wave.name} on ${HISTORY_BRANCH}: no earlier revision to return to`);
  if (last.to !== current) throw new PromoteError(`${wave.ref} is at ${short(current)}, but its last recorded move went to ${short(last.to)}: the branch was moved outside promote; move it back by hand (git push --force-with-lease)`);
  if (last.kind === 'rollback') throw new PromoteError(`wave ${wave.name} was already rolled back (from ${short(last.from ?? '')} to ${short(last.to)}); fix forward on ${ctx.fleet.git.branch} and promote`);
  if (last.from === undefined) throw new PromoteError(`wave ${wave.name}'s branch was created by its first promotion (to ${short(last.to)}): there is no earlier revision to return to`);
  ctx.repo.fetch([ctx.fleet.git.branch, wave.ref]);
  move(ctx, [{ kind: 'rollback', wave: wave.name, ref: wave.ref, from: current, to: last.from, ...(ctx.reason ? { reason: ctx.reason } : {}) }]);
  return 0;
}

function hotfixAll(ctx: Context): number {
  const { fleet, repo } = ctx;
  const revision = repo.head(fleet.git.branch);
  if (revision === undefined) throw new PromoteError(`the remote has no branch ${fleet.git.branch} (git.branch)`);
  const moves: Move[] = fleet.waves.slice(1).filter((w) => repo.head(w.ref) !== revision).map((w) => {
    const from = repo.head(w.ref);
    return { kind: 'hotfix', wave: w.name, ref: w.ref, ...(from ? { from } : {}), to: revision, reason: ctx.reason! };
  });
  if (moves.length === 0) {
    ctx.io.out.write(`every wave follows ${short(revision)} (${fleet.git.branch}): nothing to do\n`);
    return 0;
  }
  repo.fetch([fleet.git.branch]);
  move(ctx, moves);
  return 0;
}

/** Pushes the moves (one atomic push) and says what moved, or in a dry run what would have. */
function move(ctx: Context, moves: readonly Move[]): void {
  ctx.repo.push(moves);
  for (const m of moves) {
    const line = `${m.kind} ${m.wave}: ${m.ref} ${m.from ? short(m.from) : '(new)'} -> ${short(m.to)}`;
    ctx.io.out.write(ctx.dryRun ? `dry run: would ${line}; nothing was changed\n` : `${line}\n`);
  }
}
