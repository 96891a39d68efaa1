import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

/** Application protocol of a port, as Istio names it. */
export type PortProtocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'TCP';

export interface MeshServicePort {
  /** Port name; Istio derives the protocol from its prefix (`http`, `http-web`, `grpc`, …). */
  readonly name: string;
  readonly port: number;
  /** Container port. @default - `port` */
  readonly targetPort?: number;
  /** Application protocol. @default 'HTTP' */
  readonly protocol?: PortProtocol;
}

export interface MeshServiceProps {
  /** Service name: also its `app` label and the `app` label it selects. */
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly MeshServicePort[];
}

/**
 * The Kubernetes Service of one app service, in upstream Bookinfo's shape: labels `app` and
 * `service`, selector `{app}` (every version), named ports. Istio merges the endpoints of the
 * same-named Service of every cluster by hostname, so each cluster with a caller or a workload of
 * the service needs it.
 *
 * `appProtocol` is written only where the port name does not already say the protocol (`http` for
 * HTTP, `grpc-api` for GRPC, …); Istio gives `appProtocol` precedence over the name.
 */
export class MeshService extends Construct {
  constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    if (props.ports.length === 0) throw new Error(`MeshService ${props.name}: at least one port is needed`);
    new k8s.KubeService(this, 'service', {
      metadata: { name: props.name, namespace: props.namespace, labels: { app: props.name, service: props.name } },
      spec: {
        ports: props.ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.targetPort === undefined || p.targetPort === p.port ? undefined : k8s.IntOrString.fromNumber(p.targetPort),
          appProtocol: appProtocol(p),
        })),
        selector: { app: props.name },
      },
    });
  }
}

const ISTIO_PROTOCOL_NAME: Record<PortProtocol, string> = { HTTP: 'http', HTTP2: 'http2', GRPC: 'grpc', TCP: 'tcp' };

function appProtocol(p: MeshServicePort): string | undefined {
  const name = ISTIO_PROTOCOL_NAME[p.protocol ?? 'HTTP'];
  return p.name === name || p.name.startsWith(`${name}-`) ? undefined : name;
}
