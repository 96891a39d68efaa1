import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IstioChartSource } from './chart-source.ts';
import { IstioRelease } from './istio-release.ts';
import { EAST_WEST, INGRESS } from './names.ts';

/** One gateway: the `gateway` chart at the Istio release of the revision its pods run. */
export interface GatewayRelease {
  readonly version: string;
  readonly values: Record<string, unknown>;
}

export interface GatewaysProps extends ChartProps {
  readonly source: IstioChartSource;
  /** The ingress gateway; none when undefined. */
  readonly ingress?: GatewayRelease;
  /** The east-west gateway; none when undefined. */
  readonly eastWest?: GatewayRelease;
}

/** The third layer: the `gateway` chart as ingress (own namespace) and/or east-west gateway (istio-system). */
export class Gateways extends Chart {
  constructor(scope: Construct, id: string, props: GatewaysProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    if (props.ingress) {
      // The gateway chart's pods are injected with the `gateway` template; the namespace only must
      // not opt out of injection, so it carries no injection label.
      new ApiObject(this, 'ingress-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: INGRESS.namespace } });
      new IstioRelease(this, 'ingress', { release: INGRESS.release, namespace: INGRESS.namespace, chart: 'gateway', source: props.source, ...props.ingress });
    }
    if (props.eastWest) {
      new IstioRelease(this, 'east-west', { release: EAST_WEST.release, namespace: EAST_WEST.namespace, chart: 'gateway', source: props.source, ...props.eastWest });
    }
  }
}
