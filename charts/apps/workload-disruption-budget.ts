import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface WorkloadDisruptionBudgetProps {
  /** PodDisruptionBudget name; the same as the Deployment it protects. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the PodDisruptionBudget object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Pod labels of the workload, exactly its Deployment's selector. */
  readonly selector: Readonly<Record<string, string>>;
  /** Pods that a voluntary disruption (node drain, upgrade) may take down at once. @default 1 */
  readonly maxUnavailable?: number;
}

/**
 * A `policy/v1` PodDisruptionBudget for a workload with more than one replica.
 *
 * `maxUnavailable: 1` rather than `minAvailable: 1`: drains take one pod at a time whatever the
 * replica count (an autoscaled workload at 10 pods keeps 9, where `minAvailable: 1` would let 9
 * go at once), and a drain is never blocked outright as long as one pod may be evicted.
 */
export class WorkloadDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadDisruptionBudgetProps) {
    super(scope, id);
    const maxUnavailable = props.maxUnavailable ?? 1;
    if (!Number.isInteger(maxUnavailable) || maxUnavailable < 1) {
      throw new Error(`WorkloadDisruptionBudget ${props.name}: maxUnavailable must be a whole number >= 1 (got ${maxUnavailable})`);
    }
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels ? { ...props.labels } : undefined },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable),
        selector: { matchLabels: { ...props.selector } },
      },
    });
  }
}
