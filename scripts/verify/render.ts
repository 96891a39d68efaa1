/**
 * A fleet as helm-controller would install it: dist/ written by the renderer, every HelmRelease
 * rendered with the real chart of its version by the shared render tool (helm), then passed
 * through its post-renderers with kubectl's kustomize.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderFleet } from '../../clusters/render.ts';
import type { Fleet } from '../../config/model.ts';
import type { RenderedCluster, RenderedRelease } from './checks.ts';
import { findObject, parseObjects, yamlFilesIn, type Obj } from './objects.ts';
import { postRender } from './post-render.ts';

export interface RenderOptions {
  /** The render tool (render-istio-charts.mjs). */
  readonly tool: string;
  /** kubectl, whose `kustomize` runs the post-renderers. */
  readonly kubectl: string;
  /** A folder of this fleet's own, for dist, the charts' output and the post-render builds. */
  readonly work: string;
}

export type FleetRender =
  | { readonly ok: true; readonly clusters: ReadonlyMap<string, { readonly rendered: RenderedCluster; readonly problems: readonly string[] }> }
  | { readonly ok: false; readonly output: string };

/** The chart a HelmRelease installs: the last segment of its OCIRepository's URL. */
function chartOf(release: Obj, dist: readonly Obj[]): string {
  const ref = release.spec.chartRef as { kind: string; name: string } | undefined;
  const url = ref && (findObject(dist, ref.kind, ref.name)?.spec.url as string | undefined);
  return url?.replace(/\/+$/, '').split('/').pop() ?? release.spec.chart?.spec?.chart ?? '?';
}

export function renderWithCharts(fleet: Fleet, options: RenderOptions): FleetRender {
  const dist = join(options.work, 'dist');
  for (const [path, content] of renderFleet(fleet).files) {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), content);
  }
  const out = join(options.work, 'charts');
  const run = spawnSync(process.execPath, [options.tool, dist, out], { encoding: 'utf8' });
  if (run.status !== 0) return { ok: false, output: `${run.stdout}${run.stderr}` };
  const clusters = new Map<string, { rendered: RenderedCluster; problems: string[] }>();
  for (const cluster of fleet.clusters) {
    const distObjects = yamlFilesIn(join(dist, 'clusters', cluster.name)).flatMap((f) => parseObjects(readFileSync(f, 'utf8')));
    const problems: string[] = [];
    const releases: RenderedRelease[] = distObjects.filter((o) => o.kind === 'HelmRelease').map((hr) => {
      // The tool's file naming: OUT/<cluster>/<target namespace>.<release name>.yaml
      const name = (hr.spec.releaseName as string | undefined) ?? hr.metadata.name;
      const namespace = (hr.spec.targetNamespace as string | undefined) ?? hr.metadata.namespace ?? 'default';
      const manifest = readFileSync(join(out, cluster.name, `${namespace}.${name}.yaml`), 'utf8');
      let text = manifest;
      if (hr.spec.postRenderers) {
        try {
          text = postRender(options.kubectl, manifest, hr.spec.postRenderers, join(options.work, 'post-render', cluster.name, name));
        } catch (err) {
          problems.push(`${name}: ${(err as Error).message}`);
        }
      }
      return { name, namespace, chart: chartOf(hr, distObjects), objects: parseObjects(text) };
    });
    clusters.set(cluster.name, { rendered: { releases, dist: distObjects }, problems });
  }
  return { ok: true, clusters };
}
