/**
 * Stale dist: the committed dist must be exactly what synth renders from the config, or Flux
 * applies something other than what the config (and this review) says.
 */
import type { Finding } from './findings.ts';

/** At most this many files are named; the rest are counted. */
const LISTED = 10;

/** Compares dist as it is on disk with a fresh render; `label` is how dist is named (`dist`). */
export function checkDistFresh(onDisk: ReadonlyMap<string, string>, fresh: ReadonlyMap<string, string>, label: string, config: string): Finding[] {
  const stale: { path: string; why: string }[] = [];
  for (const [path, content] of fresh) {
    const current = onDisk.get(path);
    if (current === undefined) stale.push({ path, why: 'missing' });
    else if (current !== content) stale.push({ path, why: 'differs from' });
  }
  for (const path of onDisk.keys()) if (!fresh.has(path)) stale.push({ path, why: 'is not in' });
  stale.sort((a, b) => (a.path < b.path ? -1 : 1));
  const fix = `run npm run synth and commit ${label}/`;
  const findings: Finding[] = stale.slice(0, LISTED).map(({ path, why }) => ({
    severity: 'error',
    check: 'dist-fresh',
    where: `${label}/${path}`,
    message: why === 'missing' ? `missing: a fresh render of ${config} has it` : `stale: ${why} a fresh render of ${config}`,
    fix,
  }));
  if (stale.length > LISTED) {
    findings.push({ severity: 'error', check: 'dist-fresh', where: `${label}/`, message: `${stale.length - LISTED} more stale files`, fix });
  }
  return findings;
}
