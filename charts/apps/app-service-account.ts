import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';

export interface AppServiceAccountProps {
  /** ServiceAccount name; the workload identity Istio authorizes (`<trustDomain>/ns/<ns>/sa/<name>`). */
  readonly name: string;
  readonly namespace: string;
  /** The service whose workloads run as this account; labels it `account: <service>`, as upstream Bookinfo. */
  readonly service: string;
  /** Mount an API token into pods by default. The Istio sidecar has its own token. @default false */
  readonly automountToken?: boolean;
}

/** The ServiceAccount every workload of one service runs as. */
export class AppServiceAccount extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AppServiceAccountProps) {
    super(scope, id);
    this.name = props.name;
    new kplus.ServiceAccount(this, 'account', {
      metadata: { name: props.name, namespace: props.namespace, labels: { account: props.service } },
      automountToken: props.automountToken ?? false,
    });
  }
}
