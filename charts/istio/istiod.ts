import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IstioChartSource } from './chart-source.ts';
import { IstioRelease } from './istio-release.ts';
import { ISTIO_NAMESPACE, READER_SERVICE_ACCOUNT, READER_TOKEN_SECRET } from './names.ts';
import { RemoteIstiodEndpoints } from './remote-istiod-endpoints.ts';

export interface IstiodProps extends ChartProps {
  readonly source: IstioChartSource;
  /** Values of the `istiod` chart (control plane, or remote profile). */
  readonly values: Record<string, unknown>;
  /**
   * Render the reader token Secret, because some primary's istiod watches this cluster. It has no
   * data: Kubernetes fills in the token; bootstrap reads it into that primary's remote secret.
   * @default false
   */
  readonly readerToken?: boolean;
  /**
   * This cluster's own istiod patches the validating webhook's caBundle, so helm-controller's
   * drift detection must leave it alone (a primary). @default true
   */
  readonly managedValidation?: boolean;
  /**
   * A remote: the address of its primary's istiod (the east-west gateway), rendered as v1
   * Endpoints of the chart's `istiod` Service (see RemoteIstiodEndpoints).
   * @default - no Endpoints (a primary runs istiod itself)
   */
  readonly remotePilotAddress?: string;
}

/**
 * The second layer: `istiod` as the control plane (primary) or as its remote profile (injection
 * webhook and an `istiod` Service pointing at the primary), after `base` created the CRDs and the
 * reader service account.
 */
export class Istiod extends Chart {
  constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    new IstioRelease(this, 'istiod', { release: 'istiod', namespace: ISTIO_NAMESPACE, chart: 'istiod', source: props.source, values: props.values, webhooks: props.managedValidation ?? true });
    if (props.remotePilotAddress) new RemoteIstiodEndpoints(this, 'remote-istiod', { address: props.remotePilotAddress });
    if (props.readerToken) {
      // Lives here, not in the base layer: the token controller deletes a token Secret whose
      // service account does not exist yet, and `base` creates that account.
      new ApiObject(this, 'reader-token', {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: READER_TOKEN_SECRET,
          namespace: ISTIO_NAMESPACE,
          annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT },
        },
      });
    }
  }
}
