import type { LdapConnectorSpec } from '../../config/types.ts';
import type { Modification } from '../ldap/diff.ts';
import { type Dn, formatDn, isWithin, parseDn } from '../ldap/dn.ts';
import { type LdapAttributes, type LdapEntry, valuesOf } from '../ldap/entry.ts';
import { scimPath } from '../mapping/attributes.ts';
import { type CompiledMapping, type MappingSet, mappingReads } from '../mapping/mapping-set.ts';
import { addRdnValues, type DesiredEntry } from '../mapping/to-ldap.ts';
import { ecmaExtension, isPseudoAttribute } from '../scim/ecma2host.ts';
import { invalidValue } from '../scim/errors.ts';
import { getIgnoreCase } from '../scim/match.ts';
import { type PatchOperation, topLevelKey } from '../scim/patch.ts';
import { ECMA2HOST_USER_SCHEMA } from '../scim/resources.ts';

type Json = Record<string, unknown>;

/** The DN a create names in the ECMA2Host extension (`-dn-`), checked to lie below the baseDN. */
export function extensionDn(set: MappingSet, resource: unknown): Dn | undefined {
  const raw = getIgnoreCase(ecmaExtension(resource), '-dn-');
  return typeof raw === 'string' && raw !== '' ? parseWithin(raw, set.baseDN) : undefined;
}

/** Sets an attribute, replacing what a mapping wrote under the same name in another case (CN, cn). */
function put(attributes: LdapAttributes, name: string, values: string[]): void {
  for (const key of Object.keys(attributes))
    if (key.toLowerCase() === name.toLowerCase()) delete attributes[key];
  attributes[name] = values;
}

const sameValues = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v) => b.includes(v));

/**
 * Values sent in the ECMA2Host extension are written as sent, so an Entra configuration built for ECMA2Host
 * works unchanged: attributes the connector exposes, `export_password` as userPassword, and on create `-dn-`
 * and `objectClass`. They override what mappings computed, except values equal to what the entry already
 * `held` where a mapping computed a value: a client that PUTs back what it read echoes the extension, and a
 * changed core attribute must win (an absent one clears nothing the extension still carries).
 */
export function applyEcmaExtension(
  set: MappingSet,
  desired: DesiredEntry,
  resource: unknown,
  mode: 'create' | 'update',
  held?: LdapAttributes,
): DesiredEntry {
  const extension = ecmaExtension(resource);
  if (!extension) return desired;
  const exposed = new Map(set.connector.spec.user.attributes.map((a) => [a.toLowerCase(), a]));
  const attributes = { ...desired.attributes };
  let dn = desired.dn;
  for (const [name, raw] of Object.entries(extension)) {
    const values = (Array.isArray(raw) ? raw : [raw])
      .filter((v) => v !== null && v !== undefined && v !== '')
      .map(String);
    const lower = name.toLowerCase();
    if (lower === 'export_password') {
      if (values.length) put(attributes, 'userPassword', values.slice(0, 1));
    } else if (lower === '-dn-') {
      if (mode === 'create' && values[0]) dn = parseWithin(values[0], set.baseDN);
    } else if (lower === 'objectclass') {
      if (mode === 'create' && values.length) put(attributes, 'objectClass', values);
    } else if (!isPseudoAttribute(lower) && exposed.has(lower)) {
      const attribute = exposed.get(lower) as string;
      const echoed = held !== undefined && sameValues(values, valuesOf(held, attribute));
      if (!(echoed && valuesOf(desired.attributes, attribute).length > 0)) put(attributes, attribute, values);
    }
  }
  const result = { ...desired, attributes, ...(dn ? { dn } : {}) };
  if (mode === 'create' && dn) addRdnValues(dn, result);
  return result;
}

/**
 * The resource with only the extension attributes a PATCH touched (all of them when it replaced the whole
 * extension), so the values it merely carried over from the entry do not override mappings.
 */
export function touchedExtension(resource: Json, touched: ReadonlySet<string>): Json {
  const extension = ecmaExtension(resource);
  const key = ECMA2HOST_USER_SCHEMA.toLowerCase();
  if (!extension || touched.has(key)) return extension ? { [ECMA2HOST_USER_SCHEMA]: extension } : {};
  const kept = Object.entries(extension).filter(([name]) => touched.has(`${key}:${name.toLowerCase()}`));
  return kept.length ? { [ECMA2HOST_USER_SCHEMA]: Object.fromEntries(kept) } : {};
}

function parseWithin(text: string, base: Dn): Dn {
  let dn: Dn;
  try {
    dn = parseDn(text);
  } catch (error) {
    throw invalidValue(`-dn- is not a valid DN: ${(error as Error).message}`);
  }
  if (!isWithin(dn, base) || dn.length === base.length)
    throw invalidValue('-dn- is not below the connector baseDN');
  return dn;
}

/**
 * The resource applyEcmaExtension reads for a PATCH: ECMA2Host attributes the PATCH removed are there as null,
 * so that their directory attributes are deleted rather than left as they were.
 */
export function ecmaPatchResource(resource: Json, operations: readonly PatchOperation[]): Json {
  const removed = operations.flatMap((o) =>
    o.op === 'remove' &&
    o.path?.urn?.toLowerCase() === ECMA2HOST_USER_SCHEMA.toLowerCase() &&
    !o.path.valueFilter &&
    o.path.sub === undefined
      ? [o.path.name]
      : [],
  );
  if (removed.length === 0) return resource;
  const extension: Json = { ...ecmaExtension(resource) };
  for (const name of removed)
    if (!Object.keys(extension).some((k) => k.toLowerCase() === name.toLowerCase())) extension[name] = null;
  const key = Object.keys(resource).find((k) => k.toLowerCase() === ECMA2HOST_USER_SCHEMA.toLowerCase());
  return { ...resource, [key ?? ECMA2HOST_USER_SCHEMA]: extension };
}

/** The top-level SCIM keys (as topLevelKey gives them) of the attributes a mapping reads. */
export function keysReadBy(mapping: CompiledMapping): string[] {
  return mappingReads(mapping).flatMap((reference) => {
    const path = scimPath(reference);
    return path ? [topLevelKey(path)] : [];
  });
}

/** Mappings to evaluate again after a PATCH: those reading an attribute the PATCH touched (never constants). */
export function mappingsTouchedBy(set: MappingSet, touched: ReadonlySet<string>): Set<CompiledMapping> {
  return new Set(set.attributes.filter((m) => keysReadBy(m).some((key) => touched.has(key))));
}

/** A user is disabled when the entry holds every value Disable sets. */
export function isActive(entry: LdapEntry, spec: LdapConnectorSpec): boolean {
  const set = Object.entries(spec.deprovisioning.disable.set);
  if (set.length === 0) return true;
  return !set.every(([attribute, value]) => valuesOf(entry.attributes, attribute).includes(value));
}

/** Disable: the modifications, and the values they replace (kept to restore them exactly on re-enable). */
export function disablePlan(
  entry: LdapEntry,
  spec: LdapConnectorSpec,
): { modifications: Modification[]; previous: LdapAttributes } {
  const previous: LdapAttributes = {};
  const modifications: Modification[] = [];
  for (const [attribute, value] of Object.entries(spec.deprovisioning.disable.set)) {
    previous[attribute] = valuesOf(entry.attributes, attribute);
    modifications.push({ operation: 'replace', attribute, values: [value] });
  }
  return { modifications, previous };
}

/** Re-enable: put back exactly what Disable replaced (absent attributes are removed again). */
export function enablePlan(entry: LdapEntry, previous: LdapAttributes): Modification[] {
  const modifications: Modification[] = [];
  for (const [attribute, values] of Object.entries(previous)) {
    if (values.length) modifications.push({ operation: 'replace', attribute, values });
    else if (valuesOf(entry.attributes, attribute).length)
      modifications.push({ operation: 'delete', attribute, values: [] });
  }
  return modifications;
}

/**
 * When modifications replace the value naming the entry (cn of `cn=bsimon,…`), the entry is renamed to the new
 * value first, so the directory never answers "not allowed on RDN". Returns the new DN, or null.
 */
export function renameForRdn(dn: string, modifications: readonly Modification[]): string | null {
  const parsed = parseDn(dn);
  const rdn = parsed[0];
  if (rdn?.length !== 1) return null;
  const ava = rdn[0] as { type: string; value: string };
  const change = modifications.find((m) => m.attribute.toLowerCase() === ava.type.toLowerCase());
  if (!change) return null;
  if (
    change.operation === 'replace' &&
    !change.values.includes(ava.value) &&
    change.values[0] !== undefined
  ) {
    return formatDn([[{ type: ava.type, value: change.values[0] }], ...parsed.slice(1)]);
  }
  if (change.operation === 'delete') throw invalidValue(`${ava.type} names the entry and cannot be removed`);
  return null;
}
