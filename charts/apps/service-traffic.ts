import { Construct } from 'constructs';
import {
  DestinationRule,
  VirtualService,
  type DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting,
  type DestinationRuleSpecTrafficPolicyOutlierDetection,
} from '../../imports/networking.istio.io.ts';

/** `prefer-local`: stay in the caller's region while it has healthy endpoints; `spread`: every endpoint alike. */
export type TrafficLocality = 'prefer-local' | 'spread';

/** Where a region's traffic goes when it has no healthy endpoint left. */
export interface RegionFailover {
  readonly from: string;
  readonly to: string;
}

/**
 * Outlier detection on every service. Istio applies locality failover only when the
 * DestinationRule has outlier detection (istio/istio#48084), and for `spread` it still ejects a
 * failing endpoint. Envoy's defaults (5 consecutive 5xx, 10s sweeps, 30s base ejection), except
 * `maxEjectionPercent: 100`: with Envoy's 10% a region with one or two endpoints could never eject
 * them all, so its traffic would never fail over.
 */
export const OUTLIER_DETECTION: DestinationRuleSpecTrafficPolicyOutlierDetection = {
  consecutive5XxErrors: 5,
  interval: '10s',
  baseEjectionTime: '30s',
  maxEjectionPercent: 100,
};

export interface ServiceTrafficProps {
  /** Service name. */
  readonly service: string;
  readonly namespace: string;
  /** Cluster DNS domain of service hostnames. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 'prefer-local' */
  readonly locality?: TrafficLocality;
  /**
   * Failover per region for `prefer-local`. Empty (a one-region fleet): locality stays enabled
   * with no explicit failover, and Istio's default priorities apply.
   * @default []
   */
  readonly failover?: readonly RegionFailover[];
  /** Versions that run somewhere in the fleet: the possible subsets. @default [] */
  readonly versions?: readonly string[];
  /**
   * Percent per version (sum 100). When set, the DestinationRule gets one subset per running
   * version and a VirtualService splits traffic by these weights.
   * @default - no version routing: even across every endpoint (subject to locality)
   */
  readonly weights?: Readonly<Record<string, number>>;
  /** @default OUTLIER_DETECTION */
  readonly outlierDetection?: DestinationRuleSpecTrafficPolicyOutlierDetection;
}

/**
 * How callers reach one service: a DestinationRule (named like the service) with the locality
 * policy and outlier detection and, when traffic is split by version, the subsets and a
 * VirtualService with the weights. Istio config: render it where istiod reads config.
 */
export class ServiceTraffic extends Construct {
  /** The service's fully qualified hostname. */
  readonly host: string;

  constructor(scope: Construct, id: string, props: ServiceTrafficProps) {
    super(scope, id);
    this.host = `${props.service}.${props.namespace}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    const locality = props.locality ?? 'prefer-local';
    const failover = props.failover ?? [];
    const versions = props.versions ?? [];
    const weights = props.weights;

    const localityLbSetting: DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting =
      locality === 'spread'
        ? { enabled: false }
        : { enabled: true, failover: failover.length ? failover.map((f) => ({ from: f.from, to: f.to })) : undefined };

    let routed: string[] = [];
    if (weights) {
      const sum = Object.values(weights).reduce((a, b) => a + b, 0);
      if (sum !== 100) throw new Error(`ServiceTraffic ${props.service}: weights add up to ${sum}, expected 100`);
      for (const [version, weight] of Object.entries(weights)) {
        if (weight > 0 && !versions.includes(version)) {
          throw new Error(`ServiceTraffic ${props.service}: weights.${version} sends ${weight}% to a version that runs in no cluster (running: ${versions.join(', ') || 'none'})`);
        }
      }
      // Definition order of the versions, so the bytes do not depend on how weights were typed.
      routed = versions.filter((v) => (weights[v] ?? 0) > 0);
    }

    new DestinationRule(this, 'destination-rule', {
      metadata: { name: props.service, namespace: props.namespace },
      spec: {
        host: this.host,
        trafficPolicy: {
          loadBalancer: { localityLbSetting },
          outlierDetection: props.outlierDetection ?? OUTLIER_DETECTION,
        },
        subsets: weights ? versions.map((v) => ({ name: v, labels: { version: v } })) : undefined,
      },
    });

    if (weights) {
      new VirtualService(this, 'virtual-service', {
        metadata: { name: props.service, namespace: props.namespace },
        spec: {
          hosts: [this.host],
          http: [{ route: routed.map((v) => ({ destination: { host: this.host, subset: v }, weight: weights[v] })) }],
        },
      });
    }
  }
}
