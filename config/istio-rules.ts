/**
 * Rules of `mesh.istio` (revisions and revision tags) within one fleet file: each reference
 * resolves, and the revisions that run side by side are close enough in version for Istio to
 * support it. Rules about the step from one config to the next (adding a revision and moving a
 * tag to it in one commit, …) need the config before the change: see istio-steps.ts.
 */
import type { Reporter } from './load.ts';
import { compareVersions, resolveIstio, versionParts } from './model.ts';
import type { PartialFleet } from './rules.ts';
import { checkUnique } from './rules.ts';

/**
 * Istio supports a canary upgrade across one minor release at a time (istio.io, Canary upgrades):
 * the data plane of the older revision must work with the newer control plane and back.
 */
export const MAX_MINOR_SKEW = 1;

export function checkIstio(fleet: PartialFleet, at: Reporter): void {
  const istio = fleet.mesh?.istio;
  if (!istio) return;
  const path = ['mesh', 'istio'];
  if (istio.version !== undefined && istio.revisions !== undefined) {
    at([...path, 'version'], `both version and revisions (got version ${istio.version}, expected either version, the shorthand for one revision, or revisions: remove version)`);
  }
  if (istio.revisions !== undefined && istio.tags === undefined) {
    at([...path, 'revisions'], `revisions without tags (got ${istio.revisions.length} revision${istio.revisions.length > 1 ? 's' : ''} and no tags, expected tags: {${istio.defaultTag}: ${istio.revisions[0]!.name}}: namespaces and gateways follow a tag, never a revision)`, { key: true });
  }
  // Revisions and tags as the model resolves them (the `version` shorthand is one revision with the
  // default tag), so every reference is checked against exactly what renders.
  const resolved = resolveIstio(istio);
  const revisions = resolved.revisions;
  if (istio.revisions) checkUnique(revisions.map((r) => r.name), [...path, 'revisions'], 'revision name', (p, message) => at([...p, 'name'], message));
  const names = new Set(revisions.map((r) => r.name));
  for (const [tag, revision] of Object.entries(istio.tags ?? {})) {
    if (!names.has(revision)) at([...path, 'tags', tag], `unknown revision (got ${JSON.stringify(revision)}, expected one of ${[...names].join(', ')})`);
  }
  const tagNames = Object.keys(resolved.tags);
  const expected = `one of ${tagNames.join(', ')}`;
  const known = new Set(tagNames);
  if (!known.has(istio.defaultTag)) at([...path, 'defaultTag'], `unknown revision tag (got ${JSON.stringify(istio.defaultTag)}, expected ${expected})`);
  Object.entries(fleet.apps ?? {}).forEach(([app, ref]) => {
    if (ref.revisionTag !== undefined && !known.has(ref.revisionTag)) at(['apps', app, 'revisionTag'], `unknown revision tag (got ${JSON.stringify(ref.revisionTag)}, expected ${expected})`);
  });
  (fleet.clusters ?? []).forEach((c, i) => {
    const tag = c.gateways.revisionTag;
    if (tag !== undefined && !known.has(tag)) at(['clusters', i, 'gateways', 'revisionTag'], `unknown revision tag (got ${JSON.stringify(tag)}, expected ${expected})`);
  });
  checkVersionSkew(revisions, path, at);
}

/** Revisions that run side by side are of one major release and at most MAX_MINOR_SKEW minors apart. */
function checkVersionSkew(revisions: readonly { name: string; version: string }[], path: PropertyKey[], at: Reporter): void {
  if (revisions.length < 2) return;
  const oldest = revisions.reduce((a, b) => (compareVersions(b.version, a.version) < 0 ? b : a));
  revisions.forEach((r, i) => {
    const [major, minor] = versionParts(r.version);
    const [oldMajor, oldMinor] = versionParts(oldest.version);
    if (major !== oldMajor || minor - oldMinor > MAX_MINOR_SKEW) {
      at([...path, 'revisions', i, 'version'], `too far from revision ${oldest.name} (got ${r.version} beside ${oldest.version}, expected at most ${MAX_MINOR_SKEW} minor release apart, as Istio supports for a canary upgrade: upgrade through ${oldMajor}.${oldMinor + 1} first)`);
    }
  });
}
