import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { Gateway, VirtualService } from '../../imports/networking.istio.io.ts';
import { PeerAuthentication } from '../../imports/security.istio.io.ts';
import { EAST_WEST, ISTIO_NAMESPACE, istiodOf } from './names.ts';

export interface MeshPolicyProps extends ChartProps {
  /**
   * Expose the istiod of each of these revisions (15012 xDS, 15017 webhook) on the east-west
   * gateway for remotes. @default - none
   */
  readonly exposeIstiod?: readonly string[];
  /** Expose every mesh service on the east-west gateway (mTLS passthrough) for other networks. @default false */
  readonly exposeServices?: boolean;
}

/**
 * The fourth layer, in control-plane clusters only (their istiod is the one that reads Istio
 * config): strict mutual TLS mesh-wide, and what the east-west gateway exposes.
 */
export class MeshPolicy extends Chart {
  constructor(scope: Construct, id: string, props: MeshPolicyProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    new PeerAuthentication(this, 'mtls', {
      metadata: { name: 'default', namespace: ISTIO_NAMESPACE },
      spec: { mtls: { mode: 'STRICT' } },
    });
    if (props.exposeIstiod && props.exposeIstiod.length > 0) {
      const ports = EAST_WEST.ports;
      new Gateway(this, 'istiod-gateway', {
        metadata: { name: 'istiod-gateway', namespace: ISTIO_NAMESPACE },
        spec: {
          selector: { ...EAST_WEST.selector },
          servers: [
            { port: { name: 'tls-istiod', number: ports.istiod, protocol: 'tls' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
            { port: { name: 'tls-istiodwebhook', number: ports.webhook, protocol: 'tls' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
          ],
        },
      });
      // The TLS is passed through, so the revision is told apart by the name the client asked for
      // (SNI): a remote's proxies and its API server call `istiod-<revision>.istio-system.svc`,
      // the Service of that revision in the remote, which leads here (Istio's
      // samples/multicluster/expose-istiod-rev.yaml.tmpl).
      for (const revision of props.exposeIstiod) {
        const service = istiodOf(revision);
        const host = `${service}.${ISTIO_NAMESPACE}.svc.cluster.local`;
        const sniHosts = [`${service}.${ISTIO_NAMESPACE}.svc`, host];
        new VirtualService(this, `istiod-vs-${revision}`, {
          metadata: { name: `istiod-vs-${revision}`, namespace: ISTIO_NAMESPACE },
          spec: {
            hosts: ['*'],
            gateways: ['istiod-gateway'],
            tls: [
              { match: [{ port: ports.istiod, sniHosts }], route: [{ destination: { host, port: { number: ports.istiod } } }] },
              // The istiod Service serves the webhook on 443 (targetPort 15017).
              { match: [{ port: ports.webhook, sniHosts }], route: [{ destination: { host, port: { number: 443 } } }] },
            ],
          },
        });
      }
    }
    if (props.exposeServices) {
      new Gateway(this, 'cross-network-gateway', {
        metadata: { name: 'cross-network-gateway', namespace: ISTIO_NAMESPACE },
        spec: {
          selector: { ...EAST_WEST.selector },
          servers: [{ port: { number: EAST_WEST.ports.mtls, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
        },
      });
    }
  }
}
