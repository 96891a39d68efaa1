import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface WorkloadAutoscalerProps {
  /** HorizontalPodAutoscaler name; the same as the Deployment it scales. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the HorizontalPodAutoscaler object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Name of the Deployment to scale. @default - `name` */
  readonly deployment?: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU utilization, percent of the CPU request. @default 80 */
  readonly targetCpuUtilization?: number;
}

/**
 * An `autoscaling/v2` HorizontalPodAutoscaler on average CPU utilization. The target's containers
 * need CPU requests (utilization is relative to them). No `behavior`: the Kubernetes defaults apply,
 * and nothing is written that the API server would not also default.
 */
export class WorkloadAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadAutoscalerProps) {
    super(scope, id);
    if (props.minReplicas > props.maxReplicas) {
      throw new Error(`WorkloadAutoscaler ${props.name}: minReplicas ${props.minReplicas} is above maxReplicas ${props.maxReplicas}`);
    }
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels ? { ...props.labels } : undefined },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment ?? props.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCpuUtilization ?? 80 } },
        }],
      },
    });
  }
}
