/** A user error in config, with where it is. Rendered as `FILE:LINE:COL path: message`. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Field path such as `clusters[1].ranges.pods`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  /**
   * `warning`: a setting that is accepted but has no effect (e.g. an address for a gateway the
   * topology does not run). Warnings are printed, never fail a command.
   * @default 'error'
   */
  readonly severity?: 'error' | 'warning';
}

/** `FILE:LINE:COL path: message`, or `FILE:LINE:COL path: warning: message` for a warning. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(document)'}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

export const isWarning = (p: Problem): boolean => p.severity === 'warning';

/**
 * Thrown by the loader with every error found (`problems`), and the warnings found beside them;
 * callers print both, one per line.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly Problem[], readonly warnings: readonly Problem[] = []) {
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
