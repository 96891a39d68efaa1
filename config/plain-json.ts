/**
 * Whether a value survives a trip through JSON unchanged: what may be cached as JSON and compared
 * by its JSON text (the render's YAML cache, the loader's parse memo).
 */

/**
 * Whether `value` is a tree of JSON values that `JSON.stringify` renders without loss: no
 * undefined, -0, NaN, ±Infinity, class instance, `toJSON`, bigint or object used twice.
 */
export function isPlainJson(value: unknown, seen = new Set<object>()): boolean {
  return plain(value, seen, false);
}

/**
 * Whether JSON keeps `value` as equal data: `isPlainJson`, except that an object may appear in
 * several places (JSON gives each its own copy, equal to it); only a cycle fails.
 */
export function survivesJson(value: unknown): boolean {
  return plain(value, new Set(), true);
}

/** `seen`: objects met so far, or with `shared` only those on the path to `value` (its ancestors). */
function plain(value: unknown, seen: Set<object>, shared: boolean): boolean {
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
      const ok = plainMembers(value, seen, shared);
      if (shared) seen.delete(value);
      return ok;
    }
    default:
      return false;
  }
}

function plainMembers(value: object, seen: Set<object>, shared: boolean): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const list = value as unknown[];
    // By index, not every(): a hole is undefined here, as it is to `yaml`.
    for (let i = 0; i < list.length; i++) if (!plain(list[i], seen, shared)) return false;
    return true;
  }
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false;
  for (const key in value) if (!plain((value as Record<string, unknown>)[key], seen, shared)) return false;
  return true;
}
