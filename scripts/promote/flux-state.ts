/**
 * What a cluster's Flux reports, read from `kubectl get kustomizations,helmreleases -A -o json`:
 * per object its Ready condition (status, since when, why), whether it is stalled, and for a
 * Kustomization the git revision it last applied.
 */

/** The kubectl arguments that list every Flux Kustomization and HelmRelease of a cluster. */
export const FLUX_OBJECTS_QUERY = ['get', 'kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io', '--all-namespaces', '-o', 'json'] as const;

export interface FluxObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Status of the `Ready` condition: `True`, `False`, `Unknown`, or undefined when it has none yet. */
  readonly ready?: string;
  /** When `Ready` last changed (Flux sets it Unknown while it applies a new revision, True after). */
  readonly since?: Date;
  /** The `Ready` condition's message (why it is not Ready). */
  readonly message?: string;
  /** `Stalled=True`: Flux gave up until the spec changes. */
  readonly stalled: boolean;
  /** Kustomizations: `status.lastAppliedRevision`, e.g. `main@sha1:0123…`. */
  readonly revision?: string;
  /** Whether the controller has seen the latest spec (`status.observedGeneration` = `metadata.generation`). */
  readonly current: boolean;
}

interface Condition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
  message?: string;
}

interface RawObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number };
  status?: { conditions?: Condition[]; lastAppliedRevision?: string; observedGeneration?: number };
}

/** Parses kubectl's JSON list; throws with the reason when it is not one. */
export function parseFluxObjects(json: string): FluxObject[] {
  let list: { items?: RawObject[] };
  try {
    list = JSON.parse(json) as { items?: RawObject[] };
  } catch {
    throw new Error('kubectl did not return JSON');
  }
  if (!Array.isArray(list.items)) throw new Error('kubectl returned no item list');
  return list.items.map((item) => {
    const conditions = item.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    const since = ready?.lastTransitionTime ? new Date(ready.lastTransitionTime) : undefined;
    return {
      kind: item.kind ?? 'object',
      namespace: item.metadata?.namespace ?? '',
      name: item.metadata?.name ?? '',
      ready: ready?.status,
      since: since && !Number.isNaN(since.getTime()) ? since : undefined,
      message: ready?.message,
      stalled: conditions.some((c) => c.type === 'Stalled' && c.status === 'True'),
      revision: item.status?.lastAppliedRevision,
      current: item.metadata?.generation === undefined || item.status?.observedGeneration === item.metadata.generation,
    };
  });
}

/**
 * The commit of a Flux git revision: `main@sha1:<sha>` (Flux 2.x), `main/<sha>` (older), or a
 * bare sha.
 */
export function revisionCommit(revision: string): string {
  const at = /(?:@sha1:|@sha256:|\/)([0-9a-f]{7,64})$/.exec(revision);
  return at ? at[1]! : revision;
}

/** `Kustomization flux-system/apps`. */
export const objectName = (o: Pick<FluxObject, 'kind' | 'namespace' | 'name'>): string => `${o.kind} ${o.namespace}/${o.name}`;
