import { type AttrPath, formatPath, parsePath } from '../scim/filter.ts';
import { resolvePath } from '../scim/match.ts';
import {
  ECMA2HOST_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  groupAttribute,
  userAttribute,
} from '../scim/resources.ts';
import type { Scalar, Value } from './expression/values.ts';

/**
 * Entra source-attribute names an administrator may paste from the Azure portal, and the SCIM attribute that
 * Entra's default mapping sends each as. Keys are matched case-insensitively.
 */
export const ENTRA_ALIASES: Readonly<Record<string, string>> = {
  userPrincipalName: 'userName',
  mail: 'emails[type eq "work"].value',
  givenName: 'name.givenName',
  surname: 'name.familyName',
  objectId: 'externalId',
  mailNickname: 'externalId',
  jobTitle: 'title',
  telephoneNumber: 'phoneNumbers[type eq "work"].value',
  mobile: 'phoneNumbers[type eq "mobile"].value',
  facsimileTelephoneNumber: 'phoneNumbers[type eq "fax"].value',
  streetAddress: 'addresses[type eq "work"].streetAddress',
  city: 'addresses[type eq "work"].locality',
  state: 'addresses[type eq "work"].region',
  postalCode: 'addresses[type eq "work"].postalCode',
  country: 'addresses[type eq "work"].country',
  physicalDeliveryOfficeName: 'addresses[type eq "other"].formatted',
  department: `${ENTERPRISE_USER_SCHEMA}:department`,
  employeeId: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
  manager: `${ENTERPRISE_USER_SCHEMA}:manager.value`,
  appRoleAssignments: 'roles',
};

const aliasByLowerName = new Map(
  Object.entries(ENTRA_ALIASES).map(([alias, path]) => [alias.toLowerCase(), path]),
);
const parsedPaths = new Map<string, AttrPath | null>();

/** The SCIM path an attribute reference means: an alias resolved, else the text itself, parsed once. */
export function scimPath(reference: string): AttrPath | null {
  let parsed = parsedPaths.get(reference);
  if (parsed === undefined) {
    const text = aliasByLowerName.get(reference.toLowerCase()) ?? reference;
    try {
      parsed = parsePath(text);
    } catch {
      parsed = null;
    }
    parsedPaths.set(reference, parsed);
  }
  return parsed;
}

/** Whether an attribute reference names something a SCIM user can carry. */
export function isKnownUserAttribute(reference: string): boolean {
  const path = scimPath(reference);
  if (!path) return false;
  if (
    path.urn === undefined ||
    /^urn:ietf:params:scim:schemas:(core|extension:enterprise):2\.0:User$/i.test(path.urn)
  ) {
    const definition = userAttribute(path.urn, path.name);
    if (!definition) return false;
    return (
      path.sub === undefined ||
      (definition.subAttributes ?? []).some((s) => s.toLowerCase() === path.sub?.toLowerCase())
    );
  }
  // ECMA2Host and custom extensions carry whatever attributes the administrator declares.
  return /^urn:[A-Za-z0-9:._-]+$/.test(path.urn);
}

/** Whether an attribute reference names something a SCIM group carries. */
export function isKnownGroupAttribute(reference: string): boolean {
  const path = scimPath(reference);
  if (!path) return false;
  const definition = groupAttribute(path.urn, path.name);
  if (!definition) return path.urn !== undefined && /^urn:[A-Za-z0-9:._-]+$/.test(path.urn);
  return (
    path.sub === undefined ||
    (definition.subAttributes ?? []).some((s) => s.toLowerCase() === path.sub?.toLowerCase())
  );
}

export function knownGroupAttributeNames(): string[] {
  return ['displayName', 'externalId', 'members'];
}

export function knownUserAttributeNames(): string[] {
  return [
    'userName',
    'displayName',
    'name.givenName',
    'name.familyName',
    'externalId',
    'active',
    'title',
    'emails[type eq "work"].value',
    ...Object.keys(ENTRA_ALIASES),
  ];
}

function toScalar(value: unknown): Scalar | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // A complex value (an email, a role) stands for its "value" sub-attribute.
  if (typeof value === 'object' && value !== null && 'value' in value)
    return toScalar((value as { value: unknown }).value);
  return undefined;
}

/** The value of an attribute reference in a SCIM resource: a scalar, a list for multi-valued results, or null. */
export function lookupAttribute(resource: unknown, reference: string): Value {
  const path = scimPath(reference);
  if (!path) return null;
  const values = resolvePath(resource, path)
    .map(toScalar)
    .filter((v): v is Scalar => v !== undefined);
  if (values.length === 0) return null;
  const multiValued = path.urn === undefined && userAttribute(undefined, path.name)?.multiValued;
  return values.length === 1 && !(multiValued && path.valueFilter === undefined)
    ? (values[0] as Scalar)
    : values;
}

/** The ECMA2Host extension path of a directory attribute, as Entra's on-premises app addresses it. */
export function ecmaPath(ldapAttribute: string): string {
  return formatPath({ urn: ECMA2HOST_USER_SCHEMA, name: ldapAttribute });
}
