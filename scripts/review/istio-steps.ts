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
import { loadFleet } from '../../config/load.ts';
import { appRevision, gatewayRevision, gatewayTag, hasEastWestGateway, placedIn, versionParts, waveOf, type Fleet, type Wave } from '../../config/model.ts';
import { fleetAtCommit } from './git-ref.ts';
import { ISTIO_STEPS, type Finding } from './findings.ts';

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

/** A cluster and the fleet config it runs: its wave's commit, which may lag behind or lead others. */
export interface ClusterConfig {
  readonly fleet: Fleet;
  /** Where that config comes from, for messages: a branch and commit, or "this change". */
  readonly at: string;
}

/**
 * The revisions a cluster's pods are sent to, by the config it runs: the tag of every app placed
 * there and of its gateways (their pods are injected through its primary's istiod).
 */
function revisionsUsedBy(fleet: Fleet, cluster: string): Map<string, string> {
  const c = fleet.clusters.find((x) => x.name === cluster);
  const used = new Map<string, string>();
  if (!c) return used;
  for (const app of fleet.apps) {
    if (placedIn(app, cluster).length > 0) used.set(appRevision(fleet, app).name, `namespace ${app.namespace} (tag ${app.revisionTag})`);
  }
  if (c.ingress || hasEastWestGateway(fleet, c)) used.set(gatewayRevision(fleet, c).name, `its gateways (tag ${gatewayTag(fleet, c)})`);
  return used;
}

/**
 * Across rollout waves each cluster runs its own wave's commit, so a remote and its primary can
 * run different configs. A remote's pods get their sidecar from, and are then served by, its
 * primary's istiod of their revision: every revision the remote's config sends pods to must run
 * in the config its primary runs. `configOf` gives each cluster's config (undefined: unknown, not
 * checked); with `onlyWave`, only pairs with a cluster in that wave (what moving it changes).
 * Findings name both clusters and where each config comes from.
 */
export function waveSkewFindings(fleet: Fleet, configOf: (cluster: string) => ClusterConfig | undefined, onlyWave?: string): Finding[] {
  const findings: Finding[] = [];
  const involved = (remote: Fleet['clusters'][number]) => onlyWave === undefined || remote.wave === onlyWave || waveOf(fleet, remote.controlPlane).name === onlyWave;
  for (const remote of fleet.clusters.filter((c) => c.role === 'remote' && involved(c))) {
    const mine = configOf(remote.name);
    const theirs = configOf(remote.controlPlane);
    if (!mine || !theirs) continue;
    const running = new Set(theirs.fleet.mesh.istio.revisions.map((r) => r.name));
    for (const [revision, user] of revisionsUsedBy(mine.fleet, remote.name)) {
      if (running.has(revision)) continue;
      findings.push({
        severity: 'error',
        check: ISTIO_STEPS,
        where: `${remote.name} (wave ${remote.wave})`,
        message: `${user} would get the sidecar of revision ${revision} (${mine.at}), but its primary ${remote.controlPlane} (wave ${waveOf(fleet, remote.controlPlane).name}) runs no istiod-${revision} (${theirs.at}): its pods could not start (the injection webhook fails closed)`,
        fix: `let every wave run the step that adds revision ${revision} before a tag moves to it, and keep a revision until every wave runs the step that moves its tags off it (docs/istio-upgrade.md, With rollout waves)`,
      });
    }
  }
  return findings;
}

/**
 * Each cluster's config when `moving` waves follow the commits `commitOf` gives (`head` is the
 * config of those marked `'head'`): loaded once per commit from the repository at `cwd`. A wave
 * whose commit is unknown, or whose commit does not hold the fleet file, is left unchecked.
 */
export function waveConfigs(head: Fleet, commitOf: (wave: Wave) => string | 'head' | undefined, cwd: string, headLabel: string): (cluster: string) => ClusterConfig | undefined {
  const loaded = new Map<string, Fleet | undefined>();
  return (cluster) => {
    const wave = waveOf(head, cluster);
    const commit = commitOf(wave);
    if (commit === 'head') return { fleet: head, at: headLabel };
    if (commit === undefined) return undefined;
    if (!loaded.has(commit)) loaded.set(commit, fleetAtCommit(head.file, commit, cwd, (file) => loadFleet(file)));
    const fleet = loaded.get(commit);
    return fleet && { fleet, at: `${wave.ref} at ${commit.slice(0, 12)}` };
  };
}

/** Whether any remote is in another wave than its primary: only then can their configs differ. */
export const wavesSplitControlPlanes = (fleet: Fleet): boolean =>
  fleet.clusters.some((c) => c.role === 'remote' && c.wave !== waveOf(fleet, c.controlPlane).name);
