/**
 * The one order for names and paths in output: by UTF-16 code units, as `Array.prototype.sort`
 * orders strings. Unlike `localeCompare` it is the same in every locale and starts no ICU
 * collator (≈ 15 ms of a cold start).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
