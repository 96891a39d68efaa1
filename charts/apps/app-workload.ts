import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
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
  /** Fixed replica count; ignored when `autoscaling` is set. @default 1 */
  readonly replicas?: number;
  /** Scale on CPU with a HorizontalPodAutoscaler; the Deployment then has no `replicas`. @default - fixed replicas */
  readonly autoscaling?: WorkloadAutoscaling;
}

/**
 * One version of a service: a Deployment selecting on exactly `{app, version}`, plus a
 * HorizontalPodAutoscaler when autoscaled and a PodDisruptionBudget when more than one pod may run.
 *
 * cdk8s-plus's address label (`cdk8s.io/metadata.addr`) is kept out of the selector and the pod
 * template: it derives from the construct path, and a selector is immutable, so any refactoring
 * would make the Deployment unappliable. No startup probe (only added for `portNumber`) and no
 * default resources (1 vCPU per pod) from cdk8s-plus either.
 */
export class AppWorkload extends Construct {
  readonly deployment: kplus.Deployment;
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

    const volumeMounts = (props.volumes ?? []).map((v) => ({
      path: v.mountPath,
      volume: kplus.Volume.fromEmptyDir(this, `volume-${v.name}`, v.name),
    }));
    const envVariables = Object.fromEntries(Object.entries(props.env ?? {}).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]));
    const readOnlyRootFilesystem = props.readOnlyRootFilesystem ?? true;

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      select: false,
      replicas: autoscaling ? undefined : replicas,
      podMetadata: { labels, annotations: isEmpty(props.podAnnotations) ? undefined : { ...props.podAnnotations } },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(this, 'service-account', props.serviceAccountName),
      securityContext: { ensureNonRoot: true },
      containers: [{
        name: props.containerName ?? props.app,
        image: props.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        // `ports` (not `portNumber`), so cdk8s-plus adds no startup probe.
        ports: (props.ports ?? []).map((p) => ({ name: p.name, number: p.containerPort })),
        envVariables,
        volumeMounts,
        // Empty: cdk8s-plus would otherwise add 1 vCPU / 512Mi defaults; the real ones are patched
        // in below as written in config (cdk8s-plus would rewrite 1Gi as 1024Mi).
        resources: {},
        securityContext: {
          ensureNonRoot: true,
          user: props.runAsUser,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem,
        },
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    if (autoscaling) this.deployment.markHasAutoscaler();

    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      JsonPatch.add('/spec/template/spec/containers/0/resources', kubeResources(props.resources)),
      // cdk8s-plus-27's Capability enum has no `ALL`, and it has no seccomp setting.
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      // Pod level, so it covers the injected istio-proxy container too.
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    );

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

/**
 * The container's `resources`. Quantities, not strings: JSON patches on a cdk8s-plus object are
 * applied before its typed converter, which serializes `Quantity` objects (and turns plain strings
 * into null).
 */
function kubeResources(r: WorkloadResources): kplus.k8s.ResourceRequirements {
  const q = (value: string) => kplus.k8s.Quantity.fromString(value);
  const limits: Record<string, kplus.k8s.Quantity> = {};
  if (r.cpu.limit !== undefined) limits.cpu = q(r.cpu.limit);
  if (r.memory.limit !== undefined) limits.memory = q(r.memory.limit);
  const requests = { cpu: q(r.cpu.request), memory: q(r.memory.request) };
  return isEmpty(limits) ? { requests } : { limits, requests };
}

function isEmpty(record: Readonly<Record<string, unknown>> | undefined): boolean {
  return record === undefined || Object.keys(record).length === 0;
}
