import { describe, expect, it } from 'vitest';
import { connector, INVALID_RESOURCES, mapping } from './resources.fixtures.ts';
import { ConfigError, fieldPath, validateResource } from './validate.ts';

describe('validateResource', () => {
  it('fills in the schema defaults', () => {
    const resource = validateResource(connector({}));
    expect(resource.kind === 'LdapConnector' && resource.spec).toMatchObject({
      server: { port: 636, security: 'LDAPS', connectTimeoutSeconds: 180 },
      bind: { method: 'Simple', passwordSecretRef: { name: 'bind', key: 'password' } },
      user: { objectClass: 'inetOrgPerson', anchor: 'entryUUID' },
      passwordHash: 'CRYPT-SHA512',
      deprovisioning: { onDisable: 'Disable', onDelete: 'Delete', disable: { set: { shadowExpire: '1' } } },
      scim: { port: 8585, tls: { secretName: '' } },
    });
  });

  it.each(INVALID_RESOURCES)('rejects $reason, naming the field', ({ resource, path, message }) => {
    expect(() => validateResource(resource)).toThrow(ConfigError);
    try {
      validateResource(resource);
    } catch (error) {
      expect((error as ConfigError).problems).toContainEqual({ path, message });
    }
  });

  it.each([
    { reason: 'userPassword', set: { userPassword: '{CRYPT}!' }, attribute: 'userPassword' },
    { reason: 'a password attribute in another case', set: { USERPASSWORD: 'x' }, attribute: 'USERPASSWORD' },
    {
      reason: 'authPassword beside a valid key',
      set: { shadowExpire: '1', authPassword: 'x' },
      attribute: 'authPassword',
    },
    { reason: 'a Samba NT hash', set: { sambaNTPassword: 'x' }, attribute: 'sambaNTPassword' },
  ])('refuses a Disable that sets $reason, naming the attribute', ({ set, attribute }) => {
    const resource = connector({ deprovisioning: { disable: { set } } });
    expect(() => validateResource(resource)).toThrow(ConfigError);
    try {
      validateResource(resource);
    } catch (error) {
      expect((error as ConfigError).code).toBe('InvalidSpec');
      expect((error as ConfigError).problems).toEqual([
        {
          path: `spec.deprovisioning.disable.set.${attribute}`,
          message: expect.stringMatching(/^Disable cannot set a password attribute/),
        },
      ]);
    }
  });

  it('accepts a Disable that sets attributes it can save and restore', () => {
    const resource = connector({
      deprovisioning: { disable: { set: { shadowExpire: '1', pwdAccountLockedTime: '000001010000Z' } } },
    });
    expect(() => validateResource(resource)).not.toThrow();
  });

  it.each([
    {
      reason: 'a missing field',
      resource: mapping([{ source: 'x' }]),
      path: 'spec.mappings[0].target',
      message: 'is required',
    },
    {
      reason: 'an unknown field',
      resource: mapping([{ target: 'cn', constant: 'x', colour: 'red' }]),
      path: 'spec.mappings[0].colour',
      message: 'is not a known field',
    },
    {
      reason: 'a value outside an enum',
      resource: connector({ passwordHash: 'MD5' }),
      path: 'spec.passwordHash',
      message: 'must be one of CRYPT-SHA512, SSHA, SSHA512, None',
    },
    {
      reason: 'a bad target name',
      resource: mapping([{ target: 'c n', constant: 'x' }]),
      path: 'spec.mappings[0].target',
      message: 'must match pattern "^(-dn-|[A-Za-z][A-Za-z0-9-]*)$"',
    },
  ])('reports $reason by path', ({ resource, path, message }) => {
    try {
      validateResource(resource);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toContainEqual({ path, message });
    }
  });

  it('rejects other kinds and missing names', () => {
    expect(() => validateResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toThrow(
      'expected scim-ldap.io/v1alpha1',
    );
    expect(() => validateResource({ ...connector({}), metadata: {} })).toThrow('metadata.name: is required');
  });

  it('turns JSON pointers into field paths', () => {
    expect(fieldPath('/spec/mappings/3/target')).toBe('spec.mappings[3].target');
  });
});
