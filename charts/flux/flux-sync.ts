import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { Kustomization } from '../../imports/kustomize.toolkit.fluxcd.io.ts';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io.ts';

/** Namespace and object names Flux's bootstrap uses; `flux` CLI commands assume them. */
export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_SOURCE_NAME = 'flux-system';

export interface FluxSyncProps extends ChartProps {
  /** Git URL Flux clones (ssh://, https://). */
  readonly url: string;
  /** Branch Flux follows: the branch of the cluster's rollout wave (`Cluster.gitRef`), so a merge reaches a wave only when `promote` moves its branch. */
  readonly branch: string;
  /** Poll interval of the GitRepository. @default '1m' */
  readonly interval?: string;
  /** Secret holding git credentials, created by bootstrap. @default 'flux-system' */
  readonly secretName?: string;
  /** Repository path this cluster's entry folder lives at, e.g. `dist/clusters/frankfurt`. */
  readonly path: string;
}

/**
 * The cluster's entry into GitOps (what `flux bootstrap` calls gotk-sync): the GitRepository of the
 * fleet repo and the root Kustomization that applies the cluster's entry folder. The source is
 * narrowed with `spec.ignore` to that one folder, so a change to another cluster is no new
 * revision here.
 */
export class FluxSync extends Chart {
  constructor(scope: Construct, id: string, props: FluxSyncProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    const path = props.path.replace(/^\.?\/+|\/+$/g, '');
    new GitRepository(this, 'source', {
      metadata: { name: FLUX_SOURCE_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        interval: props.interval ?? '1m',
        url: props.url,
        ref: { branch: props.branch },
        secretRef: { name: props.secretName ?? 'flux-system' },
        ignore: sourceIgnore(path),
      },
    });
    new Kustomization(this, 'sync', {
      metadata: { name: FLUX_SOURCE_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        interval: '10m',
        path: `./${path}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE_NAME },
      },
    });
  }
}

/**
 * gitignore rules that keep only `path` in the artifact. Git's rule: a path under an excluded
 * directory cannot be re-included, so each parent is re-included and its other children excluded.
 */
export function sourceIgnore(path: string): string {
  const parts = path.split('/');
  const lines = ['# Keep only this cluster\'s folder in the artifact.', '/*'];
  parts.forEach((_, i) => {
    const prefix = parts.slice(0, i + 1).join('/');
    lines.push(`!/${prefix}/`);
    if (i < parts.length - 1) lines.push(`/${prefix}/*`);
  });
  return `${lines.join('\n')}\n`;
}
