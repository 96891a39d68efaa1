/**
 * The Flux layers of every cluster, in apply order. Each layer is a folder in the cluster's dist
 * entry and one Flux Kustomization that waits for the layers before it to be Ready: CRDs exist
 * before the objects that need them, istiod runs before sidecars are injected, and so on.
 */
export interface LayerSpec {
  readonly id: LayerId;
  /** What the layer holds, for docs and the overview. */
  readonly holds: string;
  /** Layers that must be Ready first. An absent layer is skipped and its own dependencies used. */
  readonly after: readonly LayerId[];
  /** Whether Flux waits for the layer's objects to be healthy. @default true */
  readonly wait?: boolean;
}

export type LayerId = 'istio-base' | 'istiod' | 'gateways' | 'mesh' | 'apps' | 'global-entry';

export const LAYERS: readonly LayerSpec[] = [
  { id: 'istio-base', holds: 'Istio CRDs and cluster-wide base objects', after: [] },
  { id: 'istiod', holds: 'the Istio control plane (primary) or its remote profile', after: ['istio-base'] },
  { id: 'gateways', holds: 'east-west and ingress gateways', after: ['istiod'] },
  { id: 'mesh', holds: 'mesh-wide policy: mTLS, locality load balancing, istiod exposure', after: ['gateways'] },
  { id: 'apps', holds: 'app namespaces, workloads, Services and their traffic and authorization', after: ['mesh'] },
  // The global load balancer takes minutes to program; nothing waits for it.
  { id: 'global-entry', holds: 'multi-cluster Gateway objects of the global entry point', after: ['gateways'], wait: false },
];

/**
 * Resolves `after` against the layers a cluster actually has: a dependency on an absent layer
 * becomes a dependency on that layer's own (present) dependencies.
 */
export function resolveDependencies(present: ReadonlySet<LayerId>): Map<LayerId, LayerId[]> {
  const byId = new Map(LAYERS.map((l) => [l.id, l]));
  const resolve = (id: LayerId): LayerId[] => (present.has(id) ? [id] : byId.get(id)!.after.flatMap(resolve));
  const result = new Map<LayerId, LayerId[]>();
  for (const layer of LAYERS) {
    if (!present.has(layer.id)) continue;
    result.set(layer.id, [...new Set(layer.after.flatMap(resolve))]);
  }
  return result;
}
