/**
 * The path a change takes through the rollout waves, for the PR diff: which wave each touched
 * cluster is in, that a merge reaches the first wave at once and the others through
 * `npm run promote`, and a warning when the change itself moves clusters between waves. Nothing
 * for a fleet without waves of its own, so its diff reads as before.
 */
import { hasRolloutWaves, rolloutPath, type Fleet } from '../../config/model.ts';

export function rolloutNote(base: Fleet | undefined, head: Fleet, changedClusters: readonly string[]): string[] {
  if (!hasRolloutWaves(head) && !(base && hasRolloutWaves(base))) return [];
  const lines: string[] = [];
  const path = rolloutPath(head, changedClusters);
  if (path.length > 0) {
    const [first] = head.waves;
    const steps = path.map((s) => `${s.wave.name} (${s.clusters.join(', ')})`);
    const firstTouched = path[0]!.wave.name === first!.name;
    lines.push(`Rollout: merged to \`${head.git.branch}\`, this change reaches wave ${firstTouched ? steps[0] : `${first!.name} (no cluster of it changes)`} at once, then ${(firstTouched ? steps.slice(1) : steps).join(', ') || 'no other wave'}${path.length > (firstTouched ? 1 : 0) ? ' through `npm run promote`, each wave after the one before has been Ready at it for its bake time' : ''}.`);
  }
  if (base) {
    const before = new Map(base.clusters.map((c) => [c.name, c.gitRef]));
    const moved = head.clusters.filter((c) => before.has(c.name) && before.get(c.name) !== c.gitRef).map((c) => `${c.name} (\`${before.get(c.name)}\` → \`${c.gitRef}\`)`);
    if (moved.length > 0) {
      lines.push(`Warning: this change moves clusters between waves: ${moved.join(', ')}. Roll it out to every wave at once: \`npm run promote -- --all --force --reason "waves: …"\` (docs/rollout.md, Day two).`);
    }
  }
  return lines;
}
