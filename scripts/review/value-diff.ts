/**
 * Deep comparison of two parsed YAML values, as a list of changed fields:
 *
 *   diffValues({ spec: { replicas: 1 } }, { spec: { replicas: 2 } })
 *   // -> [{ path: 'spec.replicas', old: 1, new: 2 }]
 *
 * Mappings are compared key by key (sorted). Lists whose elements all have a unique `name`
 * (containers, ports, env, volumes, …) are compared by that name, `containers[reviews]`; other
 * lists by index, `failover[0]`. A field present on one side only is reported where it starts,
 * with its whole value (`old` or `new` undefined).
 */
import { isPlainObject } from './objects.ts';

export interface FieldChange {
  /** `spec.template.spec.containers[reviews].image`, `metadata.annotations["prometheus.io/port"]`. */
  readonly path: string;
  /** Undefined when the field is new. */
  readonly old?: unknown;
  /** Undefined when the field was removed. */
  readonly new?: unknown;
}

export function diffValues(a: unknown, b: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(a, b, '', out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[key], b[key], keyPath(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (byName(a) && byName(b) && a.length + b.length > 0) {
      const left = new Map(a.map((e) => [(e as { name: string }).name, e]));
      const right = new Map(b.map((e) => [(e as { name: string }).name, e]));
      for (const name of [...new Set([...left.keys(), ...right.keys()])]) walk(left.get(name), right.get(name), `${path}[${name}]`, out);
    } else {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
    }
    return;
  }
  out.push({ path: path || '(whole object)', old: a, new: b });
}

/** Every element a mapping with a string `name`, no name twice. */
function byName(list: unknown[]): boolean {
  const names = new Set<string>();
  for (const e of list) {
    if (!isPlainObject(e) || typeof e.name !== 'string' || names.has(e.name)) return false;
    names.add(e.name);
  }
  return true;
}

function keyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A value on one line, as JSON, cut to `max` characters (`…` marks the cut). Undefined is `(none)`. */
export function formatValue(value: unknown, max = 120): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
