/** True when a parsed JSON value nests deeper than `limit` (an object or array counts 1; stops early). */
export function depthExceeds(value: unknown, limit: number): boolean {
  return depthOver(value, limit, 0);
}

function depthOver(value: unknown, limit: number, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth + 1 > limit) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && depthOver(item, limit, depth + 1)) return true;
    return false;
  }
  for (const key in value as Record<string, unknown>) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && depthOver(item, limit, depth + 1)) return true;
  }
  return false;
}
