import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface AppNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /**
   * Label the namespace `istio-injection: enabled`, so Istio injects a sidecar into every pod
   * (the remote profile's webhook selects namespaces by this label too).
   * @default true
   */
  readonly sidecarInjection?: boolean;
}

/**
 * The namespace of an app. Cluster-scoped: add it to a chart without a `namespace` prop, since
 * cdk8s stamps a chart's namespace onto cluster-scoped kinds too (cdk8s-team/cdk8s#1558).
 */
export class AppNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const labels = (props.sidecarInjection ?? true) ? { 'istio-injection': 'enabled' } : undefined;
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: props.name, labels } });
  }
}
