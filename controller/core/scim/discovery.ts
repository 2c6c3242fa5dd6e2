import { definitionNames } from '../ldap/schema.ts';
import { MAX_PAGE_SIZE } from './list.ts';
import {
  type AttributeDefinition,
  ECMA2HOST_USER_SCHEMA,
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_ATTRIBUTES,
  GROUP_SCHEMA,
  USER_ATTRIBUTES,
  USER_SCHEMA,
} from './resources.ts';

type Json = Record<string, unknown>;

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/scim-ldap/scim-ldap-operator/blob/main/docs/mapping.md',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: true },
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

export function resourceTypes(): Json[] {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User accounts, written to the directory as POSIX accounts',
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
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

function attribute(definition: AttributeDefinition): Json {
  const base: Json = {
    name: definition.name,
    type: definition.subAttributes ? 'complex' : definition.name === 'active' ? 'boolean' : 'string',
    multiValued: definition.multiValued === true,
    required: definition.name === 'userName',
    caseExact: definition.name === 'id',
    mutability:
      definition.name === 'id' ? 'readOnly' : definition.name === 'password' ? 'writeOnly' : 'readWrite',
    returned: definition.name === 'password' ? 'never' : 'default',
    uniqueness: definition.name === 'userName' || definition.name === 'id' ? 'server' : 'none',
  };
  if (definition.subAttributes) {
    base['subAttributes'] = definition.subAttributes.map((name) => ({
      name,
      type: name === 'primary' ? 'boolean' : name === '$ref' ? 'reference' : 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    }));
  }
  return base;
}

/** One attribute of the directory, exposed under the ECMA2Host extension. */
export interface DirectoryAttribute {
  name: string;
  multiValued: boolean;
}

/** /Schemas: core User, enterprise User, and the ECMA2Host extension listing the connector's attributes. */
export function schemas(directoryAttributes: readonly DirectoryAttribute[]): Json[] {
  const schema = (id: string, name: string, description: string, attributes: Json[]): Json => ({
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `/Schemas/${id}` },
  });
  const directory = [
    ...directoryAttributes.map((a) => ({
      ...attribute({ name: a.name }),
      multiValued: a.multiValued,
      caseExact: false,
    })),
    { ...attribute({ name: '-dn-' }), mutability: 'immutable' },
  ];
  return [
    schema(USER_SCHEMA, 'User', 'User Account', USER_ATTRIBUTES.map(attribute)),
    schema(GROUP_SCHEMA, 'Group', 'Group', GROUP_ATTRIBUTES.map(attribute)),
    schema(
      ENTERPRISE_USER_SCHEMA,
      'EnterpriseUser',
      'Enterprise User',
      ENTERPRISE_USER_ATTRIBUTES.map(attribute),
    ),
    schema(
      ECMA2HOST_USER_SCHEMA,
      'ECMA2HostUser',
      'Directory attributes, as ECMA2Host exposes them',
      directory,
    ),
  ];
}

/**
 * Which of `names` are single-valued, from the directory's subschema (attributeTypes values in RFC 4512 form:
 * `( oid NAME ( 'uid' 'userid' ) … SINGLE-VALUE … )`).
 */
export function directoryAttributes(
  names: readonly string[],
  attributeTypes: readonly string[],
): DirectoryAttribute[] {
  const single = new Set<string>();
  for (const definition of attributeTypes) {
    if (!/\bSINGLE-VALUE\b/.test(definition)) continue;
    for (const name of definitionNames(definition)) single.add(name.toLowerCase());
  }
  return names.map((name) => ({ name, multiValued: !single.has(name.toLowerCase()) }));
}
