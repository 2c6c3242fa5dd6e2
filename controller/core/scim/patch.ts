import { ScimError } from './errors.ts';
import { type AttrPath, type Filter, parsePath } from './filter.ts';
import { getIgnoreCase, isJsonObject, matchesFilter } from './match.ts';
import { userAttribute } from './resources.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: AttrPath;
  value?: unknown;
}

type Json = Record<string, unknown>;

function invalid(
  scimType: 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue',
  message: string,
): ScimError {
  return new ScimError({ status: 400, scimType }, message);
}

/** A top-level attribute key, lower case: `displayname`, `name`, or `urn:…:user:department` for extensions. */
export function topLevelKey(path: AttrPath): string {
  return (
    path.urn !== undefined && !/core:2\.0:User$/i.test(path.urn) ? `${path.urn}:${path.name}` : path.name
  ).toLowerCase();
}

// A schema URN on its own: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.
const SCHEMA_URN = /^urn:[^ ]+:\d+\.\d+:[A-Za-z]+$/i;

// Extension schemas Entra sends attributes of, as `urn:…:User:attr` keys or paths.
const EXTENSION_KEY = /^(urn:[^ ]+:[^:]+:\d+\.\d+:[A-Za-z]+):([A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?)$/i;

/**
 * Validates a SCIM PatchOp body and normalises Entra's shapes: ops in any case, path-less add/replace whose value
 * keys are dotted (`name.givenName`) or URN-prefixed, "True"/"False" strings. Messages name the operation index.
 */
export function parsePatch(body: unknown): PatchOperation[] {
  const operations = getIgnoreCase(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalid('invalidSyntax', 'PatchOp body needs a non-empty "Operations" array');
  }
  const parsed: PatchOperation[] = [];
  operations.forEach((raw, index) => {
    const at = `Operations[${index}]`;
    if (typeof raw !== 'object' || raw === null) throw invalid('invalidSyntax', `${at} must be an object`);
    const op = String(getIgnoreCase(raw, 'op') ?? '').toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw invalid(
        'invalidSyntax',
        `${at}.op must be add, replace or remove, not ${JSON.stringify(getIgnoreCase(raw, 'op'))}`,
      );
    }
    const pathText = getIgnoreCase(raw, 'path');
    const value = getIgnoreCase(raw, 'value');
    if (pathText === undefined || pathText === null || pathText === '') {
      if (op === 'remove') throw invalid('noTarget', `${at}: remove needs a path`);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalid('invalidValue', `${at}: ${op} without a path needs an object value`);
      }
      for (const [key, v] of Object.entries(value)) parsed.push(...splitPathless(op, key, v, at));
      return;
    }
    if (typeof pathText !== 'string') throw invalid('invalidPath', `${at}.path must be a string`);
    // The path is an extension schema itself (RFC 7644 §3.5.2 allows any attribute, and an extension is one):
    // its object value sets the attributes inside it, as in a path-less operation.
    if (op !== 'remove' && SCHEMA_URN.test(pathText.trim()) && isJsonObject(value)) {
      parsed.push(...splitPathless(op, pathText.trim(), value, at));
      return;
    }
    let path: AttrPath;
    try {
      path = parsePath(pathText);
    } catch (error) {
      throw invalid('invalidPath', `${at}.path: ${(error as Error).message}`);
    }
    if (op !== 'remove' && value === undefined) throw invalid('invalidValue', `${at}: ${op} needs a value`);
    parsed.push(value === undefined ? { op, path } : { op, path, value });
  });
  return parsed;
}

function splitPathless(op: 'add' | 'replace', key: string, value: unknown, at: string): PatchOperation[] {
  // An extension schema's whole object: one operation per attribute inside it.
  if (
    /^urn:/i.test(key) &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !EXTENSION_KEY.test(key)
  ) {
    return Object.entries(value).map(([name, v]) => ({
      op,
      path: { urn: key, ...splitDotted(name) },
      value: v,
    }));
  }
  const extension = EXTENSION_KEY.exec(key);
  if (extension)
    return [{ op, path: { urn: extension[1] as string, ...splitDotted(extension[2] as string) }, value }];
  if (!/^[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/.test(key))
    throw invalid('invalidPath', `${at}: invalid attribute name ${JSON.stringify(key)}`);
  return [{ op, path: splitDotted(key), value }];
}

function splitDotted(name: string): { name: string; sub?: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { name } : { name: name.slice(0, dot), sub: name.slice(dot + 1) };
}

function ownerOf(resource: Json, path: AttrPath, create: boolean): Json | undefined {
  if (path.urn === undefined || /core:2\.0:User$/i.test(path.urn)) return resource;
  const key = Object.keys(resource).find((k) => k.toLowerCase() === path.urn?.toLowerCase()) ?? path.urn;
  const existing = resource[key];
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) return existing as Json;
  if (!create) return undefined;
  const owner: Json = {};
  resource[key] = owner;
  return owner;
}

function keyIn(object: Json, name: string): string {
  return (
    Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase()) ??
    userAttribute(undefined, name)?.name ??
    name
  );
}

/** Values of a filter's equality tests, used to create the element a value-path replace targets. */
function equalities(filter: Filter): Json {
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.path.name]: filter.value };
  if (filter.kind === 'and') return Object.assign({}, ...filter.filters.map(equalities));
  return {};
}

function sameValue(a: unknown, b: unknown): boolean {
  const av = typeof a === 'object' && a !== null ? getIgnoreCase(a, 'value') : a;
  const bv = typeof b === 'object' && b !== null ? getIgnoreCase(b, 'value') : b;
  return String(av).toLowerCase() === String(bv).toLowerCase();
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function applyOne(resource: Json, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (!path) return;
  const owner = ownerOf(resource, path, op !== 'remove');
  if (!owner) return;
  const key = keyIn(owner, path.name);
  const multiValued = userAttribute(path.urn, path.name)?.multiValued === true || Array.isArray(owner[key]);

  if (path.valueFilter) {
    const filter = path.valueFilter;
    const list = asList(owner[key]) as Json[];
    const matching = list.filter((element) => matchesFilter(element, filter));
    if (op === 'remove') {
      if (path.sub === undefined) owner[key] = list.filter((element) => !matching.includes(element));
      else for (const element of matching) delete element[keyIn(element, path.sub)];
      return;
    }
    const targets = matching.length ? matching : [equalities(filter)];
    if (!matching.length) list.push(targets[0] as Json);
    for (const element of targets) {
      if (path.sub !== undefined) element[keyIn(element, path.sub)] = value;
      else if (typeof value === 'object' && value !== null) Object.assign(element, value);
    }
    owner[key] = list;
    return;
  }

  if (path.sub !== undefined) {
    const parent = owner[key];
    if (op === 'remove') {
      if (Array.isArray(parent))
        for (const element of parent as Json[]) delete element[keyIn(element, path.sub)];
      else if (typeof parent === 'object' && parent !== null)
        delete (parent as Json)[keyIn(parent as Json, path.sub)];
      return;
    }
    const object =
      typeof parent === 'object' && parent !== null && !Array.isArray(parent) ? (parent as Json) : {};
    object[keyIn(object, path.sub)] = value;
    owner[key] = object;
    return;
  }

  if (op === 'remove') {
    // Entra removes chosen values with {"op":"Remove","path":"members","value":[...]}: remove those, not all.
    if (multiValued && value !== undefined)
      owner[key] = asList(owner[key]).filter((element) => !asList(value).some((v) => sameValue(element, v)));
    else delete owner[key];
    return;
  }
  if (multiValued && op === 'add') {
    const list = asList(owner[key]);
    for (const v of asList(value)) if (!list.some((element) => sameValue(element, v))) list.push(v);
    owner[key] = list;
    return;
  }
  if (
    op === 'add' &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof owner[key] === 'object' &&
    owner[key] !== null
  ) {
    Object.assign(owner[key] as Json, value);
    return;
  }
  owner[key] = multiValued ? asList(value) : value;
}

/**
 * Applies parsed operations to a copy of a SCIM resource. Returns the new resource and the top-level attributes
 * the operations touched, so that only mappings reading those attributes are evaluated again.
 */
export function applyPatch(
  resource: Json,
  operations: readonly PatchOperation[],
): { resource: Json; touched: Set<string> } {
  const copy = structuredClone(resource);
  const touched = new Set<string>();
  for (const operation of operations) {
    if (!operation.path) continue;
    applyOne(copy, operation);
    touched.add(topLevelKey(operation.path));
  }
  return { resource: copy, touched };
}
