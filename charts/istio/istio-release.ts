import { Construct } from 'constructs';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io.ts';
import type { IstioChart, IstioChartSource } from './chart-source.ts';

export interface IstioReleaseProps {
  /** Helm release name; also the HelmRelease name. The gateway chart derives its labels from it. */
  readonly release: string;
  readonly namespace: string;
  readonly chart: IstioChart;
  /** Istio release of the chart. */
  readonly version: string;
  readonly source: IstioChartSource;
  /** Chart values; every key must exist in the pinned chart (see chart-keys.ts). */
  readonly values: Record<string, unknown>;
  /** How often helm-controller checks for drift and new chart versions. @default '30m' */
  readonly interval?: string;
  /**
   * The chart renders a validating webhook whose caBundle this cluster's istiod patches at run
   * time (`base`, `istiod` of a primary), so drift detection must leave that field alone.
   * @default false
   */
  readonly webhooks?: boolean;
  /**
   * Keep only the chart's objects that carry this label, dropping the rest after Helm renders
   * them (a Flux post-renderer): how one object family of a chart becomes its own release.
   * @default - every object the chart renders
   */
  readonly keepOnlyLabelled?: string;
}

/**
 * One Istio chart as a Flux HelmRelease. Drift detection is on, so a deleted or edited object is
 * restored, except what istiod itself owns at run time (istio/istio#44285, #57643): the 1.30.3
 * validating webhook templates render `caBundle: ""` and istiod patches in its CA, so that field is
 * ignored rather than fought over. The other flip-flop, failurePolicy Ignore → Fail, is avoided at
 * the source with an explicit `base.validationFailurePolicy` (values.ts); the injector webhook renders no
 * caBundle unless `istiodRemote.injectionCABundle` is set, so there is nothing to ignore there.
 */
export class IstioRelease extends Construct {
  readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: IstioReleaseProps) {
    super(scope, id);
    this.release = new HelmRelease(this, 'release', {
      metadata: { name: props.release, namespace: props.namespace },
      spec: {
        interval: props.interval ?? '30m',
        releaseName: props.release,
        ...props.source.chartFields(props.chart, props.version),
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        driftDetection: {
          mode: 'enabled',
          // Each validating webhook configuration of these charts holds a single webhook.
          ignore: props.webhooks ? [{ paths: ['/webhooks/0/clientConfig/caBundle'], target: { kind: 'ValidatingWebhookConfiguration' } }] : undefined,
        },
        values: props.values,
        postRenderers: props.keepOnlyLabelled ? [{ kustomize: { patches: [keepOnly(props.keepOnlyLabelled)] } }] : undefined,
      },
    });
  }
}

/**
 * A kustomize patch that deletes every object without `label`: a strategic-merge `$patch: delete`
 * applied to each object the label selector picks (kustomize gives the patch each target's kind
 * and name, and drops the objects it empties).
 */
function keepOnly(label: string): { patch: string; target: { labelSelector: string } } {
  return {
    patch: ['$patch: delete', 'apiVersion: v1', 'kind: Unused', 'metadata:', '  name: unused', ''].join('\n'),
    target: { labelSelector: `!${label}` },
  };
}
