import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { ServiceExport } from '../../imports/gke.ts';

export interface IngressExportProps extends ChartProps {
  readonly namespace: string;
  /** The ingress gateway Service to export; undefined in a cluster that only needs the namespace. */
  readonly service?: string;
}

/**
 * A cluster's part of the global entry: its ingress gateway Service exported to the fleet (MCS
 * then creates the ServiceImport the load balancer routes to), or, in a cluster without ingress,
 * just the namespace: multi-cluster Services assume namespace sameness across the fleet.
 */
export class IngressExport extends Chart {
  constructor(scope: Construct, id: string, props: IngressExportProps) {
    // `namespace` here is where the objects go, set on each one; passed on as the chart's
    // namespace, cdk8s would also stamp it on cluster-scoped objects (the Namespace itself).
    super(scope, id, { disableResourceNameHashes: true, labels: props.labels });
    if (props.service) {
      new ServiceExport(this, 'export', { metadata: { name: props.service, namespace: props.namespace } });
    } else {
      new ApiObject(this, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.namespace } });
    }
  }
}
