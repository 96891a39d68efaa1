/**
 * Whether the step from one fleet config to the next is a safe step of an Istio upgrade. An
 * upgrade is a sequence of commits (docs/istio-upgrade.md): add the canary revision → move a tag
 * to it → move the other tags → remove the old revision. Each is safe only when the one before it
 * has rolled out: a tag may point only at a revision that already ran before the change (its
 * istiod Ready, and exposed to the remotes), and a revision may go only once, before the change,
 * nothing pointed at it any more (so its pods were already restarted onto another revision).
 * `npm run check -- --base REF` and `npm run diff` report these; within one config, what must
 * hold is checked when it loads (config/istio-rules.ts).
 */
import { versionParts, type Fleet } from '../../config/model.ts';
import type { Finding } from './findings.ts';

export const ISTIO_STEPS = 'istio-steps';

/** Findings for the step `base` → `head`; none when the Istio part did not change. */
export function istioStepFindings(base: Fleet, head: Fleet): Finding[] {
  const findings: Finding[] = [];
  const before = new Map(base.mesh.istio.revisions.map((r) => [r.name, r]));
  const after = new Map(head.mesh.istio.revisions.map((r) => [r.name, r]));
  const where = (path: string) => `${head.file} mesh.istio.${path}`;
  const report = (severity: Finding['severity'], path: string, message: string, fix: string) =>
    findings.push({ severity, check: ISTIO_STEPS, where: where(path), message, fix });

  for (const [tag, revision] of Object.entries(head.mesh.istio.tags)) {
    if (before.has(revision) || !after.has(revision)) continue;
    const was = base.mesh.istio.tags[tag];
    report('error', `tags.${tag}`,
      `${was === undefined ? 'new tag' : `tag moves from ${was}`} to revision ${revision}, which this same change adds: the tag's namespaces and gateways would be sent to an istiod that is not running yet, and their pods could not start (the injection webhook fails closed)`,
      `add revision ${revision} in a commit of its own; point ${tag} at it in the next, once every primary runs istiod-${revision} Ready (npm run promote -- --status)`);
  }

  for (const [name, revision] of before) {
    const now = after.get(name);
    if (!now) {
      const users = Object.entries(base.mesh.istio.tags).filter(([, r]) => r === name).map(([t]) => t);
      if (users.length > 0) {
        report('error', 'revisions',
          `revision ${name} is removed in the same change that moves ${users.join(', ')} off it: until that move has rolled out, the pods of ${users.length > 1 ? 'those tags\'' : 'that tag\'s'} namespaces and gateways still run ${name}'s sidecar and would lose their control plane`,
          `keep revision ${name} in this change; remove it in a later commit, once the move has rolled out to every wave (npm run promote -- --status)`);
      }
      continue;
    }
    if (now.version === revision.version) continue;
    const [major, minor] = versionParts(revision.version);
    const [newMajor, newMinor] = versionParts(now.version);
    const path = `revisions[${head.mesh.istio.revisions.indexOf(now)}].version`;
    if (major !== newMajor || minor !== newMinor) {
      report('error', path,
        `revision ${name} changes from ${revision.version} to ${now.version} in place: every primary would replace its istiod at once, with no way back but another in-place change`,
        `keep ${name} at ${revision.version} and add a revision for ${now.version} beside it (docs/istio-upgrade.md)`);
    } else {
      report('warning', path,
        `revision ${name} changes from ${revision.version} to ${now.version} in place (a patch release, which Istio supports in place): each istiod restarts, and pods keep the old sidecar until they restart`,
        `none needed for a patch release; for a canary, add a revision for ${now.version} instead`);
    }
  }
  return findings;
}
