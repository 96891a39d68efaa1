import { Construct } from 'constructs';
import type { HelmReleaseSpec } from '../../imports/helm.toolkit.fluxcd.io.ts';
import { HelmRepository, OciRepository } from '../../imports/source.toolkit.fluxcd.io.ts';
import { ISTIO_NAMESPACE } from './names.ts';
import { byCodeUnits } from '../../config/code-units.ts';

/** The Istio charts meshfleet installs. Upstream names; `istiod` lives at charts/istio-control/istio-discovery. */
export type IstioChart = 'base' | 'istiod' | 'gateway';

/** Media type of a Helm chart layer in an OCI artifact. */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** A chart at one Istio release. */
export interface IstioChartVersion {
  readonly chart: IstioChart;
  readonly version: string;
}

export interface IstioChartSourceProps {
  /** `oci://REGISTRY/PATH` (one OCIRepository per chart and version) or `https://…` (one HelmRepository). */
  readonly charts: string;
  /** Charts this cluster installs, each at the versions it installs (one per revision that uses it). */
  readonly use: readonly IstioChartVersion[];
  /** Namespace of the source objects. @default 'istio-system' */
  readonly namespace?: string;
}

/**
 * Flux sources for the Istio charts. With an OCI location each chart at each version is its own
 * OCIRepository pinned by tag (Flux's recommended way for OCI charts), named after both, so two
 * revisions of different releases side by side each have theirs; with an HTTPS Helm repository
 * there is one HelmRepository and each HelmRelease names chart and version.
 */
export class IstioChartSource extends Construct {
  readonly namespace: string;
  private readonly oci: boolean;

  constructor(scope: Construct, id: string, private readonly props: IstioChartSourceProps) {
    super(scope, id);
    this.namespace = props.namespace ?? ISTIO_NAMESPACE;
    this.oci = props.charts.startsWith('oci://');
    if (this.oci) {
      const unique = new Map(props.use.map((u) => [sourceName(u.chart, u.version), u]));
      for (const [name, { chart, version }] of [...unique].sort(([a], [b]) => byCodeUnits(a, b))) {
        new OciRepository(this, name, {
          metadata: { name, namespace: this.namespace },
          spec: {
            interval: '1h',
            url: `${props.charts}/${chart}`,
            ref: { tag: version },
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

  /** The HelmRelease spec fields that point at `chart` of Istio `version`. */
  chartFields(chart: IstioChart, version: string): Pick<HelmReleaseSpec, 'chart' | 'chartRef'> {
    if (!this.props.use.some((u) => u.chart === chart && u.version === version)) throw new Error(`no source for the ${chart} chart of Istio ${version}`);
    if (this.oci) return { chartRef: { kind: 'OCIRepository', name: sourceName(chart, version), namespace: this.namespace } };
    return {
      chart: {
        spec: {
          chart,
          version,
          interval: '1h',
          sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: this.namespace },
        },
      },
    };
  }
}

/** `istio-<chart>-<version with dashes>`, e.g. `istio-istiod-1-30-3`. */
const sourceName = (chart: IstioChart, version: string): string => `istio-${chart}-${version.replaceAll('.', '-')}`;

const SOURCE_NAME = /^istio-(base|istiod|gateway)-[0-9]+-[0-9]+-[0-9]+$/;

/** The chart an OCIRepository of ours holds, from its name; undefined for any other name. */
export function chartOfSource(name: string): IstioChart | undefined {
  return SOURCE_NAME.exec(name)?.[1] as IstioChart | undefined;
}
