import {
  AndFilter,
  EqualityFilter,
  GreaterThanEqualsFilter,
  type Filter as LdapFilter,
  LessThanEqualsFilter,
  NotFilter,
  OrFilter,
  PresenceFilter,
  SubstringFilter,
} from 'ldapts';
import { invalidFilter } from '../scim/errors.ts';
import { type AttrPath, type CompareOp, type CompValue, type Filter, formatPath } from '../scim/filter.ts';
import { ECMA2HOST_USER_SCHEMA } from '../scim/resources.ts';
import { scimPath } from './attributes.ts';
import type { EvaluationContext } from './expression/functions.ts';
import { toList } from './expression/values.ts';
import type { MappingSet } from './mapping-set.ts';
import { ldapString } from './to-ldap.ts';

function samePath(a: AttrPath, b: AttrPath): boolean {
  return formatPath(a).toLowerCase() === formatPath(b).toLowerCase();
}

function compareFilter(attribute: string, op: CompareOp, value: string): LdapFilter {
  const equality = () => new EqualityFilter({ attribute, value });
  switch (op) {
    case 'eq':
      return equality();
    case 'ne':
      return new NotFilter({ filter: equality() });
    case 'co':
      return new SubstringFilter({ attribute, any: [value] });
    case 'sw':
      return new SubstringFilter({ attribute, initial: value });
    case 'ew':
      return new SubstringFilter({ attribute, final: value });
    case 'ge':
      return new GreaterThanEqualsFilter({ attribute, value });
    case 'le':
      return new LessThanEqualsFilter({ attribute, value });
    case 'gt':
      return new AndFilter({
        filters: [new GreaterThanEqualsFilter({ attribute, value }), new NotFilter({ filter: equality() })],
      });
    case 'lt':
      return new AndFilter({
        filters: [new LessThanEqualsFilter({ attribute, value }), new NotFilter({ filter: equality() })],
      });
  }
}

function valueText(value: CompValue): string {
  return value === null ? '' : ldapString(value);
}

/** The directory attribute a SCIM path is stored in: a direct mapping's target, or an ECMA2Host attribute. */
function directTarget(set: MappingSet, path: AttrPath): string | undefined {
  if (path.urn === undefined && path.name.toLowerCase() === 'id' && !path.sub) {
    return set.connector.spec.user.anchor === 'entryUUID' ? 'entryUUID' : undefined;
  }
  if (path.urn?.toLowerCase() === ECMA2HOST_USER_SCHEMA.toLowerCase() && !path.sub && !path.valueFilter) {
    return exposedAttribute(set, path.name);
  }
  const sources = set.attributes.flatMap((m) => {
    const source = m.kind === 'source' ? scimPath(m.source) : null;
    return source ? [{ source, target: m.target }] : [];
  });
  const exact = sources.find(({ source }) => samePath(source, path));
  if (exact) return exact.target;
  // `emails.value eq "x"` asks about any email: the one a value path (emails[type eq "work"].value) stores.
  if (!path.valueFilter) {
    const withoutFilter = ({ valueFilter: _, ...rest }: AttrPath): AttrPath => rest;
    const loose = sources.find(({ source }) => samePath(withoutFilter(source), path));
    if (loose) return loose.target;
  }
  return undefined;
}

/**
 * A bare name no mapping answers for that the connector exposes (`mail eq "x"`): Entra's on-premises ECMA app
 * filters on its matching attribute by the directory attribute's name, without the extension URN.
 */
function exposedTarget(set: MappingSet, path: AttrPath): string | undefined {
  if (path.urn !== undefined || path.sub !== undefined || path.valueFilter) return undefined;
  return exposedAttribute(set, path.name);
}

/** An exposed attribute by name; never userPassword, which no filter may probe. */
function exposedAttribute(set: MappingSet, name: string): string | undefined {
  const lower = name.toLowerCase();
  return lower === 'userpassword' ? undefined : set.exposed.find((a) => a.toLowerCase() === lower);
}

/** meta.created and meta.lastModified are the directory's operational timestamps (RFC 4512 §3.4). */
const META_TIMESTAMPS: Record<string, string> = {
  created: 'createTimestamp',
  lastmodified: 'modifyTimestamp',
};

function generalizedTime(value: CompValue): string {
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime()))
    throw invalidFilter(`invalid filter: ${JSON.stringify(value)} is not a date`);
  return ldapString(date);
}

function comparison(
  set: MappingSet,
  path: AttrPath,
  op: CompareOp,
  value: CompValue,
  ctx: EvaluationContext,
): LdapFilter {
  const timestamp =
    path.name.toLowerCase() === 'meta' && !path.urn
      ? META_TIMESTAMPS[path.sub?.toLowerCase() ?? '']
      : undefined;
  if (timestamp) return compareFilter(timestamp, op, generalizedTime(value));
  const target = directTarget(set, path);
  if (target) return compareFilter(target, op, valueText(value));
  // A matching expression (uid = ToLower(Word([userName], 1, "@"))) is evaluated with the filter's value.
  for (const mapping of set.matching) {
    if (mapping.kind !== 'expression' || op !== 'eq') continue;
    const references = mapping.expression.attributes.map(scimPath);
    if (references.length === 0 || !references.every((r) => r && samePath(r, path))) continue;
    let values: string[];
    try {
      values = toList(mapping.expression.evaluate(() => value as string, ctx)).map(ldapString);
    } catch {
      values = [];
    }
    if (values.length === 0)
      return new NotFilter({ filter: new PresenceFilter({ attribute: 'objectClass' }) });
    return new OrFilter({
      filters: values.map((v) => new EqualityFilter({ attribute: mapping.target, value: v })),
    });
  }
  const exposed = exposedTarget(set, path);
  if (exposed) return compareFilter(exposed, op, valueText(value));
  throw invalidFilter(
    `invalid filter: attribute "${formatPath(path)}" is not mapped to a directory attribute`,
  );
}

/**
 * A SCIM filter as an LDAP filter object, built by construction: values are escaped when the filter is
 * encoded (RFC 4515), never concatenated into filter text. Throws 400 invalidFilter for unmapped attributes.
 */
export function scimFilterToLdap(set: MappingSet, filter: Filter, ctx: EvaluationContext): LdapFilter {
  switch (filter.kind) {
    case 'and':
      return new AndFilter({ filters: filter.filters.map((f) => scimFilterToLdap(set, f, ctx)) });
    case 'or':
      return new OrFilter({ filters: filter.filters.map((f) => scimFilterToLdap(set, f, ctx)) });
    case 'not':
      return new NotFilter({ filter: scimFilterToLdap(set, filter.filter, ctx) });
    case 'present': {
      const target = directTarget(set, filter.path) ?? exposedTarget(set, filter.path);
      if (!target)
        throw invalidFilter(
          `invalid filter: attribute "${formatPath(filter.path)}" is not mapped to a directory attribute`,
        );
      return new PresenceFilter({ attribute: target });
    }
    case 'has':
      throw invalidFilter(`invalid filter: "${formatPath(filter.path)}" needs an operator`);
    case 'compare':
      return comparison(set, filter.path, filter.op, filter.value, ctx);
  }
}
