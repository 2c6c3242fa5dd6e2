import { parseDn } from '../ldap/dn.ts';
import type { LdapEntry } from '../ldap/entry.ts';
import { valuesOf } from '../ldap/entry.ts';
import type { AttrPath } from '../scim/filter.ts';
import { getIgnoreCase } from '../scim/match.ts';
import {
  ECMA2HOST_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  userAttribute,
} from '../scim/resources.ts';
import { scimPath } from './attributes.ts';
import type { MappingSet } from './mapping-set.ts';

// Never returned to SCIM clients (RFC 7643: password is returned "never").
const NEVER_RETURNED = new Set(['userpassword']);

type Json = Record<string, unknown>;

function objectAt(parent: Json, key: string): Json {
  const existing = getIgnoreCase(parent, key);
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) return existing as Json;
  const created: Json = {};
  parent[key] = created;
  return created;
}

/** The element of a multi-valued attribute that `path.valueFilter` (an `eq` test such as type eq "work") picks. */
function elementFor(list: Json[], path: AttrPath): Json {
  const filter = path.valueFilter;
  const found = list.find((element) =>
    filter?.kind === 'compare'
      ? String(getIgnoreCase(element, filter.path.name)) === String(filter.value)
      : true,
  );
  if (found) return found;
  const element: Json =
    filter?.kind === 'compare' && filter.op === 'eq' ? { [filter.path.name]: filter.value } : {};
  list.push(element);
  return element;
}

/** Writes values at a SCIM path, creating the complex and multi-valued structure the path implies. */
export function setAtPath(resource: Json, path: AttrPath, values: readonly string[]): void {
  const owner = path.urn && !/core:2\.0:User$/i.test(path.urn) ? objectAt(resource, path.urn) : resource;
  const definition = userAttribute(path.urn, path.name);
  if (definition?.multiValued) {
    const current = getIgnoreCase(owner, path.name);
    const list = Array.isArray(current) ? (current as Json[]) : [];
    owner[definition.name] = list;
    if (path.valueFilter) {
      elementFor(list, path)[path.sub ?? 'value'] = values[0];
    } else {
      for (const value of values) list.push({ value });
    }
    return;
  }
  const name = definition?.name ?? path.name;
  if (path.sub !== undefined) objectAt(owner, name)[path.sub] = values[0];
  else owner[name] = values[0];
}

/** The values of the entry's naming attribute that its RDN names (`Britta.Simon` of `cn=Britta.Simon,…`). */
function rdnValues(entry: LdapEntry, attribute: string): string[] {
  try {
    const rdn = parseDn(entry.dn)[0] ?? [];
    return rdn.filter((ava) => ava.type.toLowerCase() === attribute.toLowerCase()).map((a) => a.value);
  } catch {
    return [];
  }
}

/**
 * A single-valued SCIM attribute stored in an attribute that also holds the RDN's value (displayName in cn
 * of `cn=<login>,…`, where the directory requires the RDN's value): the value that was written, not the RDN's.
 */
function writtenValues(entry: LdapEntry, attribute: string, path: AttrPath): string[] {
  const values = valuesOf(entry.attributes, attribute);
  const multiValued = userAttribute(path.urn, path.name)?.multiValued && !path.valueFilter;
  if (values.length < 2 || multiValued) return values;
  const naming = rdnValues(entry, attribute).map((v) => v.toLowerCase());
  const written = values.filter((v) => !naming.includes(v.toLowerCase()));
  return written.length ? written : values;
}

/**
 * The SCIM view of a directory entry: each direct (source) mapping in reverse, plus every attribute the
 * connector exposes under the ECMA2Host extension, so Entra sees the directory's own values. A user that no
 * mapping gives a userName (created through the ECMA2Host extension alone) shows its uid, else its DN. The
 * caller sets `id` and `meta`.
 */
export function toScim(set: MappingSet, entry: LdapEntry): Json {
  const resource: Json = { schemas: [set.object === 'User' ? USER_SCHEMA : GROUP_SCHEMA] };
  for (const mapping of set.attributes) {
    if (mapping.kind !== 'source' || NEVER_RETURNED.has(mapping.target.toLowerCase())) continue;
    const path = scimPath(mapping.source);
    const values = path ? writtenValues(entry, mapping.target, path) : [];
    if (values.length && path) setAtPath(resource, path, values);
  }
  if (set.object === 'Group') return resource;
  if (getIgnoreCase(resource, 'userName') === undefined)
    resource['userName'] = valuesOf(entry.attributes, 'uid')[0] ?? entry.dn;
  const extension: Json = {};
  for (const attribute of set.exposed) {
    if (NEVER_RETURNED.has(attribute.toLowerCase())) continue;
    const values = valuesOf(entry.attributes, attribute);
    if (values.length) extension[attribute] = values.length === 1 ? values[0] : values;
  }
  extension['-dn-'] = entry.dn;
  resource[ECMA2HOST_USER_SCHEMA] = extension;
  const schemas = resource['schemas'] as string[];
  if (ENTERPRISE_USER_SCHEMA in resource) schemas.push(ENTERPRISE_USER_SCHEMA);
  schemas.push(ECMA2HOST_USER_SCHEMA);
  return resource;
}
