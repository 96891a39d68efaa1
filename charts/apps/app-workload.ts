import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { WorkloadAutoscaler } from './workload-autoscaler.ts';
import { WorkloadDisruptionBudget } from './workload-disruption-budget.ts';

/** A named container port. */
export interface WorkloadPort {
  /** Port name (Istio reads the protocol from it when the Service has no `appProtocol`). */
  readonly name: string;
  readonly containerPort: number;
}

/** A writable emptyDir volume (the root filesystem is read-only by default). */
export interface WorkloadVolume {
  readonly name: string;
  readonly mountPath: string;
}

/** CPU and memory as Kubernetes quantities, written exactly as given. */
export interface WorkloadResources {
  readonly cpu: { readonly request: string; readonly limit?: string };
  readonly memory: { readonly request: string; readonly limit?: string };
}

export interface WorkloadAutoscaling {
  readonly min: number;
  readonly max: number;
  /** Target average CPU utilization, percent of the request. @default 80 */
  readonly targetCpu?: number;
}

export interface AppWorkloadProps {
  /** Deployment name, e.g. `reviews-v1`. */
  readonly name: string;
  readonly namespace: string;
  /** `app` label: the service this workload is a version of. */
  readonly app: string;
  /** `version` label. */
  readonly version: string;
  /** ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** Container name. @default - the `app` label, as upstream Bookinfo */
  readonly containerName?: string;
  readonly image: string;
  /** Container ports. @default [] */
  readonly ports?: readonly WorkloadPort[];
  /** Environment variables, in the given order. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** emptyDir volumes, each mounted at its path. @default [] */
  readonly volumes?: readonly WorkloadVolume[];
  readonly resources: WorkloadResources;
  /** UID to run as. @default - the image's USER (which must not be root: `runAsNonRoot` is set) */
  readonly runAsUser?: number;
  /** Read-only root filesystem; the volumes are the writable paths. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Pod annotations. @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * The Istio revision whose sidecar the pods get (through their namespace's revision tag),
   * written on the pod template (ISTIO_REVISION_ANNOTATION): when the tag moves, the template
   * changes and the Deployment rolls its pods onto the new revision, so the old one serves no
   * pod when it is removed. @default - none
   */
  readonly istioRevision?: string;
  /** Fixed replica count; ignored when `autoscaling` is set. @default 1 */
  readonly replicas?: number;
  /** Scale on CPU with a HorizontalPodAutoscaler; the Deployment then has no `replicas`. @default - fixed replicas */
  readonly autoscaling?: WorkloadAutoscaling;
}

/**
 * One version of a service: a Deployment selecting on exactly `{app, version}`, plus a
 * HorizontalPodAutoscaler when autoscaled and a PodDisruptionBudget when more than one pod may run.
 *
 * The Deployment is the typed `KubeDeployment` with every field written out: the values of
 * cdk8s-plus's `Deployment` defaults (rolling update 25%/25%, 600 s progress deadline, 30 s grace
 * period, no service account token, non-root pod and container, `fsGroupChangePolicy: Always`) and
 * ours (resources exactly as written in config, `drop: [ALL]`, a RuntimeDefault seccomp profile at
 * pod level, so that it covers the injected istio-proxy too). cdk8s-plus's construct needed JSON
 * patches to get there and cost a fifth of a 100-cluster synth (docs/benchmarks.md); the objects
 * are byte for byte what it rendered. No address label (`cdk8s.io/metadata.addr`) in the selector
 * or the pod template (a selector is immutable, and that label changes with any refactoring), no
 * startup probe, no default resources.
 */
export class AppWorkload extends Construct {
  readonly deployment: k8s.KubeDeployment;
  /** Pod labels, which are also the Deployment's selector. */
  readonly selector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: AppWorkloadProps) {
    super(scope, id);
    const labels = { app: props.app, version: props.version };
    this.selector = labels;
    const autoscaling = props.autoscaling;
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`AppWorkload ${props.name}: replicas must be a whole number >= 0 (got ${replicas})`);
    }

    const volumes = props.volumes ?? [];
    const env = Object.entries(props.env ?? {});
    const ports = props.ports ?? [];
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        replicas: autoscaling ? undefined : replicas,
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromString('25%') } },
        template: {
          metadata: { labels, annotations: podAnnotations(props) },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            containers: [{
              name: props.containerName ?? props.app,
              image: props.image,
              imagePullPolicy: 'IfNotPresent',
              ports: ports.length > 0 ? ports.map((p) => ({ name: p.name, containerPort: p.containerPort })) : undefined,
              env: env.length > 0 ? env.map(([name, value]) => ({ name, value })) : undefined,
              volumeMounts: volumes.length > 0 ? volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) : undefined,
              resources: kubeResources(props.resources),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: props.runAsUser,
                privileged: false,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
                capabilities: { drop: ['ALL'] },
              },
            }],
            volumes: volumes.length > 0 ? volumes.map((v) => ({ name: v.name, emptyDir: {} })) : undefined,
            securityContext: { runAsNonRoot: true, fsGroupChangePolicy: 'Always', seccompProfile: { type: 'RuntimeDefault' } },
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            setHostnameAsFqdn: false,
            hostNetwork: false,
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });

    if (autoscaling) {
      new WorkloadAutoscaler(this, 'autoscaler', {
        name: props.name,
        namespace: props.namespace,
        labels,
        minReplicas: autoscaling.min,
        maxReplicas: autoscaling.max,
        targetCpuUtilization: autoscaling.targetCpu,
      });
    }
    const minPods = autoscaling ? autoscaling.min : replicas;
    if (minPods > 1) {
      new WorkloadDisruptionBudget(this, 'disruption-budget', { name: props.name, namespace: props.namespace, labels, selector: labels });
    }
  }
}

/** The container's `resources`, quantities exactly as written in config. */
function kubeResources(r: WorkloadResources): k8s.ResourceRequirements {
  const q = (value: string) => k8s.Quantity.fromString(value);
  const limits: Record<string, k8s.Quantity> = {};
  if (r.cpu.limit !== undefined) limits.cpu = q(r.cpu.limit);
  if (r.memory.limit !== undefined) limits.memory = q(r.memory.limit);
  const requests = { cpu: q(r.cpu.request), memory: q(r.memory.request) };
  return isEmpty(limits) ? { requests } : { limits, requests };
}

function isEmpty(record: Readonly<Record<string, unknown>> | undefined): boolean {
  return record === undefined || Object.keys(record).length === 0;
}

/** Pod-template annotation naming the Istio revision the pods' sidecar comes from. */
export const ISTIO_REVISION_ANNOTATION = 'meshfleet.io/istio-revision';

function podAnnotations(props: AppWorkloadProps): Record<string, string> | undefined {
  const annotations = { ...props.podAnnotations, ...(props.istioRevision ? { [ISTIO_REVISION_ANNOTATION]: props.istioRevision } : {}) };
  return isEmpty(annotations) ? undefined : annotations;
}
