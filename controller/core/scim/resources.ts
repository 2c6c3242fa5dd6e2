/** The SCIM schemas we serve (RFC 7643 §4 and the extensions Entra sends), as attribute names by schema. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Microsoft's ECMA2Host exposes every directory attribute under this extension. */
export const ECMA2HOST_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

export interface AttributeDefinition {
  name: string;
  multiValued?: boolean;
  subAttributes?: readonly string[];
}

const multi = (name: string, subAttributes: readonly string[]): AttributeDefinition => ({
  name,
  multiValued: true,
  subAttributes,
});
const TYPED = ['value', 'display', 'type', 'primary'];

export const USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  { name: 'id' },
  { name: 'externalId' },
  { name: 'userName' },
  {
    name: 'name',
    subAttributes: [
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ],
  },
  { name: 'displayName' },
  { name: 'nickName' },
  { name: 'profileUrl' },
  { name: 'title' },
  { name: 'userType' },
  { name: 'preferredLanguage' },
  { name: 'locale' },
  { name: 'timezone' },
  { name: 'active' },
  { name: 'password' },
  multi('emails', TYPED),
  multi('phoneNumbers', TYPED),
  multi('ims', TYPED),
  multi('photos', TYPED),
  multi('addresses', [
    'formatted',
    'streetAddress',
    'locality',
    'region',
    'postalCode',
    'country',
    'type',
    'primary',
  ]),
  multi('groups', ['value', '$ref', 'display', 'type']),
  multi('entitlements', TYPED),
  multi('roles', TYPED),
  multi('x509Certificates', TYPED),
];

export const ENTERPRISE_USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  { name: 'employeeNumber' },
  { name: 'costCenter' },
  { name: 'organization' },
  { name: 'division' },
  { name: 'department' },
  { name: 'manager', subAttributes: ['value', '$ref', 'displayName'] },
];

const userByName = new Map(USER_ATTRIBUTES.map((a) => [a.name.toLowerCase(), a]));
const enterpriseByName = new Map(ENTERPRISE_USER_ATTRIBUTES.map((a) => [a.name.toLowerCase(), a]));

/** The definition of a User attribute, by schema URN (none for the core schema) and name, case-insensitively. */
export function userAttribute(urn: string | undefined, name: string): AttributeDefinition | undefined {
  const schema = urn?.toLowerCase();
  if (schema === undefined || schema === USER_SCHEMA.toLowerCase()) return userByName.get(name.toLowerCase());
  if (schema === ENTERPRISE_USER_SCHEMA.toLowerCase()) return enterpriseByName.get(name.toLowerCase());
  return undefined;
}

const GROUP_ATTRIBUTES: readonly AttributeDefinition[] = [
  { name: 'id' },
  { name: 'externalId' },
  { name: 'displayName' },
  multi('members', ['value', '$ref', 'display', 'type']),
];

const groupByName = new Map(GROUP_ATTRIBUTES.map((a) => [a.name.toLowerCase(), a]));

export function groupAttribute(urn: string | undefined, name: string): AttributeDefinition | undefined {
  return urn === undefined || urn.toLowerCase() === GROUP_SCHEMA.toLowerCase()
    ? groupByName.get(name.toLowerCase())
    : undefined;
}

/**
 * Attributes of Microsoft's ECMA2Host extension that are no directory attributes. Their names fall outside RFC
 * 7643's ATTRNAME grammar, so they are published and accepted on the ECMA2Host path only.
 */
export const ECMA2HOST_PSEUDO_ATTRIBUTES: readonly string[] = [
  '-dn-',
  '_distinguishedName',
  'export_password',
];

/** Whether a schema URN is the core User or Group schema, whose attributes are named without it. */
export function isCoreSchema(urn: string): boolean {
  const lower = urn.toLowerCase();
  return lower === USER_SCHEMA.toLowerCase() || lower === GROUP_SCHEMA.toLowerCase();
}
