import { type Dn, formatDn, isWithin } from '../ldap/dn.ts';
import type { LdapAttributes } from '../ldap/entry.ts';
import { lookupAttribute } from './attributes.ts';
import { buildDn } from './dn-expression.ts';
import type { EvaluationContext } from './expression/functions.ts';
import { DropFlow, EvaluationError, type Scalar, toList, type Value } from './expression/values.ts';
import type { CompiledMapping, MappingSet } from './mapping-set.ts';

/** A mapping that could not be evaluated for this resource; the listener answers 400 invalidValue. */
export class MappingError extends Error {
  public readonly target: string;

  public constructor(mapping: CompiledMapping, message: string) {
    super(`${mapping.target} (${mapping.origin}): ${message}`);
    this.name = 'MappingError';
    this.target = mapping.target;
  }
}

/** What a SCIM resource should look like in the directory. */
export interface DesiredEntry {
  /** Set on create; on update only when the -dn- mapping applies Always. */
  dn?: Dn;
  /** Attribute values to hold; an empty list means the attribute should not exist. */
  attributes: LdapAttributes;
  /** POSIX numbers the listener must allocate, uniquely, in [min, max]. */
  allocate: { target: string; min: number; max: number }[];
  /** SelectUniqueValue results: the listener writes the first candidate the directory does not hold yet. */
  unique: { target: string; candidates: string[] }[];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** LDAP string forms: booleans per RFC 4517 Boolean syntax, dates as GeneralizedTime. */
export function ldapString(value: Scalar): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}${pad(value.getUTCMonth() + 1)}${pad(value.getUTCDate())}${pad(value.getUTCHours())}${pad(value.getUTCMinutes())}${pad(value.getUTCSeconds())}Z`;
  }
  return String(value);
}

function ldapValues(value: Value): string[] {
  return [...new Set(toList(value).map(ldapString))].filter((v) => v !== '');
}

function evaluate(mapping: CompiledMapping, resource: unknown, ctx: EvaluationContext): Value {
  switch (mapping.kind) {
    case 'source':
      return lookupAttribute(resource, mapping.source);
    case 'constant':
      return mapping.constant;
    case 'expression':
      return mapping.expression.evaluate((path) => lookupAttribute(resource, path), ctx);
    case 'allocate':
      return null;
  }
}

/**
 * Maps a SCIM resource to the entry it should be. On create every mapping applies; on update only `Always`
 * ones, and a mapping that produces nothing clears its attribute. IgnoreFlowIfNullOrEmpty leaves the target out.
 * A `dn` the client gave (the ECMA2Host `-dn-`) stands in for the -dn- mapping, which then is not evaluated:
 * its sources may be absent from a resource built for ECMA2Host.
 */
export function toLdap(
  set: MappingSet,
  resource: unknown,
  mode: 'create' | 'update',
  ctx: EvaluationContext,
  given?: Dn,
): DesiredEntry {
  const desired: DesiredEntry = { attributes: {}, allocate: [], unique: [] };
  const applies = (m: CompiledMapping) => mode === 'create' || m.apply === 'Always';
  for (const mapping of set.attributes.filter(applies)) {
    if (mapping.kind === 'allocate') {
      if (mode === 'create')
        desired.allocate.push({ target: mapping.target, min: mapping.min, max: mapping.max });
      continue;
    }
    let value: Value;
    try {
      value = evaluate(mapping, resource, ctx);
    } catch (error) {
      if (error instanceof DropFlow) continue;
      if (error instanceof EvaluationError) throw new MappingError(mapping, error.message);
      throw error;
    }
    if (mapping.kind === 'expression' && mapping.expression.selectsUniqueValue) {
      desired.unique.push({ target: mapping.target, candidates: ldapValues(value) });
      continue;
    }
    const values = ldapValues(value);
    if (values.length || mode === 'update') desired.attributes[mapping.target] = values;
  }
  if (applies(set.dn)) {
    const dn = given ?? buildEntryDn(set, resource, ctx);
    desired.dn = dn;
    if (mode === 'create') addObjectClasses(set, desired);
    if (mode === 'create') addRdnValues(dn, desired);
  }
  return desired;
}

function buildEntryDn(set: MappingSet, resource: unknown, ctx: EvaluationContext): Dn {
  let dn: Dn | null;
  try {
    dn = buildDn(set.dn, (path) => lookupAttribute(resource, path), ctx);
  } catch (error) {
    if (error instanceof DropFlow) dn = null;
    else throw new MappingError(set.dn, (error as Error).message);
  }
  if (!dn || dn.length === 0) throw new MappingError(set.dn, 'produced no DN for this resource');
  if (!isWithin(dn, set.baseDN) || dn.length === set.baseDN.length) {
    throw new MappingError(
      set.dn,
      `${formatDn(dn)} is not below the connector baseDN ${formatDn(set.baseDN)}`,
    );
  }
  return dn;
}

function addObjectClasses(set: MappingSet, desired: DesiredEntry): void {
  const existing = Object.keys(desired.attributes).find((a) => a.toLowerCase() === 'objectclass');
  if (existing) return;
  desired.attributes = { objectClass: [...set.objectClasses], ...desired.attributes };
}

/** The naming attribute's value must be among the entry's values (RFC 4512 §2.3.1). */
export function addRdnValues(dn: Dn, desired: Pick<DesiredEntry, 'attributes'>): void {
  for (const ava of dn[0] ?? []) {
    const key =
      Object.keys(desired.attributes).find((a) => a.toLowerCase() === ava.type.toLowerCase()) ?? ava.type;
    const values = desired.attributes[key] ?? [];
    if (!values.includes(ava.value)) desired.attributes[key] = [ava.value, ...values];
  }
}
