import { invalidPath } from './errors.ts';
import { parsePath } from './filter.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const MAX_PAGE_SIZE = 1000;
const ALWAYS_RETURNED = new Set(['id', 'schemas', 'meta']);

type Json = Record<string, unknown>;

export function listResponse(resources: Json[], totalResults: number, startIndex: number): Json {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** startIndex (1-based, default 1) and count (default and maximum MAX_PAGE_SIZE) from a query, RFC 7644 §3.4.2.4. */
export function paging(query: { startIndex?: string | undefined; count?: string | undefined }): {
  startIndex: number;
  count: number;
} {
  const start = Number.parseInt(query.startIndex ?? '1', 10);
  const count = Number.parseInt(query.count ?? String(MAX_PAGE_SIZE), 10);
  return {
    startIndex: Number.isFinite(start) && start > 0 ? start : 1,
    count: Number.isFinite(count) ? Math.min(Math.max(count, 0), MAX_PAGE_SIZE) : MAX_PAGE_SIZE,
  };
}

function names(list: string | undefined): string[] {
  if (!list) return [];
  return list.split(',').map((text) => {
    try {
      const path = parsePath(text.trim());
      return (path.urn ? `${path.urn}:${path.name}` : path.name).toLowerCase();
    } catch (error) {
      throw invalidPath(`invalid attribute in attributes/excludedAttributes: ${(error as Error).message}`);
    }
  });
}

function keep(resource: Json, test: (key: string) => boolean): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS_RETURNED.has(key)) out[key] = value;
    else if (
      key.toLowerCase().startsWith('urn:') &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
    ) {
      const inner: Json = {};
      for (const [k, v] of Object.entries(value))
        if (test(`${key}:${k}`.toLowerCase()) || test(key.toLowerCase())) inner[k] = v;
      if (Object.keys(inner).length) out[key] = inner;
    } else if (test(key.toLowerCase())) out[key] = value;
  }
  return out;
}

/** Whether `attributes`/`excludedAttributes` keep a top-level attribute, as projectAttributes decides. */
export function keepsAttribute(
  query: { attributes?: string | undefined; excludedAttributes?: string | undefined },
  name: string,
): boolean {
  const only = names(query.attributes);
  if (only.length) return only.includes(name.toLowerCase());
  return !names(query.excludedAttributes).includes(name.toLowerCase());
}

/** Applies `attributes` (only these, plus id/schemas/meta) or `excludedAttributes`, RFC 7644 §3.9. */
export function projectAttributes(
  resource: Json,
  query: { attributes?: string | undefined; excludedAttributes?: string | undefined },
): Json {
  const only = names(query.attributes);
  if (only.length) return keep(resource, (key) => only.includes(key));
  const excluded = names(query.excludedAttributes);
  if (excluded.length) return keep(resource, (key) => !excluded.includes(key));
  return resource;
}
