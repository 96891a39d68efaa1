import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { EAST_WEST, ISTIO_NAMESPACE } from './names.ts';

export interface RemoteIstiodEndpointsProps {
  /** IP address of the primary's east-west gateway, where the remote reaches its istiod. */
  readonly address: string;
  /** Name of the selector-less Service the remote profile renders: `istiod-<revision>`. */
  readonly service: string;
  /** @default 'istio-system' */
  readonly namespace?: string;
}

/**
 * v1 `Endpoints` for the remote profile's selector-less `istiod-<revision>` Service, at the primary's
 * east-west gateway. The istiod chart (≥ 1.28) renders only an EndpointSlice for it, but GKE's API
 * server resolves webhook Services through v1 Endpoints: without this object the remote's
 * fail-closed injection webhook answers `endpoints "istiod-…" not found` and no injected pod starts
 * (istio/istio#58998). Port names match the chart's Service and EndpointSlice, so the
 * EndpointSlice mirroring controller's copy agrees with the chart's slice.
 */
export class RemoteIstiodEndpoints extends Construct {
  constructor(scope: Construct, id: string, props: RemoteIstiodEndpointsProps) {
    super(scope, id);
    new k8s.KubeEndpoints(this, 'endpoints', {
      metadata: { name: props.service, namespace: props.namespace ?? ISTIO_NAMESPACE },
      subsets: [{
        addresses: [{ ip: props.address }],
        ports: [
          { name: 'tcp-istiod', port: EAST_WEST.ports.istiod, protocol: 'TCP' },
          { name: 'tcp-webhook', port: EAST_WEST.ports.webhook, protocol: 'TCP' },
        ],
      }],
    });
  }
}
