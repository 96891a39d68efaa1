import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { Gateway, HttpRoute, type HttpRouteSpecRules } from '../../imports/gateway.networking.k8s.io.ts';
import { GCPBackendPolicy, HealthCheckPolicy } from '../../imports/gke.ts';

/** GKE's global external Application Load Balancer, multi-cluster variant. */
export const GLOBAL_GATEWAY_CLASS = 'gke-l7-global-external-managed-mc';

export interface MultiClusterGatewayProps extends ChartProps {
  /** Name of the Gateway (and prefix of the routes and policies). @default 'global-entry' */
  readonly name?: string;
  /** Namespace of the Gateway objects: the backend Service's namespace, so no ReferenceGrant is needed. */
  readonly namespace: string;
  /** The exported Service (via its ServiceImport) every cluster's backends sit behind. */
  readonly service: string;
  /** Its HTTP port. */
  readonly servicePort: number;
  /** Port and path of the backends' readiness endpoint. */
  readonly healthCheck: { readonly port: number; readonly path: string };
  readonly hostnames: readonly string[];
  /** Reserved global static address, by name. */
  readonly address: string;
  /** Certificate Manager map; enables HTTPS and the HTTP→HTTPS redirect. @default - plain HTTP */
  readonly certificateMap?: string;
  /** Cloud Armor policy name. @default - none */
  readonly securityPolicy?: string;
  /** Backend timeout in seconds. @default 30 */
  readonly backendTimeoutSec?: number;
}

const SERVICE_IMPORT = { group: 'net.gke.io', kind: 'ServiceImport' } as const;

/**
 * The global entry point, rendered into the fleet's config cluster: a multi-cluster Gateway on a
 * named global address, the route to the ingress gateways of every serving cluster (through the
 * ServiceImport that multi-cluster Services creates), a health check on Istio's readiness endpoint
 * (the load balancer would otherwise probe `/` on the serving port, which Istio answers 404), and
 * the backend policy.
 */
export class MultiClusterGateway extends Chart {
  constructor(scope: Construct, id: string, props: MultiClusterGatewayProps) {
    // `namespace` here is where the objects go, set on each one; passed on as the chart's
    // namespace, cdk8s would also stamp it on cluster-scoped objects (the Namespace itself).
    super(scope, id, { disableResourceNameHashes: true, labels: props.labels });
    const name = props.name ?? 'global-entry';
    const ns = props.namespace;
    const https = props.certificateMap !== undefined;
    new Gateway(this, 'gateway', {
      metadata: {
        name,
        namespace: ns,
        ...(https ? { annotations: { 'networking.gke.io/certmap': props.certificateMap! } } : {}),
      },
      spec: {
        gatewayClassName: GLOBAL_GATEWAY_CLASS,
        addresses: [{ type: 'NamedAddress', value: props.address }],
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80 },
          // TLS comes from the certificate map annotation, so the listener names no certificate.
          ...(https ? [{ name: 'https', protocol: 'HTTPS', port: 443 }] : []),
        ],
      },
    });
    const parent = (sectionName: string) => [{ name, sectionName }];
    const hostnames = [...props.hostnames];
    const forward: HttpRouteSpecRules = {
      backendRefs: [{ ...SERVICE_IMPORT, name: props.service, port: props.servicePort }],
    };
    new HttpRoute(this, 'route', {
      metadata: { name, namespace: ns },
      spec: { parentRefs: parent(https ? 'https' : 'http'), hostnames, rules: [forward] },
    });
    if (https) {
      new HttpRoute(this, 'redirect', {
        metadata: { name: `${name}-https-redirect`, namespace: ns },
        spec: {
          parentRefs: parent('http'),
          hostnames,
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
        },
      });
    }
    const targetRef = { ...SERVICE_IMPORT, name: props.service };
    new HealthCheckPolicy(this, 'health-check', {
      metadata: { name, namespace: ns },
      spec: {
        targetRef,
        default: {
          config: {
            type: 'HTTP',
            httpHealthCheck: { port: props.healthCheck.port, portSpecification: 'USE_FIXED_PORT', requestPath: props.healthCheck.path },
          },
        },
      },
    });
    new GCPBackendPolicy(this, 'backend-policy', {
      metadata: { name, namespace: ns },
      spec: {
        targetRef,
        default: {
          timeoutSec: props.backendTimeoutSec ?? 30,
          logging: { enabled: true },
          ...(props.securityPolicy ? { securityPolicy: props.securityPolicy } : {}),
        },
      },
    });
  }
}
