import type { AttrPath, CompValue, Filter } from './filter.ts';

export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a key of a JSON object case-insensitively, as SCIM attribute names are. */
export function getIgnoreCase(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const record = object as Record<string, unknown>;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(record)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The values at an attribute path of a resource: elements selected by a value filter, then their sub-attribute. */
export function resolvePath(object: unknown, path: AttrPath): unknown[] {
  const value =
    path.urn !== undefined
      ? getIgnoreCase(getIgnoreCase(object, path.urn), path.name)
      : getIgnoreCase(object, path.name);
  if (value === undefined || value === null) return [];
  let values = Array.isArray(value) ? value : [value];
  const { valueFilter, sub } = path;
  if (valueFilter) values = values.filter((element) => matchesFilter(element, valueFilter));
  if (sub !== undefined)
    values = values
      .map((element) => getIgnoreCase(element, sub))
      .filter((v) => v !== undefined && v !== null);
  return values;
}

function compareScalar(actual: unknown, op: string, expected: CompValue): boolean {
  if (expected === null) return op === 'eq' ? actual === null : actual !== null;
  if (typeof expected === 'boolean') {
    const a = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual === true;
    return op === 'ne' ? a !== expected : op === 'eq' && a === expected;
  }
  if (typeof expected === 'number') {
    const a = Number(actual);
    if (Number.isNaN(a)) return false;
    return (
      {
        eq: a === expected,
        ne: a !== expected,
        gt: a > expected,
        ge: a >= expected,
        lt: a < expected,
        le: a <= expected,
      }[op] ?? false
    );
  }
  // Strings compare case-insensitively: no attribute we match on is caseExact.
  const a = String(actual).toLowerCase();
  const e = expected.toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    default:
      return a <= e;
  }
}

/** Whether a JSON object (a resource, or an element of a multi-valued attribute) matches a SCIM filter. */
export function matchesFilter(object: unknown, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((f) => matchesFilter(object, f));
    case 'or':
      return filter.filters.some((f) => matchesFilter(object, f));
    case 'not':
      return !matchesFilter(object, filter.filter);
    case 'present':
    case 'has':
      return resolvePath(object, filter.path).some((v) => v !== '');
    case 'compare': {
      const values = resolvePath(object, filter.path);
      if (filter.op === 'ne')
        return values.length === 0 || values.every((v) => compareScalar(v, 'ne', filter.value));
      return values.some((v) => compareScalar(v, filter.op, filter.value));
    }
  }
}
