/**
 * Checks Helm values we render against the keys the pinned Istio charts know
 * (chart-keys.generated.json, written by scripts/gen-chart-keys.ts).
 *
 *   unknownValuesKeys('istiod', { global: { meshId: 'm' } })  // -> ['global.meshId']
 *
 * Rules: a path is fine if it is in the chart's key list, or lies below one of the chart's
 * open maps (`env`, `meshConfig`, `podAnnotations`, ...), or matches via a chart alias
 * (istiod: `pilot.X` == `X`; gateway: `global.X` == `X`). Arrays and scalars are leaves.
 * Only the top-most unknown path of a subtree is reported.
 */
import keys from './chart-keys.generated.json' with { type: 'json' };

export type IstioChart = 'base' | 'istiod' | 'gateway';

interface ChartKeysFile {
  source: string;
  charts: Record<IstioChart, string[]>;
  openMaps: Record<IstioChart, string[]>;
  aliases: Record<IstioChart, Record<string, string>>;
}

const data: ChartKeysFile = keys;

interface Index {
  keys: Set<string>;
  open: Set<string>;
  aliases: Record<string, string>;
}
const indexes = new Map<IstioChart, Index>();

function indexFor(chart: IstioChart): Index {
  let idx = indexes.get(chart);
  if (!idx) {
    if (!(chart in data.charts)) throw new Error(`unknown Istio chart "${chart}"`);
    idx = { keys: new Set(data.charts[chart]), open: new Set(data.openMaps[chart]), aliases: data.aliases[chart] };
    indexes.set(chart, idx);
  }
  return idx;
}

type Status = 'known' | 'open' | 'unknown';

function statusOf(idx: Index, path: string[]): Status {
  const candidates = [path];
  const head = path[0]!;
  const target = idx.aliases[head];
  if (target !== undefined) {
    if (path.length === 1) return 'known'; // the alias key itself, e.g. `pilot:`
    candidates.push([...(target ? target.split('.') : []), ...path.slice(1)]);
  }
  let best: Status = 'unknown';
  for (const cand of candidates) {
    for (let i = 1; i <= cand.length; i++) {
      const prefix = cand.slice(0, i).join('.');
      if (!idx.keys.has(prefix)) break;
      if (idx.open.has(prefix)) return 'open';
      if (i === cand.length) best = 'known';
    }
  }
  return best;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths in `values` that the pinned `chart` does not know (sorted). */
export function unknownValuesKeys(chart: IstioChart, values: object): string[] {
  const idx = indexFor(chart);
  const out: string[] = [];
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [k, v] of Object.entries(node)) {
      const p = [...path, k];
      const st = statusOf(idx, p);
      if (st === 'unknown') out.push(p.join('.'));
      else if (st === 'known' && isPlainObject(v)) walk(v, p);
    }
  };
  if (isPlainObject(values)) walk(values, []);
  return out.sort();
}

/** Provenance string of the key lists (pinned Istio version and files). */
export const chartKeysSource: string = data.source;
