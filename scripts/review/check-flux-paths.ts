/**
 * Flux paths that do not exist: every Flux Kustomization's `spec.path` must be a folder of the
 * rendered dist, inside the cluster's own entry folder (its GitRepository ignores every other
 * folder, so anything else is missing from the artifact Flux builds), and every `dependsOn` must
 * name a Kustomization of the same cluster (or Flux waits for it forever).
 */
import { CLUSTERS_DIR } from '../../clusters/paths.ts';
import { ofKind, type Check, type CheckInput } from './check-input.ts';
import type { Finding } from './findings.ts';
import { objectRef } from './objects.ts';

const isFluxKustomization = (apiVersion: string): boolean => apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

export function checkFluxPaths(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const report = (where: string, message: string, fix: string) => findings.push({ severity: 'error', check: fluxPaths.id, where, message, fix });
  const folders = new Set<string>();
  for (const file of input.files.keys()) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  const kustomizations = ofKind(input, 'Kustomization').filter((k) => isFluxKustomization(k.apiVersion));
  const prefix = `${input.distInRepo.replace(/^\.\//, '').replace(/\/+$/, '')}/`;
  for (const k of kustomizations) {
    const spec = (k.body.spec ?? {}) as { path?: string; dependsOn?: { name?: string; namespace?: string }[] };
    const path = (spec.path ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
    const own = `${CLUSTERS_DIR}/${k.cluster}`;
    const fix = `point spec.path at ./${prefix}${own} or one of its layer folders; npm run synth builds them from clusters/paths.ts`;
    if (!path.startsWith(prefix)) {
      report(objectRef(k), `spec.path ${JSON.stringify(spec.path ?? '')} is not inside ./${prefix}, where meshfleet renders this cluster`, fix);
      continue;
    }
    const rel = path.slice(prefix.length);
    if (!folders.has(rel)) report(objectRef(k), `spec.path ${spec.path} does not exist in the rendered dist, so Flux fails to build it`, fix);
    else if (rel !== own && !rel.startsWith(`${own}/`)) report(objectRef(k), `spec.path ${spec.path} is outside ${k.cluster}'s folder; its GitRepository keeps only ./${prefix}${own} in the artifact`, fix);
    for (const dep of spec.dependsOn ?? []) {
      const namespace = dep.namespace ?? k.namespace;
      if (kustomizations.some((o) => o.cluster === k.cluster && o.name === dep.name && o.namespace === namespace)) continue;
      report(objectRef(k), `dependsOn ${namespace}/${dep.name}, which is not a Kustomization of ${k.cluster}, so Flux never applies this layer`, `depend on one of ${k.cluster}'s layer Kustomizations; npm run synth orders them by clusters/layers.ts`);
    }
  }
  return findings;
}

export const fluxPaths: Check = { id: 'flux-paths', title: 'Flux Kustomization paths and dependencies exist', run: checkFluxPaths };
