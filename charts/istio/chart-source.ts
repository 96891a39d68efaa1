import { Construct } from 'constructs';
import type { HelmReleaseSpec } from '../../imports/helm.toolkit.fluxcd.io.ts';
import { HelmRepository, OciRepository } from '../../imports/source.toolkit.fluxcd.io.ts';
import { ISTIO_NAMESPACE } from './names.ts';

/** The Istio charts meshfleet installs. Upstream names; `istiod` lives at charts/istio-control/istio-discovery. */
export type IstioChart = 'base' | 'istiod' | 'gateway';

/** Media type of a Helm chart layer in an OCI artifact. */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface IstioChartSourceProps {
  /** `oci://REGISTRY/PATH` (one OCIRepository per chart) or `https://…` (one HelmRepository). */
  readonly charts: string;
  /** Istio release; pins every chart. */
  readonly version: string;
  /** Charts this cluster installs. */
  readonly use: readonly IstioChart[];
  /** Namespace of the source objects. @default 'istio-system' */
  readonly namespace?: string;
}

/**
 * Flux sources for the Istio charts. With an OCI location each chart is its own OCIRepository
 * pinned by tag (Flux's recommended way for OCI charts); with an HTTPS Helm repository there is
 * one HelmRepository and each HelmRelease names chart and version.
 */
export class IstioChartSource extends Construct {
  readonly namespace: string;
  private readonly oci: boolean;

  constructor(scope: Construct, id: string, private readonly props: IstioChartSourceProps) {
    super(scope, id);
    this.namespace = props.namespace ?? ISTIO_NAMESPACE;
    this.oci = props.charts.startsWith('oci://');
    if (this.oci) {
      for (const chart of props.use) {
        new OciRepository(this, chart, {
          metadata: { name: sourceName(chart), namespace: this.namespace },
          spec: {
            interval: '1h',
            url: `${props.charts}/${chart}`,
            ref: { tag: props.version },
            layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
          },
        });
      }
    } else {
      new HelmRepository(this, 'repository', {
        metadata: { name: 'istio', namespace: this.namespace },
        spec: { interval: '1h', url: props.charts },
      });
    }
  }

  /** The HelmRelease spec fields that point at `chart`. */
  chartFields(chart: IstioChart): Pick<HelmReleaseSpec, 'chart' | 'chartRef'> {
    if (this.oci) return { chartRef: { kind: 'OCIRepository', name: sourceName(chart), namespace: this.namespace } };
    return {
      chart: {
        spec: {
          chart,
          version: this.props.version,
          interval: '1h',
          sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: this.namespace },
        },
      },
    };
  }
}

const sourceName = (chart: IstioChart): string => `istio-${chart}`;
