/** What a fleet check reports, and how `npm run check` prints it. */

export type Severity = 'error' | 'warning';

export interface Finding {
  readonly severity: Severity;
  /** Id of the check that found it (`overlapping-ranges`, …). */
  readonly check: string;
  /** The file (`config/fleet.yaml clusters[1].ranges.pods`) or object (`frankfurt/DestinationRule/bookinfo/reviews`). */
  readonly where: string;
  readonly message: string;
  /** What to change so the finding goes away. */
  readonly fix: string;
}

/**
 * Id of the check of an Istio upgrade step (istio-steps.ts): not one of CHECKS, as it needs the
 * config of another revision (`check --base`). Here so that `check --help` lists it without
 * loading the config loader.
 */
export const ISTIO_STEPS = 'istio-steps';

/** `error <where>: <message> (fix: <fix>)` */
export const formatFinding = (f: Finding): string => `${f.severity} ${f.where}: ${f.message} (fix: ${f.fix})`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2 errors, 1 warning`; `otherWarnings` counts warnings found elsewhere (the config loader's). */
export function countFindings(findings: readonly Finding[], otherWarnings = 0): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `${plural(errors, 'error')}, ${plural(findings.length - errors + otherWarnings, 'warning')}`;
}

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error');
