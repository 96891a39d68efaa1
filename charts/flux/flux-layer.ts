import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { Kustomization } from '../../imports/kustomize.toolkit.fluxcd.io.ts';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME } from './flux-sync.ts';

export interface FluxLayerProps extends ChartProps {
  /** Layer name; also the Flux Kustomization name. */
  readonly layer: string;
  /** Repository path of the layer folder, e.g. `dist/clusters/frankfurt/istiod`. */
  readonly path: string;
  /** Layers that must be Ready first. @default [] */
  readonly dependsOn?: readonly string[];
  /** Reconcile interval. @default '10m' */
  readonly interval?: string;
  /** Apply and health-check timeout. @default '5m' */
  readonly timeout?: string;
  /**
   * Wait for every applied object to be healthy before the layer counts as Ready, so layers that
   * depend on it start only then (CRDs before CRs, istiod before injected pods).
   * @default true
   */
  readonly wait?: boolean;
}

/** One Flux Kustomization that applies one layer folder of a cluster, after its dependencies. */
export class FluxLayer extends Chart {
  constructor(scope: Construct, id: string, props: FluxLayerProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    new Kustomization(this, 'layer', {
      metadata: { name: props.layer, namespace: FLUX_NAMESPACE },
      spec: {
        dependsOn: props.dependsOn?.length ? props.dependsOn.map((name) => ({ name })) : undefined,
        interval: props.interval ?? '10m',
        retryInterval: '1m',
        timeout: props.timeout ?? '5m',
        path: `./${props.path}`,
        prune: true,
        wait: props.wait ?? true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE_NAME },
      },
    });
  }
}
