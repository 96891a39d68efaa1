/**
 * Whether a value survives a trip through JSON unchanged: what may be cached as JSON and compared
 * by its JSON text (the render's YAML cache, the loader's parse memo).
 */

/**
 * Whether `value` is a tree of JSON values that `JSON.stringify` renders without loss: no
 * undefined, -0, NaN, ±Infinity, class instance, `toJSON`, bigint or object used twice.
 */
export function isPlainJson(value: unknown, seen = new Set<object>()): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const list = value as unknown[];
        // By index, not every(): a hole is undefined here, as it is to `yaml`.
        for (let i = 0; i < list.length; i++) if (!isPlainJson(list[i], seen)) return false;
        return true;
      }
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], seen)) return false;
      return true;
    }
    default:
      return false;
  }
}
