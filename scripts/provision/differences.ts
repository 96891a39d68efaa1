/** A field whose live value is not what config asks for; provisioning reports these, never fixes them. */

/** One differing field: its path and both values, already rendered for humans. */
export interface Difference {
  /** Field path in the API's own terms, e.g. `nodePools[default].autoscaling.maxNodeCount`. */
  readonly field: string;
  readonly want: string;
  readonly have: string;
}

/** `releaseChannel.channel (want STABLE, have REGULAR)` */
export function formatDifference(d: Difference): string {
  return `${d.field} (want ${d.want}, have ${d.have})`;
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
export function compareField(out: Difference[], field: string, want: unknown, have: unknown): void {
  if (!sameValue(want, have)) out.push({ field, want: show(want), have: show(have) });
}
