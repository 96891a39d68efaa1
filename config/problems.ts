/** A user error in config, with where it is. Rendered as `FILE:LINE:COL path: message`. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Field path such as `clusters[1].ranges.pods`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(document)'}: ${p.message}`;
}

/** Thrown by the loader with every problem found; callers print `problems` one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `['clusters', 1, 'ranges']` → `clusters[1].ranges`. */
export function pathToString(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    const safe = /^[A-Za-z0-9_$-]+$/.test(name) ? name : JSON.stringify(name);
    return out ? `${out}.${safe}` : safe;
  }, '');
}

/** Short human rendering of a value for the "got …" part of a message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'a mapping';
}
