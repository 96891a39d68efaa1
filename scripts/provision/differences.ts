/**
 * A field whose live value is not what config asks for, and what provisioning does about it: change
 * it in place, report it as drift (with the command that fixes it), or refuse because the field
 * cannot change under a running resource.
 */

/**
 * - `update`: provision changes it in place (the plan shows it, apply makes it);
 * - `drift`: reported with its fix, never changed by provision; does not decide the exit code;
 * - `security`: drift in a security setting (private nodes, Workload Identity, master authorized
 *   networks, release channel): reported with its fix; exit 1 unless `--accept-drift`;
 * - `immutable`: cannot change in place (a region, a range, a network): an error with the fix.
 */
export type DifferenceKind = 'update' | 'drift' | 'security' | 'immutable';

/** One differing field: its path and both values, already rendered for humans; `C` is how an `update` is made. */
export interface Difference<C = unknown> {
  /** Field path in the API's own terms, e.g. `nodePools[default].autoscaling.maxNodeCount`. */
  readonly field: string;
  readonly want: string;
  readonly have: string;
  /** @default 'drift' */
  readonly kind?: DifferenceKind;
  /** How to fix it by hand (a command or a sentence); for `update`, what provision sends. */
  readonly fix?: string;
  /** For `update`: the change provision makes (gcloud arguments, a GKE request). Equal changes run once. */
  readonly change?: C;
}

/** What a difference is and how to fix it, for `compareField`. */
export interface DifferenceInfo<C = unknown> {
  readonly kind?: DifferenceKind;
  readonly fix?: string;
  readonly change?: C;
}

/** The kind of `d`, with its default. */
export const kindOf = (d: Difference): DifferenceKind => d.kind ?? 'drift';

const KIND_TEXT: Record<DifferenceKind, string> = {
  update: 'update', drift: 'drift', security: 'security drift', immutable: 'cannot change in place',
};

/** `releaseChannel.channel: want STABLE, have REGULAR` (with its kind, when it is not plain drift). */
export function formatDifference(d: Difference): string {
  const kind = kindOf(d);
  return `${d.field} (want ${d.want}, have ${d.have})${kind === 'drift' ? '' : ` [${KIND_TEXT[kind]}]`}`;
}

/**
 * Renders a value the way the plan prints it. Proto3 has no "unset" for scalars: the API's empty
 * string, 0 and false, null and undefined all mean "not set", so they render alike.
 */
export function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'unset' : `[${value.map(show).join(', ')}]`;
  return String(value);
}

/** Equality under proto3 defaults: unset ≡ '' ≡ 0 ≡ false; lists compare as sets. */
export function sameValue(want: unknown, have: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === null || v === '' || v === 0 || v === false) return undefined;
    if (Array.isArray(v)) return v.length === 0 ? undefined : JSON.stringify(v.map(String).sort());
    // int64 fields arrive as strings from some decoders; compare numbers by value.
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return v;
  };
  return norm(want) === norm(have);
}

/** Collects a Difference when `want` and `have` differ. */
export function compareField<C>(out: Difference<C>[], field: string, want: unknown, have: unknown, info: DifferenceInfo<C> = {}): void {
  if (!sameValue(want, have)) out.push({ field, want: show(want), have: show(have), ...info });
}
