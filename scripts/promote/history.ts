/**
 * The rollout history: every move of a wave's branch is one empty commit on the branch
 * `meshfleet-history`, pushed in the same atomic push as the move. Its message says which wave
 * moved, from which commit to which, why (the reason of a forced hotfix), and whether it was a
 * rollback; `--rollback` reads it to find the revision a wave ran before.
 */

/** The branch that records every move of a wave's branch. */
export const HISTORY_BRANCH = 'meshfleet-history';

export type MoveKind = 'promote' | 'rollback' | 'hotfix';

export interface Move {
  readonly kind: MoveKind;
  readonly wave: string;
  /** The wave's branch. */
  readonly ref: string;
  /** The commit the branch pointed at before, undefined when the move created it. */
  readonly from?: string;
  readonly to: string;
  /** Why: required for a forced move. */
  readonly reason?: string;
}

/** The commit message of one move: a subject line, then `Key: value` trailers. */
export function formatMove(move: Move): string {
  const subject = `${move.kind} ${move.wave}: ${move.from ? move.from.slice(0, 12) : '(new branch)'} -> ${move.to.slice(0, 12)}`;
  const trailers = [
    `Kind: ${move.kind}`,
    `Wave: ${move.wave}`,
    `Ref: ${move.ref}`,
    `From: ${move.from ?? 'none'}`,
    `To: ${move.to}`,
    ...(move.reason ? [`Reason: ${move.reason.replace(/\s*\n\s*/g, ' ')}`] : []),
  ];
  return `${subject}\n\n${move.reason ? `${move.reason}\n\n` : ''}${trailers.join('\n')}\n`;
}

/** Parses a history commit message; undefined for a message that is not a move. */
export function parseMove(message: string): Move | undefined {
  const trailer = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(message)?.[1]?.trim();
  const kind = trailer('Kind');
  const wave = trailer('Wave');
  const ref = trailer('Ref');
  const to = trailer('To');
  const from = trailer('From');
  if ((kind !== 'promote' && kind !== 'rollback' && kind !== 'hotfix') || !wave || !ref || !to) return undefined;
  const reason = trailer('Reason');
  return { kind, wave, ref, to, ...(from && from !== 'none' ? { from } : {}), ...(reason ? { reason } : {}) };
}

/** The latest move of `wave` in `moves` (newest first), if any. */
export const lastMoveOf = (moves: readonly Move[], wave: string): Move | undefined => moves.find((m) => m.wave === wave);
