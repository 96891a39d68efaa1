// HAND-WRITTEN FILE (small) - not generated, `npm run gen:imports` does not touch it.
//
// Typed cdk8s constructs for the three GKE kinds we render:
//   ServiceExport      net.gke.io/v1          (Multi-cluster Services)
//   HealthCheckPolicy  networking.gke.io/v1   (GKE Gateway controller)
//   GCPBackendPolicy   networking.gke.io/v1   (GKE Gateway controller)
//
// Why hand-written: no CRD YAML / OpenAPI schema for these kinds is available offline.
// The devDependency @kubernetes-models/gke@4.6.2 ships only .d.ts types and compiled
// (ajv standalone) validators, not CRD documents, so `cdk8s import` cannot be fed.
// Field names, nesting and enum values below are copied from its type definitions
// (net.gke.io/v1/ServiceExport.d.ts, networking.gke.io/v1/HealthCheckPolicy.d.ts,
// networking.gke.io/v1/GCPBackendPolicy.d.ts). Only the spec fields are covered (no status).
// Deliberately stricter than the upstream schema (where everything below targetRef is
// optional): HealthCheckPolicy requires `default.config.type`; GCPBackendPolicy requires
// `default`; `logging.enabled`, `connectionDraining.drainingTimeoutSec` and
// `sessionAffinity.type` are required when their parent object is given.
//
// Unlike the cdk8s-generated classes, these pass props through unchanged (no toJson_*
// filter), so JSON patches (`ApiObject.of(x).addJsonPatch(...)`) are kept as written.
import { ApiObject, type ApiObjectMetadata, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';

/** Reference to the object a GKE policy attaches to (usually a core/v1 Service or a net.gke.io ServiceExport). */
export interface PolicyTargetRef {
  /** API group of the target; `""` for core (Service), `net.gke.io` for ServiceExport. */
  readonly group: string;
  /** e.g. `Service` or `ServiceExport`. */
  readonly kind: string;
  readonly name: string;
  /** Defaults to the policy's namespace. */
  readonly namespace?: string;
}

export type PortSpecification = 'USE_FIXED_PORT' | 'USE_NAMED_PORT' | 'USE_SERVING_PORT';
export type ProxyHeader = 'NONE' | 'PROXY_V1';

// ---------------------------------------------------------------------------
// ServiceExport (net.gke.io/v1)
// ---------------------------------------------------------------------------

export interface ServiceExportProps {
  /** name/namespace must equal the exported Service's. */
  readonly metadata?: ApiObjectMetadata;
}

/** Exports the Service of the same name/namespace to the fleet (GKE Multi-cluster Services). No spec. */
export class ServiceExport extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'net.gke.io/v1', kind: 'ServiceExport' };

  public static manifest(props: ServiceExportProps = {}): any {
    return { ...ServiceExport.GVK, ...props };
  }

  public constructor(scope: Construct, id: string, props: ServiceExportProps = {}) {
    super(scope, id, { ...ServiceExport.GVK, ...props });
  }
}

// ---------------------------------------------------------------------------
// HealthCheckPolicy (networking.gke.io/v1)
// ---------------------------------------------------------------------------

interface PortSelection {
  /** 1..65535. */
  readonly port?: number;
  /** If both port and portName are set, port wins. */
  readonly portName?: string;
  /** Defaults to USE_SERVING_PORT when neither port nor portName is given. */
  readonly portSpecification?: PortSpecification;
}

/** httpHealthCheck / httpsHealthCheck / http2HealthCheck. */
export interface HttpHealthCheck extends PortSelection {
  /** Host header; defaults to the backend IP. */
  readonly host?: string;
  /** Defaults to `/`. */
  readonly requestPath?: string;
  /** Substring expected in the first 1024 bytes of the body. */
  readonly response?: string;
  readonly proxyHeader?: ProxyHeader;
}

export interface TcpHealthCheck extends PortSelection {
  readonly request?: string;
  readonly response?: string;
  readonly proxyHeader?: ProxyHeader;
}

export interface GrpcHealthCheck extends PortSelection {
  readonly grpcServiceName?: string;
}

/** `type` selects which protocol-specific block applies (only that one may be set). */
export type HealthCheckConfig =
  | { readonly type: 'HTTP'; readonly httpHealthCheck?: HttpHealthCheck }
  | { readonly type: 'HTTPS'; readonly httpsHealthCheck?: HttpHealthCheck }
  | { readonly type: 'HTTP2'; readonly http2HealthCheck?: HttpHealthCheck }
  | { readonly type: 'TCP'; readonly tcpHealthCheck?: TcpHealthCheck }
  | { readonly type: 'GRPC'; readonly grpcHealthCheck?: GrpcHealthCheck };

export interface HealthCheckPolicyDefault {
  /** Seconds; GKE default 5. */
  readonly checkIntervalSec?: number;
  /** Seconds; GKE default 5; must not exceed checkIntervalSec. */
  readonly timeoutSec?: number;
  /** GKE default 2. */
  readonly healthyThreshold?: number;
  /** GKE default 2. */
  readonly unhealthyThreshold?: number;
  readonly logConfig?: { readonly enabled?: boolean };
  readonly config: HealthCheckConfig;
}

export interface HealthCheckPolicySpec {
  readonly targetRef: PolicyTargetRef;
  readonly default: HealthCheckPolicyDefault;
}

export interface HealthCheckPolicyProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec: HealthCheckPolicySpec;
}

/** Health check for the load balancer backends of a Service/ServiceExport (GKE Gateway). */
export class HealthCheckPolicy extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'networking.gke.io/v1', kind: 'HealthCheckPolicy' };

  public static manifest(props: HealthCheckPolicyProps): any {
    return { ...HealthCheckPolicy.GVK, ...props };
  }

  public constructor(scope: Construct, id: string, props: HealthCheckPolicyProps) {
    super(scope, id, { ...HealthCheckPolicy.GVK, ...props });
  }
}

// ---------------------------------------------------------------------------
// GCPBackendPolicy (networking.gke.io/v1)
// ---------------------------------------------------------------------------

export type SessionAffinityType =
  | 'CLIENT_IP'
  | 'CLIENT_IP_PORT_PROTO'
  | 'CLIENT_IP_PROTO'
  | 'GENERATED_COOKIE'
  | 'HEADER_FIELD'
  | 'HTTP_COOKIE'
  | 'NONE';

export interface GCPBackendPolicyDefault {
  /** Backend service timeout in seconds; GKE default 30. */
  readonly timeoutSec?: number;
  readonly logging?: {
    readonly enabled: boolean;
    /** 0..1000000 (= fraction × 1e6); default: all requests logged. */
    readonly sampleRate?: number;
  };
  /** Name of a Cloud Armor security policy. */
  readonly securityPolicy?: string;
  readonly connectionDraining?: {
    /** 0 disables; up to 3600. */
    readonly drainingTimeoutSec: number;
  };
  readonly sessionAffinity?: {
    readonly type: SessionAffinityType;
    /** Only with GENERATED_COOKIE / HTTP_COOKIE; max 1209600. */
    readonly cookieTtlSec?: number;
  };
  /** Target capacity per endpoint (RPS); GKE default 1e8. */
  readonly maxRatePerEndpoint?: number;
  /** Only for multi-cluster (ServiceExport) backends. */
  readonly backendPreference?: 'DEFAULT' | 'PREFERRED';
  readonly iap?: {
    readonly enabled?: boolean;
    readonly clientID?: string;
    readonly oauth2ClientSecret?: { readonly name?: string };
  };
}

export interface GCPBackendPolicySpec {
  readonly targetRef: PolicyTargetRef;
  readonly default: GCPBackendPolicyDefault;
}

export interface GCPBackendPolicyProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec: GCPBackendPolicySpec;
}

/** Load-balancer backend service settings for a Service/ServiceExport (GKE Gateway). */
export class GCPBackendPolicy extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'networking.gke.io/v1', kind: 'GCPBackendPolicy' };

  public static manifest(props: GCPBackendPolicyProps): any {
    return { ...GCPBackendPolicy.GVK, ...props };
  }

  public constructor(scope: Construct, id: string, props: GCPBackendPolicyProps) {
    super(scope, id, { ...GCPBackendPolicy.GVK, ...props });
  }
}
