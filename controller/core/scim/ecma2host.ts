import type { DirectoryAttribute } from './discovery.ts';
import { getIgnoreCase } from './match.ts';
import { ECMA2HOST_PSEUDO_ATTRIBUTES, ECMA2HOST_USER_SCHEMA } from './resources.ts';

type Json = Record<string, unknown>;

const URN = ECMA2HOST_USER_SCHEMA.toLowerCase();
const PSEUDO = new Map(ECMA2HOST_PSEUDO_ATTRIBUTES.map((name) => [name.toLowerCase(), name]));

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The pseudo-attribute a key or path names: `-dn-` inside the extension, or `urn:…:ECMA2Host:2.0:User:-dn-`. */
function pseudoNamed(key: string, inExtension: boolean): string | undefined {
  const lower = key.toLowerCase();
  if (inExtension) return PSEUDO.get(lower);
  return lower.startsWith(`${URN}:`) ? PSEUDO.get(lower.slice(URN.length + 1)) : undefined;
}

// Deep enough for a PatchOp's value holding the extension object; hostile nesting stops here, not the stack.
const MAX_DEPTH = 6;

function collect(value: unknown, found: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const element of value) collect(element, found, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    const named = pseudoNamed(key, false);
    if (named) found.add(named);
    if (key.toLowerCase() === URN && isObject(inner)) {
      for (const sub of Object.keys(inner)) {
        const pseudo = pseudoNamed(sub, true);
        if (pseudo) found.add(pseudo);
      }
    }
    if (key.toLowerCase() === 'path' && typeof inner === 'string') {
      const path = inner.trim();
      const pseudo = pseudoNamed(path, false);
      if (pseudo) found.add(pseudo);
      // An operation on the extension itself: its value's keys are the extension's attributes.
      if (path.toLowerCase() === URN) collect({ [URN]: getIgnoreCase(value, 'value') }, found, depth + 1);
    }
    if (key.toLowerCase() === 'operations' || key.toLowerCase() === 'value') collect(inner, found, depth + 1);
  }
}

/** The ECMA2Host pseudo-attributes a resource or PatchOp body carries, by name. */
export function pseudoAttributesIn(body: unknown): string[] {
  const found = new Set<string>();
  collect(body, found);
  return [...found];
}

// An INTEGER value as the directory returns it: optional sign, digits (RFC 4517 §3.3.16).
const INTEGER = /^-?\d+$/;

function shaped(values: unknown[], attribute: DirectoryAttribute): unknown {
  const typed =
    attribute.type === 'integer'
      ? values.map((v) => (typeof v === 'string' && INTEGER.test(v) ? Number(v) : v))
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
