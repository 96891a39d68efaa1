import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface AppNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /**
   * The revision tag the namespace follows: labelled `istio.io/rev: <tag>`, the tag's webhook
   * injects into every pod the sidecar of the revision the tag points at (in a remote too: its
   * copy of the webhook calls the primary's istiod).
   */
  readonly revisionTag: string;
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
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: props.name, labels: { 'istio.io/rev': props.revisionTag } } });
  }
}
