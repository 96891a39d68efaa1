import { Construct } from 'constructs';
import { AuthorizationPolicy } from '../../imports/security.istio.io.ts';
import { callPolicyName } from '../../config/model.ts';
import { INGRESS, principal } from '../istio/names.ts';

/** A service as authorization sees it: who it is, where it listens, whom it calls. */
export interface AuthorizedService {
  /** Service name; its pods carry `app: <name>`. */
  readonly name: string;
  /** ServiceAccount its workloads run as. */
  readonly serviceAccount: string;
  /** Ports its workloads receive on (container ports: what the sidecar sees). */
  readonly ports: readonly number[];
  /** Services of the same app it calls. @default [] */
  readonly calls?: readonly string[];
}

/** The service the ingress gateway forwards to. */
export interface IngressTarget {
  readonly service: string;
  /** Ports (container ports) the gateway may reach. @default - every port of the service */
  readonly ports?: readonly number[];
}

/** A workload identity outside the app (e.g. the ingress gateway). */
export interface ExternalCaller {
  /** Short name, used in the policy name `<callee>-from-<name>`. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

export interface AppAuthorizationProps {
  readonly namespace: string;
  /** Mesh trust domain of the principals. */
  readonly trustDomain: string;
  readonly services: readonly AuthorizedService[];
  /**
   * Let the ingress gateway call this service, on these of its ports.
   * @default - no ingress policy
   */
  readonly ingress?: IngressTarget;
  /** Identity of the ingress gateway. @default INGRESS (`istio-ingress` in namespace `istio-ingress`) */
  readonly ingressGateway?: ExternalCaller;
}

/** One allowed call: `caller` (a principal) may reach the pods of `callee` on `ports`. */
export interface CallEdge {
  readonly policy: string;
  readonly caller: string;
  readonly callee: string;
  readonly principal: string;
  readonly ports: readonly number[];
}

/**
 * Zero-trust authorization for one app namespace: `deny-all`, then one ALLOW policy per call edge,
 * `<callee>-from-<caller>`, for the caller's service-account principal on the callee's ports, plus
 * one for the ingress gateway. Istio config: render it where istiod reads config. Calls to unknown
 * services are an error.
 *
 * `deny-all` has an empty spec: Istio's "allow nothing" policy, which applies to every workload of
 * the namespace and matches no request, so whatever no ALLOW policy permits is denied. (A DENY
 * policy would win over the ALLOW policies and block the edges too.)
 */
export class AppAuthorization extends Construct {
  readonly edges: readonly CallEdge[];

  constructor(scope: Construct, id: string, props: AppAuthorizationProps) {
    super(scope, id);
    const byName = new Map(props.services.map((s) => [s.name, s]));
    const edges: CallEdge[] = [];
    for (const caller of props.services) {
      for (const calleeName of caller.calls ?? []) {
        const callee = byName.get(calleeName);
        if (!callee) throw new Error(`AppAuthorization ${props.namespace}: ${caller.name} calls unknown service ${calleeName} (known: ${[...byName.keys()].join(', ')})`);
        edges.push({
          policy: callPolicyName(callee.name, caller.name),
          caller: caller.name,
          callee: callee.name,
          principal: principal(props.trustDomain, props.namespace, caller.serviceAccount),
          ports: callee.ports,
        });
      }
    }
    if (props.ingress !== undefined) {
      const callee = byName.get(props.ingress.service);
      if (!callee) throw new Error(`AppAuthorization ${props.namespace}: ingress to unknown service ${props.ingress.service}`);
      const gateway = props.ingressGateway ?? { name: INGRESS.serviceAccount, namespace: INGRESS.namespace, serviceAccount: INGRESS.serviceAccount };
      edges.push({
        policy: callPolicyName(callee.name, gateway.name),
        caller: gateway.name,
        callee: callee.name,
        principal: principal(props.trustDomain, gateway.namespace, gateway.serviceAccount),
        ports: props.ingress.ports ?? callee.ports,
      });
    }
    this.edges = edges;

    new AuthorizationPolicy(this, 'deny-all', { metadata: { name: 'deny-all', namespace: props.namespace }, spec: {} });
    for (const edge of edges) {
      new AuthorizationPolicy(this, edge.policy, {
        metadata: { name: edge.policy, namespace: props.namespace },
        spec: {
          action: 'ALLOW',
          selector: { matchLabels: { app: edge.callee } },
          rules: [{
            from: [{ source: { principals: [edge.principal] } }],
            to: [{ operation: { ports: edge.ports.map(String) } }],
          }],
        },
      });
    }
  }
}
