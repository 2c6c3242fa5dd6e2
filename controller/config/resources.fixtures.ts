// Resources for validation tests, shared by the unit tests and the kube-apiserver tests (same rules, CEL there).
export const connector = (spec: Record<string, unknown>) => ({
  apiVersion: 'scim-ldap.io/v1alpha1',
  kind: 'LdapConnector',
  metadata: { name: 'ldap' },
  spec: {
    server: { host: 'ldap.example.org' },
    bind: { dn: 'cn=admin,dc=example,dc=org', passwordSecretRef: { name: 'bind' } },
    baseDN: 'dc=example,dc=org',
    scim: { tokenSecretRef: { name: 'token' } },
    ...spec,
  },
});

export const mapping = (mappings: unknown[]) => ({
  apiVersion: 'scim-ldap.io/v1alpha1',
  kind: 'AttributeMapping',
  metadata: { name: 'users' },
  spec: { connectorRef: { name: 'ldap' }, object: 'User', mappings },
});

export const INVALID_RESOURCES = [
  {
    reason: 'a mapping with two sources',
    resource: mapping([{ target: 'cn', source: 'displayName', constant: 'x' }]),
    path: 'spec.mappings[0]',
    message: 'exactly one of source, constant, expression or allocate must be set',
  },
  {
    reason: 'a mapping with no source',
    resource: mapping([{ target: 'cn' }]),
    path: 'spec.mappings[0]',
    message: 'exactly one of source, constant, expression or allocate must be set',
  },
  {
    reason: 'a target mapped twice',
    resource: mapping([
      { target: 'cn', constant: 'a' },
      { target: 'CN', constant: 'b' },
    ]),
    path: 'spec.mappings',
    message: 'each target may appear only once',
  },
  {
    reason: 'an inverted allocation range',
    resource: mapping([{ target: 'uidNumber', allocate: { min: 5, max: 1 } }]),
    path: 'spec.mappings[0].allocate',
    message: 'allocate.min must not exceed allocate.max',
  },
  {
    reason: 'SaslExternal without a client certificate',
    resource: connector({ bind: { method: 'SaslExternal' } }),
    path: 'spec.bind',
    message: 'bind.method SaslExternal needs clientCertSecretRef',
  },
  {
    reason: 'Simple bind without a password',
    resource: connector({ bind: { dn: 'cn=admin' } }),
    path: 'spec.bind',
    message: 'bind.method Simple needs dn and passwordSecretRef',
  },
];
