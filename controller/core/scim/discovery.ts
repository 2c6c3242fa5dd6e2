import { attributeTypeFacts } from '../ldap/schema.ts';
import { MAX_PAGE_SIZE } from './list.ts';
import {
  type AttributeDefinition,
  ECMA2HOST_USER_SCHEMA,
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  isCoreSchema,
  USER_ATTRIBUTES,
  USER_SCHEMA,
} from './resources.ts';

type Json = Record<string, unknown>;

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** RFC 7643 §5; a password can be changed only where the connector writes userPassword. */
export function serviceProviderConfig(connector: ConnectorSchema): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/scim-ldap/scim-ldap-operator/blob/main/docs/mapping.md',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: connector.users.has(useKey(undefined, 'password')) },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The token from the connector scim.tokenSecretRef',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig' },
  };
}

/** Whether the connector's mappings read any enterprise attribute: otherwise the extension is not offered. */
function usesEnterprise(connector: ConnectorSchema): boolean {
  const prefix = `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:`;
  return [...connector.users.keys()].some((key) => key.startsWith(prefix));
}

export function resourceTypes(connector: ConnectorSchema): Json[] {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User accounts, written to the directory as POSIX accounts',
      schema: USER_SCHEMA,
      schemaExtensions: [
        ...(usesEnterprise(connector) ? [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] : []),
        { schema: ECMA2HOST_USER_SCHEMA, required: false },
      ],
      meta: { resourceType: 'ResourceType' },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups, written to the directory as POSIX groups',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType' },
    },
  ];
}

type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
type Returned = 'always' | 'never' | 'default' | 'request';

/** How a connector's mappings use one SCIM attribute (core or enterprise; keyed by `useKey`). */
export interface AttributeUse {
  /** A direct mapping gives it back, so it is returned by default. */
  returned: boolean;
  /** Every mapping storing it applies on create only: later writes change nothing. */
  onCreateOnly: boolean;
  /** A matching mapping reads it: a second resource with the same value gets 409 uniqueness. */
  unique: boolean;
  /** Sub-attributes mappings read (lower case); for value paths, the attribute their filter tests too. */
  subAttributes: ReadonlySet<string>;
  /** The only source of an attribute the directory's object classes require: a create without it fails. */
  required: boolean;
  /** Sub-attributes that are such a source (lower case). */
  requiredSubAttributes: ReadonlySet<string>;
  /** The directory attribute a direct mapping stores it in compares case-sensitively. */
  caseExact: boolean;
  /** Values of a sub-attribute that value paths select (`emails[type eq "work"]`: type, work); others are dropped. */
  canonicalValues: ReadonlyMap<string, readonly string[]>;
}

export type AttributeUses = ReadonlyMap<string, AttributeUse>;

/** The key of an attribute in AttributeUses: its extension URN (none for core) and name, in lower case. */
export function useKey(urn: string | undefined, name: string): string {
  const core = urn === undefined || isCoreSchema(urn);
  return `${core ? '' : urn.toLowerCase()}:${name.toLowerCase()}`;
}

/** One attribute of the directory, exposed under the ECMA2Host extension, as its subschema defines it. */
export interface DirectoryAttribute {
  name: string;
  multiValued: boolean;
  type: 'string' | 'integer';
  caseExact: boolean;
  /** A matching mapping writes it: a second user with the same value gets 409 uniqueness. */
  unique?: boolean;
}

/** What discovery describes of one connector. */
export interface ConnectorSchema {
  users: AttributeUses;
  groups: AttributeUses;
  directory: readonly DirectoryAttribute[];
}

interface Characteristics {
  type?: 'string' | 'boolean' | 'integer' | 'complex' | 'reference';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: Mutability;
  returned?: Returned;
  uniqueness?: 'none' | 'server';
  referenceTypes?: string[];
  canonicalValues?: readonly string[];
}

function described(name: string, c: Characteristics, subAttributes?: Json[]): Json {
  return {
    name,
    type: c.type ?? 'string',
    multiValued: c.multiValued ?? false,
    required: c.required ?? false,
    caseExact: c.caseExact ?? false,
    mutability: c.mutability ?? 'readWrite',
    returned: c.returned ?? 'default',
    uniqueness: c.uniqueness ?? 'none',
    ...(c.referenceTypes ? { referenceTypes: c.referenceTypes } : {}),
    ...(c.canonicalValues ? { canonicalValues: c.canonicalValues } : {}),
    ...(subAttributes ? { subAttributes } : {}),
  };
}

/** What the server does with an attribute its mappings use: stored and given back, or only stored. */
function fromUse(use: AttributeUse | undefined): Characteristics {
  if (!use?.returned) return { mutability: 'writeOnly', returned: 'never', required: use?.required ?? false };
  return {
    required: use.required,
    caseExact: use.caseExact,
    mutability: use.onCreateOnly ? 'immutable' : 'readWrite',
    returned: 'default',
    uniqueness: use.unique ? 'server' : 'none',
  };
}

// RFC 7643 §4 characteristics of sub-attributes that differ from the defaults.
const SUB_TYPES: Record<string, Characteristics> = {
  primary: { type: 'boolean' },
};

function complex(definition: AttributeDefinition, use: AttributeUse | undefined, own: Characteristics): Json {
  const subs = (definition.subAttributes ?? []).filter((s) => use?.subAttributes.has(s.toLowerCase()));
  return described(
    definition.name,
    { ...own, type: 'complex', multiValued: definition.multiValued === true },
    subs.map((s) => {
      const canonicalValues = use?.canonicalValues.get(s.toLowerCase());
      return described(s, {
        ...own,
        ...SUB_TYPES[s],
        uniqueness: 'none',
        required: use?.requiredSubAttributes.has(s.toLowerCase()) ?? false,
        ...(canonicalValues ? { canonicalValues } : {}),
      });
    }),
  );
}

/**
 * Core and enterprise User attributes: id, userName (required), active, password when the connector writes
 * userPassword, the read-only groups, and whatever the mappings read. What no mapping reads is dropped on
 * write, so it is not published.
 */
function userAttributes(
  uses: AttributeUses,
  urn: string | undefined,
  definitions: readonly AttributeDefinition[],
): Json[] {
  const out: Json[] = [];
  for (const definition of definitions) {
    const use = uses.get(useKey(urn, definition.name));
    const name = definition.name;
    if (name === 'id') out.push(ID);
    else if (name === 'userName') out.push(described(name, { ...fromUse(use), required: true }));
    else if (name === 'active') out.push(described(name, { type: 'boolean' }));
    else if (name === 'password') {
      if (use) out.push(described(name, { mutability: 'writeOnly', returned: 'never', caseExact: true }));
    } else if (name === 'groups') out.push(GROUPS);
    else if (!use) continue;
    else if (definition.name === 'manager') out.push(manager(fromUse(use), use));
    else if (definition.subAttributes) out.push(complex(definition, use, fromUse(use)));
    else
      out.push(described(definition.name, { ...fromUse(use), multiValued: definition.multiValued === true }));
  }
  return out;
}

const ID = described('id', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
});

// RFC 7643 §4.1.2: memberships are managed through /Groups.
const GROUPS = described('groups', { type: 'complex', multiValued: true, mutability: 'readOnly' }, [
  described('value', { mutability: 'readOnly' }),
  described('$ref', { type: 'reference', referenceTypes: ['Group'], mutability: 'readOnly' }),
  described('display', { mutability: 'readOnly' }),
  described('type', { mutability: 'readOnly' }),
]);

function manager(own: Characteristics, use: AttributeUse): Json {
  const subs = ['value', '$ref', 'displayName'].filter((s) => use.subAttributes.has(s.toLowerCase()));
  return described(
    'manager',
    { ...own, type: 'complex' },
    subs.map((s) =>
      s === '$ref'
        ? described(s, { ...own, type: 'reference', referenceTypes: ['User'] })
        : described(s, { ...own, uniqueness: 'none' }),
    ),
  );
}

function groupAttributes(uses: AttributeUses): Json[] {
  const out: Json[] = [ID];
  const externalId = uses.get(useKey(undefined, 'externalId'));
  if (externalId) out.push(described('externalId', fromUse(externalId)));
  out.push(
    described('displayName', { ...fromUse(uses.get(useKey(undefined, 'displayName'))), required: true }),
  );
  // Members are user ids; display is the member's uid (or DN), computed by the server.
  out.push(
    described('members', { type: 'complex', multiValued: true }, [
      described('value', { mutability: 'immutable', caseExact: true }),
      described('$ref', {
        type: 'reference',
        referenceTypes: ['User'],
        mutability: 'immutable',
        returned: 'never',
      }),
      described('display', { mutability: 'readOnly' }),
    ]),
  );
  return out;
}

/**
 * The ECMA2Host extension: the connector's directory attributes as the subschema defines them, and on the
 * ECMA2Host path the pseudo-attributes of Microsoft's connector, whose names RFC 7643's ATTRNAME grammar
 * does not allow.
 */
function directoryAttributeSchema(connector: ConnectorSchema, pseudo: boolean): Json[] {
  const out = connector.directory.map((a) =>
    a.name.toLowerCase() === 'userpassword'
      ? described(a.name, { caseExact: true, mutability: 'writeOnly', returned: 'never' })
      : described(a.name, {
          type: a.type,
          multiValued: a.multiValued,
          caseExact: a.caseExact,
          uniqueness: a.unique ? 'server' : 'none',
          // An entry's object classes are set when it is created; a later value is not written.
          mutability: a.name.toLowerCase() === 'objectclass' ? 'immutable' : 'readWrite',
        }),
  );
  if (!pseudo) return out;
  return [
    ...out,
    // Honoured on create (the entry's DN); a later change is ignored.
    described('-dn-', { mutability: 'immutable' }),
    // Accepted and ignored: the entry's DN comes from -dn- or the mapping.
    described('_distinguishedName', { mutability: 'readOnly', returned: 'never' }),
    described('export_password', { caseExact: true, mutability: 'writeOnly', returned: 'never' }),
  ];
}

/**
 * /Schemas (RFC 7643 §7, §8.7.1) for one connector: what its mappings and directory really do. `ecma2host`:
 * served at /ecma2host_<name>/scim, where the ECMA2Host pseudo-attributes are published.
 */
export function schemas(connector: ConnectorSchema, options: { ecma2host: boolean }): Json[] {
  const schema = (id: string, name: string, description: string, attributes: Json[]): Json => ({
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `/Schemas/${id}` },
  });
  return [
    schema(USER_SCHEMA, 'User', 'User Account', userAttributes(connector.users, undefined, USER_ATTRIBUTES)),
    schema(GROUP_SCHEMA, 'Group', 'Group', groupAttributes(connector.groups)),
    ...(usesEnterprise(connector)
      ? [
          schema(
            ENTERPRISE_USER_SCHEMA,
            'EnterpriseUser',
            'Enterprise User',
            userAttributes(connector.users, ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_ATTRIBUTES),
          ),
        ]
      : []),
    schema(
      ECMA2HOST_USER_SCHEMA,
      'ECMA2HostUser',
      'Directory attributes, as ECMA2Host exposes them',
      directoryAttributeSchema(connector, options.ecma2host),
    ),
  ];
}

const INTEGER_SYNTAX = '1.3.6.1.4.1.1466.115.121.1.27';
const comparesCase = (equality: string | undefined) => /^(caseExact|octetString)/i.test(equality ?? '');

/** The attribute types (lower-case names) whose equality rule compares case-sensitively. */
export function caseExactAttributes(attributeTypes: readonly string[]): Set<string> {
  return new Set(
    [...attributeTypeFacts(attributeTypes)].flatMap(([name, fact]) =>
      comparesCase(fact.equality) ? [name] : [],
    ),
  );
}
// Microsoft's OpenLDAP tutorial has administrators treat these as single-valued, whatever the schema allows.
const TREATED_AS_SINGLE = new Set(['cn', 'sn', 'mail', 'uid', 'userpassword']);

/**
 * The directory attributes `names` as the directory's subschema defines them (attributeTypes values in RFC
 * 4512 form: `( oid NAME ( 'uid' 'userid' ) SUP name EQUALITY … SYNTAX … SINGLE-VALUE )`): INTEGER syntax is
 * a SCIM integer, a caseExact or octetString equality rule compares case-sensitively.
 */
export function directoryAttributes(
  names: readonly string[],
  attributeTypes: readonly string[],
  matchingTargets: readonly string[] = [],
): DirectoryAttribute[] {
  const facts = attributeTypeFacts(attributeTypes);
  const matched = new Set(matchingTargets.map((t) => t.toLowerCase()));
  return names.map((name) => {
    const fact = facts.get(name.toLowerCase());
    return {
      name,
      ...(matched.has(name.toLowerCase()) ? { unique: true } : {}),
      multiValued: !TREATED_AS_SINGLE.has(name.toLowerCase()) && !(fact?.singleValue ?? false),
      type: fact?.syntax === INTEGER_SYNTAX ? 'integer' : 'string',
      caseExact: comparesCase(fact?.equality),
    };
  });
}
