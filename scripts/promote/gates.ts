/**
 * The promotion gate: a revision may move on from a wave when every cluster of the wave reports
 * every Flux Kustomization Ready at that revision, every HelmRelease Ready, nothing stalled or
 * failed, and all of it for at least the wave's bake time. Pure: the clock is a parameter.
 */
import { objectName, revisionCommit, type FluxObject } from './flux-state.ts';

/** One cluster as read: its Flux objects, or why they could not be read. */
export type ClusterState = { readonly cluster: string; readonly objects: readonly FluxObject[] } | { readonly cluster: string; readonly error: string };

export interface GateInput {
  readonly wave: string;
  /** The wave's clusters, as read. */
  readonly clusters: readonly ClusterState[];
  /** The commit the wave's branch points at: what must be running. */
  readonly revision: string;
  readonly bakeTime: string;
  readonly bakeMs: number;
  readonly now: Date;
}

export interface GateResult {
  /** One line per cluster and object that holds the promotion back; empty when the gate holds. */
  readonly holds: string[];
  /** When the last object of the wave became Ready at the revision (when the gate holds). */
  readonly readySince?: Date;
}

const short = (sha: string): string => sha.slice(0, 12);

/** Evaluates the gate; see the module comment. */
export function evaluateGate(input: GateInput): GateResult {
  const holds: string[] = [];
  let latest: Date | undefined;
  for (const state of input.clusters) {
    const at = `${state.cluster}:`;
    if ('error' in state) {
      holds.push(`${at} cannot read its Flux objects (${state.error})`);
      continue;
    }
    if (!state.objects.some((o) => o.kind === 'Kustomization')) {
      holds.push(`${at} no Flux Kustomization found (expected the cluster bootstrapped: npm run bootstrap -- --cluster ${state.cluster})`);
      continue;
    }
    for (const o of state.objects) {
      const what = `${at} ${objectName(o)}`;
      if (o.stalled) {
        holds.push(`${what} is stalled (${o.message ?? 'no message'})`);
        continue;
      }
      if (o.ready !== 'True' || !o.current) {
        holds.push(`${what} is not Ready (Ready=${o.ready ?? 'none'}${o.current ? '' : ', spec not yet observed'}: ${o.message ?? 'no message'})`);
        continue;
      }
      if (o.kind === 'Kustomization') {
        const applied = o.revision === undefined ? undefined : revisionCommit(o.revision);
        if (applied === undefined || (!input.revision.startsWith(applied) && !applied.startsWith(input.revision))) {
          holds.push(`${what} is Ready at an older revision (got ${o.revision ?? 'none'}, expected ${short(input.revision)}, the head of wave ${input.wave})`);
          continue;
        }
      }
      if (o.since === undefined) {
        holds.push(`${what} is Ready but does not say since when (no lastTransitionTime on its Ready condition)`);
        continue;
      }
      if (latest === undefined || o.since > latest) latest = o.since;
      const baked = input.now.getTime() - o.since.getTime();
      if (baked < input.bakeMs) {
        const from = new Date(o.since.getTime() + input.bakeMs).toISOString();
        holds.push(`${what} has been Ready for ${formatAge(baked)}, less than the bake time ${input.bakeTime} of wave ${input.wave} (promotable from ${from})`);
      }
    }
  }
  return holds.length === 0 ? { holds, readySince: latest } : { holds };
}

/** `1h5m`, `12m`, `40s`: an age for messages. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
