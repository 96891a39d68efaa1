import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { IstioChartSource, type IstioChartVersion } from './chart-source.ts';
import { IstioRelease } from './istio-release.ts';
import { ISTIO_NAMESPACE } from './names.ts';

export interface IstioBaseProps extends ChartProps {
  /** Chart location (`oci://…` or `https://…`). */
  readonly charts: string;
  /** Istio release of the `base` chart: the newest revision's, since CRDs only gain fields. */
  readonly version: string;
  /** Charts the cluster installs, at their versions; their sources are created here, ahead of every release. */
  readonly use: readonly IstioChartVersion[];
  /** Values of the `base` chart. */
  readonly values: Record<string, unknown>;
  /** Labels of the istio-system namespace (e.g. `topology.istio.io/network`). @default {} */
  readonly namespaceLabels?: Record<string, string>;
  /** Annotations of the istio-system namespace (e.g. `topology.istio.io/controlPlaneClusters`). @default {} */
  readonly namespaceAnnotations?: Record<string, string>;
  /**
   * This cluster's own istiod patches the validating webhook's caBundle, so helm-controller's
   * drift detection must leave it alone (a primary). @default true
   */
  readonly managedValidation?: boolean;
}

/**
 * The first layer: the istio-system namespace, the chart sources, and the `base` chart (Istio's
 * CRDs, rendered as templates so Helm upgrades them, and the reader service account).
 */
export class IstioBase extends Chart {
  readonly source: IstioChartSource;

  constructor(scope: Construct, id: string, props: IstioBaseProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    const labels = props.namespaceLabels ?? {};
    const annotations = props.namespaceAnnotations ?? {};
    new ApiObject(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ISTIO_NAMESPACE,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
    });
    this.source = new IstioChartSource(this, 'sources', { charts: props.charts, use: props.use });
    new IstioRelease(this, 'base', { release: 'istio-base', namespace: ISTIO_NAMESPACE, chart: 'base', version: props.version, source: this.source, values: props.values, webhooks: props.managedValidation ?? true });
  }
}
