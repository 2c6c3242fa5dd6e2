import type { DirectoryAttribute } from './discovery.ts';
import { getIgnoreCase, isJsonObject as isObject } from './match.ts';
import { ECMA2HOST_PSEUDO_ATTRIBUTES, ECMA2HOST_USER_SCHEMA } from './resources.ts';

type Json = Record<string, unknown>;

const URN = ECMA2HOST_USER_SCHEMA.toLowerCase();
const PSEUDO = new Map(ECMA2HOST_PSEUDO_ATTRIBUTES.map((name) => [name.toLowerCase(), name]));

/** The ECMA2Host extension object of a resource, if it carries one. */
export function ecmaExtension(resource: unknown): Json | undefined {
  const extension = getIgnoreCase(resource, ECMA2HOST_USER_SCHEMA);
  return isObject(extension) ? extension : undefined;
}

/** Whether a name (in any case) is an ECMA2Host pseudo-attribute rather than a directory attribute. */
export function isPseudoAttribute(name: string): boolean {
  return PSEUDO.has(name.toLowerCase());
}

interface Sent {
  name: string;
  value: unknown;
}

/** Extension values of a resource or a path-less PATCH value: `{urn: {cn: …}}` and `{"urn:cn": …}` keys. */
function sentIn(object: Json, out: Sent[]): void {
  for (const [key, inner] of Object.entries(object)) {
    const lower = key.toLowerCase();
    if (lower === URN && isObject(inner))
      for (const [name, value] of Object.entries(inner)) out.push({ name, value });
    else if (lower.startsWith(`${URN}:`)) out.push({ name: key.slice(URN.length + 1), value: inner });
  }
}

/** The ECMA2Host extension values a resource or PatchOp body carries, by attribute name as sent. */
export function ecmaValuesIn(body: unknown): Sent[] {
  const out: Sent[] = [];
  if (!isObject(body)) return out;
  sentIn(body, out);
  const operations = getIgnoreCase(body, 'Operations');
  for (const operation of Array.isArray(operations) ? operations : []) {
    if (!isObject(operation)) continue;
    const rawPath = getIgnoreCase(operation, 'path');
    const path = typeof rawPath === 'string' ? rawPath.trim() : '';
    const value = getIgnoreCase(operation, 'value');
    if (path.toLowerCase() === URN) {
      if (isObject(value)) sentIn({ [URN]: value }, out);
    } else if (path.toLowerCase().startsWith(`${URN}:`)) {
      out.push({ name: path.slice(URN.length + 1), value });
    } else if (path === '') {
      for (const element of Array.isArray(value) ? value : [value])
        if (isObject(element)) sentIn(element, out);
    }
  }
  return out;
}

/** The ECMA2Host pseudo-attributes a resource or PatchOp body carries, by name. */
export function pseudoAttributesIn(body: unknown): string[] {
  const found = new Set<string>();
  for (const { name } of ecmaValuesIn(body)) {
    const pseudo = PSEUDO.get(name.toLowerCase());
    if (pseudo) found.add(pseudo);
  }
  return [...found];
}

// An INTEGER value as the directory returns it: optional sign, digits (RFC 4517 §3.3.16).
const INTEGER = /^-?\d+$/;

const isInteger = (value: unknown) =>
  (typeof value === 'number' && Number.isInteger(value)) ||
  (typeof value === 'string' && INTEGER.test(value));

/**
 * Why extension values do not fit what /Schemas publishes of their attribute, or undefined: several values
 * for a single-valued attribute (the directory would keep them all, or refuse with a misleading error), or
 * what is no integer (a number or a numeric string, as Entra sends) for an integer one. Names, never values.
 */
export function shapeProblem(body: unknown, directory: readonly DirectoryAttribute[]): string | undefined {
  const byName = new Map(directory.map((a) => [a.name.toLowerCase(), a]));
  for (const { name, value } of ecmaValuesIn(body)) {
    const attribute = byName.get(name.toLowerCase());
    if (!attribute || value === null || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (!attribute.multiValued && values.length > 1) return `${attribute.name} is single-valued`;
    if (attribute.type === 'integer' && !values.every((v) => v === null || isInteger(v)))
      return `${attribute.name} is an integer`;
  }
  return undefined;
}

function shaped(values: unknown[], attribute: DirectoryAttribute): unknown {
  const typed =
    attribute.type === 'integer'
      ? // Beyond 2^53 a JSON number loses digits: such a value stays the directory's string.
        values.map((v) =>
          typeof v === 'string' && INTEGER.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v,
        )
      : values;
  return attribute.multiValued ? typed : typed[0];
}

/** Whether a response body holds users, whose ECMA2Host extension asPublished shapes. */
export function carriesUsers(body: unknown): boolean {
  return isObject(body) && (Array.isArray(body['Resources']) || isObject(body[ECMA2HOST_USER_SCHEMA]));
}

/**
 * A User as published: ECMA2Host extension values in the shape /Schemas gives them (integers as numbers,
 * multi-valued attributes as arrays, single-valued ones as one value), pseudo-attributes only where published.
 * Other resources (a Group, a ListResponse's other members) pass through; a ListResponse's Resources are shaped.
 */
export function asPublished(
  body: unknown,
  directory: readonly DirectoryAttribute[],
  pseudoAttributes: boolean,
): unknown {
  if (!isObject(body)) return body;
  if (Array.isArray(body['Resources'])) {
    return {
      ...body,
      Resources: body['Resources'].map((r: unknown) => asPublished(r, directory, pseudoAttributes)),
    };
  }
  const extension = body[ECMA2HOST_USER_SCHEMA];
  if (!isObject(extension)) return body;
  const byName = new Map(directory.map((a) => [a.name.toLowerCase(), a]));
  const out: Json = {};
  for (const [key, value] of Object.entries(extension)) {
    if (PSEUDO.has(key.toLowerCase())) {
      if (pseudoAttributes) out[key] = value;
      continue;
    }
    const attribute = byName.get(key.toLowerCase());
    out[key] = attribute ? shaped(Array.isArray(value) ? value : [value], attribute) : value;
  }
  return { ...body, [ECMA2HOST_USER_SCHEMA]: out };
}
