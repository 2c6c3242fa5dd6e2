// Builders for mapping tests: the contoso connector and mapping sets, validated (so defaults apply).
import type { AttributeMapping, LdapConnector, MappingRule } from '../../config/types.ts';
import { validateResource } from '../../config/validate.ts';
import type { EvaluationContext } from './expression/functions.ts';
import { compileMappingSet, type MappingSet } from './mapping-set.ts';

export const testContext: EvaluationContext = {
  now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  randomBytes: (n) => new Uint8Array(n).fill(7),
  uuid: () => '11111111-2222-3333-4444-555555555555',
};

export function connector(spec: Record<string, unknown> = {}): LdapConnector {
  return validateResource({
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'LdapConnector',
    metadata: { name: 'ldap' },
    spec: {
      server: { host: 'ldap.contoso.lab' },
      bind: { dn: 'cn=admin,dc=contoso,dc=lab', passwordSecretRef: { name: 'bind' } },
      baseDN: 'dc=contoso,dc=lab',
      scim: { tokenSecretRef: { name: 'token' } },
      ...spec,
    },
  }) as LdapConnector;
}

export function mapping(rules: Partial<MappingRule>[], name = 'users'): AttributeMapping {
  return validateResource({
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'AttributeMapping',
    metadata: { name },
    spec: { connectorRef: { name: 'ldap' }, object: 'User', mappings: rules },
  }) as AttributeMapping;
}

export const CONTOSO_RULES: Partial<MappingRule>[] = [
  {
    target: '-dn-',
    expression: 'Join("", "uid=", ToLower(Word([userName], 1, "@")), ",ou=people,dc=contoso,dc=lab")',
    apply: 'OnCreate',
  },
  { target: 'cn', source: 'displayName' },
  { target: 'sn', source: 'name.familyName' },
  { target: 'mail', source: 'userName', match: 1 },
  { target: 'uid', expression: 'ToLower(Word([userName], 1, "@"))', match: 2 },
  { target: 'uidNumber', allocate: { min: 10000, max: 60000 } },
  { target: 'gidNumber', constant: '10000' },
  { target: 'homeDirectory', expression: 'Join("/", "/home", ToLower(Word([userName], 1, "@")))' },
  { target: 'loginShell', constant: '/bin/bash' },
  { target: 'userPassword', expression: 'RandomString(20, 2, 2, 2, 2, "")', apply: 'OnCreate' },
];

export function contosoSet(rules: Partial<MappingRule>[] = CONTOSO_RULES): MappingSet {
  return compileMappingSet(connector(), [mapping(rules)]);
}
