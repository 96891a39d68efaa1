/**
 * A HelmRelease's `spec.postRenderers`, applied to what its chart rendered the way helm-controller
 * does it: each kustomize post-renderer is one `kustomize build` of a folder holding the rendered
 * manifest and a kustomization with the renderer's patches and images, one after the other
 * (helm-controller internal/postrender). Run with the real kustomize, kubectl's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One entry of a HelmRelease's `spec.postRenderers` (helm.toolkit.fluxcd.io/v2). */
export interface PostRenderer {
  readonly kustomize?: {
    readonly patches?: readonly { patch: string; target?: Record<string, unknown> }[];
    readonly images?: readonly Record<string, unknown>[];
    readonly [other: string]: unknown;
  };
}

/** The file the rendered manifest is written to, as helm-controller names it. */
export const RENDERED_INPUT = 'helm-output.yaml';

/**
 * The kustomization.yaml helm-controller builds for one post-renderer. Throws on a field it
 * does not carry over, so a post-renderer this verification cannot reproduce is never skipped.
 */
export function kustomizationOf(renderer: PostRenderer): Record<string, unknown> {
  const { patches, images, ...other } = renderer.kustomize ?? {};
  const unsupported = Object.keys(other);
  if (unsupported.length > 0) throw new Error(`post-renderer field ${unsupported.join(', ')} is not reproduced by verify:charts`);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [RENDERED_INPUT],
    ...(patches?.length ? { patches: patches.map((p) => ({ patch: p.patch, ...(p.target ? { target: p.target } : {}) })) } : {}),
    ...(images?.length ? { images } : {}),
  };
}

/**
 * `manifest` after every post-renderer, built by `kubectl kustomize` in folders under `dir`.
 * Throws with kubectl's message when a build fails (helm-controller would fail the release).
 */
export function postRender(kubectl: string, manifest: string, renderers: readonly PostRenderer[], dir: string): string {
  let text = manifest;
  renderers.forEach((renderer, i) => {
    if (!renderer.kustomize) return;
    const step = join(dir, String(i));
    mkdirSync(step, { recursive: true });
    writeFileSync(join(step, RENDERED_INPUT), text);
    // JSON is YAML: the kustomization needs no YAML writer of its own.
    writeFileSync(join(step, 'kustomization.yaml'), JSON.stringify(kustomizationOf(renderer), null, 2));
    const run = spawnSync(kubectl, ['kustomize', step], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`kubectl kustomize failed: ${(run.stderr || run.error?.message || '').trim()}`);
    text = run.stdout;
  });
  return text;
}
