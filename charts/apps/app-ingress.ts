import { Construct } from 'constructs';
import { Gateway, VirtualService } from '../../imports/networking.istio.io.ts';
import { INGRESS } from '../istio/names.ts';

/** One path the ingress forwards: `{exact: '/login'}` or `{prefix: '/static'}`. */
export type IngressRoute = { readonly exact: string } | { readonly prefix: string };

export interface AppIngressProps {
  /** App name: the Gateway is `<app>-gateway`, the VirtualService `<app>`. */
  readonly app: string;
  readonly namespace: string;
  /** Service the routes lead to. */
  readonly service: string;
  /** Its Service port. */
  readonly port: number;
  readonly routes: readonly IngressRoute[];
  /** Host names served. @default ['*'] */
  readonly hosts?: readonly string[];
  /** Cluster DNS domain of service hostnames. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Pod labels of the ingress gateways. @default INGRESS.selector (`istio: ingress`, the Helm gateway chart's) */
  readonly gatewaySelector?: Readonly<Record<string, string>>;
  /**
   * HTTP port the gateways listen on. @default INGRESS.httpPort (80: the gateway chart's Service maps
   * 80 → 80; upstream Bookinfo's 8080 is for the legacy istio-ingressgateway and matches no port here)
   */
  readonly gatewayPort?: number;
}

/**
 * How users reach an app through the Istio ingress gateways: a Gateway and the VirtualService
 * bound to it. istiod reads them where config lives and programs every ingress gateway it serves,
 * remote clusters' included.
 */
export class AppIngress extends Construct {
  readonly gatewayName: string;

  constructor(scope: Construct, id: string, props: AppIngressProps) {
    super(scope, id);
    if (props.routes.length === 0) throw new Error(`AppIngress ${props.app}: at least one route is needed`);
    this.gatewayName = `${props.app}-gateway`;
    const hosts = [...(props.hosts ?? ['*'])];
    new Gateway(this, 'gateway', {
      metadata: { name: this.gatewayName, namespace: props.namespace },
      spec: {
        selector: { ...(props.gatewaySelector ?? INGRESS.selector) },
        servers: [{ port: { number: props.gatewayPort ?? INGRESS.httpPort, name: 'http', protocol: 'HTTP' }, hosts }],
      },
    });
    new VirtualService(this, 'virtual-service', {
      metadata: { name: props.app, namespace: props.namespace },
      spec: {
        hosts,
        gateways: [this.gatewayName],
        http: [{
          match: props.routes.map((r) => ({ uri: 'exact' in r ? { exact: r.exact } : { prefix: r.prefix } })),
          route: [{
            destination: {
              host: `${props.service}.${props.namespace}.svc.${props.clusterDomain ?? 'cluster.local'}`,
              port: { number: props.port },
            },
          }],
        }],
      },
    });
  }
}
