import type { AttributeMapping, LdapConnector, MappingRule } from '../../config/types.ts';
import { ConfigError, type ConfigProblem } from '../../config/validate.ts';
import { type Dn, DnSyntaxError, isWithin, parseDn } from '../ldap/dn.ts';
import { didYouMean } from '../text/suggest.ts';
import {
  isKnownGroupAttribute,
  isKnownUserAttribute,
  knownGroupAttributeNames,
  knownUserAttributeNames,
} from './attributes.ts';
import { buildDn } from './dn-expression.ts';
import { type CompiledExpression, compileExpression } from './expression/compile.ts';
import { ExpressionError } from './expression/errors.ts';
import { fastHashProblems } from './password-source.ts';

export type MappingKind =
  | { kind: 'source'; source: string }
  | { kind: 'constant'; constant: string }
  | { kind: 'expression'; expression: CompiledExpression }
  | { kind: 'allocate'; min: number; max: number };

export type CompiledMapping = MappingKind & {
  target: string;
  apply: 'Always' | 'OnCreate';
  match?: number;
  /** Where the rule was declared, for error messages: `AttributeMapping/ldap-users spec.mappings[3]`. */
  origin: string;
};

/** The SCIM attribute references a mapping reads: its source, or its expression's attributes; none otherwise. */
export function mappingReads(mapping: CompiledMapping): string[] {
  if (mapping.kind === 'source') return [mapping.source];
  if (mapping.kind === 'expression') return [...mapping.expression.attributes];
  return [];
}

/** A connector with its mappings for one SCIM resource type, checked and compiled once when loaded. */
export interface MappingSet {
  connector: LdapConnector;
  object: 'User' | 'Group';
  /** Object classes of new entries, unless a mapping writes objectClass. */
  objectClasses: readonly string[];
  /** Directory attributes shown under the ECMA2Host extension (users only). */
  exposed: readonly string[];
  baseDN: Dn;
  /** The -dn- mapping. */
  dn: CompiledMapping;
  /** Every other mapping, in declaration order. */
  attributes: readonly CompiledMapping[];
  /** Matching mappings by precedence (match: 1 first). */
  matching: readonly CompiledMapping[];
}

const GROUP_CLASSES = {
  posixGroup: ['posixGroup'],
  groupOfNames: ['groupOfNames'],
  rfc2307bis: ['groupOfNames', 'posixGroup'],
};

const KNOWN = {
  User: { isKnown: isKnownUserAttribute, names: knownUserAttributeNames },
  Group: { isKnown: isKnownGroupAttribute, names: knownGroupAttributeNames },
};
const PROBE_CONTEXT = {
  now: () => new Date(0),
  randomBytes: (n: number) => new Uint8Array(n),
  uuid: () => '00000000-0000-0000-0000-000000000000',
};

function compileRule(
  rule: MappingRule,
  field: string,
  problems: ConfigProblem[],
  object: 'User' | 'Group',
): MappingKind | undefined {
  const attributes = KNOWN[object];
  if (rule.source !== undefined) {
    if (!attributes.isKnown(rule.source)) {
      const hint = didYouMean(rule.source, attributes.names());
      problems.push({ path: `${field}.source`, message: `unknown SCIM attribute "${rule.source}"${hint}` });
      return undefined;
    }
    return { kind: 'source', source: rule.source };
  }
  if (rule.constant !== undefined) return { kind: 'constant', constant: rule.constant };
  if (rule.allocate !== undefined)
    return { kind: 'allocate', min: rule.allocate.min, max: rule.allocate.max };
  try {
    return { kind: 'expression', expression: compileExpression(rule.expression as string, { attributes }) };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    problems.push({ path: `${field}.expression`, message: error.message });
    return undefined;
  }
}

/** Checks, where it can without a resource, that the DN lands within the base DN. */
function probeDn(mapping: CompiledMapping, baseDN: Dn): string | undefined {
  try {
    const dn = buildDn(mapping, () => 'probe', PROBE_CONTEXT);
    if (dn && !isWithin(dn, baseDN)) return 'the DN it builds is not within the connector baseDN';
  } catch (error) {
    if (error instanceof DnSyntaxError) return `it does not build a valid DN: ${error.message}`;
  }
  return undefined;
}

/**
 * Compiles a connector's mappings for users. Every problem in every mapping is reported at once, each naming
 * the resource, the mapping's index and field, and for expressions the line:column.
 */
export function compileMappingSet(
  connector: LdapConnector,
  mappings: readonly AttributeMapping[],
  object: 'User' | 'Group' = 'User',
): MappingSet {
  const problems: ConfigProblem[] = [];
  const compiled: CompiledMapping[] = [];
  const seen = new Map<string, string>();
  const subject = `LdapConnector/${connector.metadata.name}`;
  let baseDN: Dn = [];
  try {
    baseDN = parseDn(connector.spec.baseDN);
  } catch (error) {
    problems.push({ path: 'spec.baseDN', message: `is not a valid DN: ${(error as Error).message}` });
  }
  for (const resource of mappings) {
    const name = `AttributeMapping/${resource.metadata.name}`;
    resource.spec.mappings.forEach((rule, index) => {
      const field = `${name} spec.mappings[${index}]`;
      const previous = seen.get(rule.target.toLowerCase());
      if (previous) {
        problems.push({
          path: `${field}.target`,
          message: `"${rule.target}" is already mapped by ${previous}`,
        });
        return;
      }
      seen.set(rule.target.toLowerCase(), field);
      const kind = compileRule(rule, field, problems, object);
      if (!kind) return;
      const mapping: CompiledMapping = { ...kind, target: rule.target, apply: rule.apply, origin: field };
      if (rule.match !== undefined) mapping.match = rule.match;
      if (kind.kind === 'expression' && kind.expression.selectsUniqueValue && rule.match !== undefined) {
        problems.push({
          path: `${field}.match`,
          message: 'SelectUniqueValue cannot be a matching attribute',
        });
      }
      compiled.push(mapping);
    });
  }
  const dn = compiled.find((m) => m.target === '-dn-');
  if (!dn && mappings.length > 0)
    problems.push({ path: 'spec.mappings', message: 'a mapping with target -dn- is required' });
  if (dn && baseDN.length) {
    const problem = probeDn(dn, baseDN);
    if (problem) problems.push({ path: `${dn.origin}.target`, message: problem });
  }
  if (object === 'User') problems.push(...fastHashProblems(connector.spec.passwordHash, compiled));
  if (problems.length) throw new ConfigError('InvalidExpression', subject, problems);
  const others = compiled.filter((m) => m !== dn);
  const { user, group } = connector.spec;
  return {
    connector,
    object,
    objectClasses:
      object === 'User' ? [user.objectClass, ...user.auxiliaryObjectClasses] : GROUP_CLASSES[group.style],
    exposed: object === 'User' ? user.attributes : [],
    baseDN,
    dn: dn as CompiledMapping,
    attributes: others,
    matching: others.filter((m) => m.match !== undefined).sort((a, b) => (a.match ?? 0) - (b.match ?? 0)),
  };
}
