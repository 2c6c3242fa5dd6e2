import { Ajv, type ErrorObject } from 'ajv';
import { type CelRule, checkFor } from './cel.ts';
import { API_VERSION, attributeMappingSpec, ldapConnectorSpec } from './schema.ts';
import type { ScimLdapResource } from './types.ts';

/** One problem in a resource: the field path (spec.mappings[3].target) and what is wrong. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** The closed catalogue of configuration errors. */
export type ConfigErrorCode = 'UnknownKind' | 'InvalidSpec' | 'InvalidExpression' | 'InvalidYaml';

function formatProblem(problem: ConfigProblem): string {
  const text = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  return `  ${text.replaceAll('\n', '\n    ')}`;
}

export class ConfigError extends Error {
  public readonly code: ConfigErrorCode;
  /** Which resource or file: `AttributeMapping/ldap-users` or `examples/contoso/mapping.yaml`. */
  public readonly subject: string;
  public readonly problems: readonly ConfigProblem[];

  public constructor(code: ConfigErrorCode, subject: string, problems: readonly ConfigProblem[]) {
    super(`${subject}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
    this.code = code;
    this.subject = subject;
    this.problems = problems;
  }
}

const KUBERNETES_KEYWORDS = [
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-preserve-unknown-fields',
];

// Our own instance (not fastify's): strict schema checking, every error reported, defaults filled in.
const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true });
for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword });

const validators = {
  LdapConnector: ajv.compile(ldapConnectorSpec),
  AttributeMapping: ajv.compile(attributeMappingSpec),
};
const specSchemas = { LdapConnector: ldapConnectorSpec, AttributeMapping: attributeMappingSpec };

/** `/spec/mappings/3/target` → `spec.mappings[3].target` */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function describeAjvError(error: ErrorObject): ConfigProblem {
  const at = fieldPath(`/spec${error.instancePath}`);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        path: at ? `${at}.${String(params['missingProperty'])}` : String(params['missingProperty']),
        message: 'is required',
      };
    case 'additionalProperties':
      return { path: `${at}.${String(params['additionalProperty'])}`, message: 'is not a known field' };
    case 'enum':
      return { path: at, message: `must be one of ${(params['allowedValues'] as string[]).join(', ')}` };
    default:
      return { path: at, message: error.message ?? error.keyword };
  }
}

type SchemaNode = {
  'x-kubernetes-validations'?: readonly CelRule[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
};

/** Runs the TypeScript twins of the schema's CEL rules over already type-checked, defaulted data. */
function celProblems(schema: SchemaNode, data: unknown, pointer: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (!checkFor(rule.rule)(data)) problems.push({ path: fieldPath(pointer), message: rule.message });
  }
  if (schema.items && Array.isArray(data)) {
    data.forEach((item, index) => {
      problems.push(...celProblems(schema.items as SchemaNode, item, `${pointer}/${index}`));
    });
  }
  if (schema.properties && typeof data === 'object' && data !== null) {
    for (const [key, child] of Object.entries(schema.properties)) {
      const value = (data as Record<string, unknown>)[key];
      if (value !== undefined) problems.push(...celProblems(child, value, `${pointer}/${key}`));
    }
  }
  return problems;
}

/**
 * Attributes whose values the listener cannot know: hashed or write-only. Disable saves the values it replaces
 * (in ou=disabled, to restore them), so setting one would copy a password hash into a readable entry, or save
 * nothing for a value the bind identity may not read, and re-enable could not restore it.
 */
const UNKNOWABLE_ATTRIBUTES = [
  'userPassword',
  'authPassword',
  'unicodePwd',
  'sambaNTPassword',
  'sambaLMPassword',
  'sambaPasswordHistory',
  'krbPrincipalKey',
  'pwdHistory',
];
const UNKNOWABLE = new Set(UNKNOWABLE_ATTRIBUTES.map((a) => a.toLowerCase()));

/** Problems of spec.deprovisioning.disable.set that the schema cannot express, each naming the attribute. */
function disableSetProblems(spec: unknown): ConfigProblem[] {
  const set = (spec as { deprovisioning?: { disable?: { set?: Record<string, string> } } }).deprovisioning
    ?.disable?.set;
  return Object.keys(set ?? {})
    .filter((attribute) => UNKNOWABLE.has(attribute.toLowerCase()))
    .map((attribute) => ({
      path: `spec.deprovisioning.disable.set.${attribute}`,
      message:
        'Disable cannot set a password attribute: it saves the values it replaces to restore them on re-enable, and a password is hashed or write-only (use pwdAccountLockedTime or shadowExpire)',
    }));
}

function subjectOf(doc: Record<string, unknown>): string {
  const metadata = doc['metadata'] as { name?: unknown } | undefined;
  return `${String(doc['kind'] ?? 'resource')}/${String(metadata?.name ?? '(unnamed)')}`;
}

/**
 * Validates a scim-ldap.io resource and fills in its defaults (in place). Throws ConfigError naming every
 * problem by field path; nothing half-valid is returned.
 */
export function validateResource(doc: unknown): ScimLdapResource {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError('InvalidSpec', 'resource', [{ path: '', message: 'must be a YAML mapping' }]);
  }
  const record = doc as Record<string, unknown>;
  const subject = subjectOf(record);
  const kind = record['kind'];
  if (record['apiVersion'] !== API_VERSION || (kind !== 'LdapConnector' && kind !== 'AttributeMapping')) {
    throw new ConfigError('UnknownKind', subject, [
      { path: 'apiVersion', message: `expected ${API_VERSION} with kind LdapConnector or AttributeMapping` },
    ]);
  }
  const metadata = record['metadata'] as { name?: unknown } | undefined;
  if (typeof metadata?.name !== 'string' || metadata.name === '') {
    throw new ConfigError('InvalidSpec', subject, [{ path: 'metadata.name', message: 'is required' }]);
  }
  const validate = validators[kind];
  if (!validate(record['spec'])) {
    const problems = (validate.errors ?? []).map(describeAjvError);
    throw new ConfigError(
      'InvalidSpec',
      subject,
      problems.length ? problems : [{ path: 'spec', message: 'is invalid' }],
    );
  }
  const problems = celProblems(specSchemas[kind] as SchemaNode, record['spec'], '/spec');
  if (kind === 'LdapConnector') problems.push(...disableSetProblems(record['spec']));
  if (problems.length) throw new ConfigError('InvalidSpec', subject, problems);
  return doc as ScimLdapResource;
}
