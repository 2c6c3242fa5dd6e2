import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/validate.ts';
import { formatDn, parseDn } from '../ldap/dn.ts';
import { CONTOSO_RULES, connector, contosoSet, mapping, testContext } from './mapping.fixtures.ts';
import { compileMappingSet } from './mapping-set.ts';
import { MappingError, toLdap } from './to-ldap.ts';

const britta = {
  userName: 'Britta.Simon@contoso.lab',
  displayName: 'Britta Simon',
  name: { givenName: 'Britta', familyName: 'Simon' },
  active: true,
};

describe('toLdap', () => {
  it('maps a new user with every mapping, object classes first, allocation left to the listener', () => {
    const desired = toLdap(contosoSet(), britta, 'create', testContext);
    expect(formatDn(desired.dn ?? [])).toBe('uid=britta.simon,ou=people,dc=contoso,dc=lab');
    const { userPassword, ...rest } = desired.attributes;
    expect(rest).toEqual({
      objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      cn: ['Britta Simon'],
      sn: ['Simon'],
      mail: ['Britta.Simon@contoso.lab'],
      uid: ['britta.simon'],
      gidNumber: ['10000'],
      homeDirectory: ['/home/britta.simon'],
      loginShell: ['/bin/bash'],
    });
    expect(userPassword?.[0]).toHaveLength(20);
    expect(desired.allocate).toEqual([{ target: 'uidNumber', min: 10000, max: 60000 }]);
  });

  it('applies only Always mappings on update, and clears attributes whose source disappeared', () => {
    const desired = toLdap(contosoSet(), { userName: 'britta.simon@contoso.lab' }, 'update', testContext);
    expect(desired.dn).toBeUndefined();
    expect(desired.allocate).toEqual([]);
    expect(Object.keys(desired.attributes)).not.toContain('userPassword');
    expect(desired.attributes['cn']).toEqual([]);
    expect(desired.attributes['uid']).toEqual(['britta.simon']);
  });

  it('leaves a target out of the flow when IgnoreFlowIfNullOrEmpty sees nothing', () => {
    const set = contosoSet([
      ...CONTOSO_RULES,
      { target: 'title', expression: 'IgnoreFlowIfNullOrEmpty([title])' },
    ]);
    expect(toLdap(set, britta, 'update', testContext).attributes).not.toHaveProperty('title');
    expect(toLdap(set, { ...britta, title: 'Engineer' }, 'update', testContext).attributes['title']).toEqual([
      'Engineer',
    ]);
  });

  it('writes every value of a multi-valued result', () => {
    const set = contosoSet([...CONTOSO_RULES, { target: 'description', expression: 'Split("a,b,a", ",")' }]);
    expect(toLdap(set, britta, 'create', testContext).attributes['description']).toEqual(['a', 'b']);
  });

  it('keeps SelectUniqueValue candidates for the listener to choose from', () => {
    const set = contosoSet([
      ...CONTOSO_RULES.filter((r) => r.target !== 'mail'),
      {
        target: 'mail',
        expression: 'SelectUniqueValue(Join("@", [name.givenName], "x"), Join("@", [name.familyName], "x"))',
        apply: 'OnCreate',
      },
    ]);
    expect(toLdap(set, britta, 'create', testContext).unique).toEqual([
      { target: 'mail', candidates: ['Britta@x', 'Simon@x'] },
    ]);
  });

  it('adds the RDN value to the entry when no mapping writes it', () => {
    const set = contosoSet([
      { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",dc=contoso,dc=lab")' },
    ]);
    expect(toLdap(set, britta, 'create', testContext).attributes['cn']).toEqual(['Britta Simon']);
  });

  it('names the mapping when a value cannot be computed', () => {
    const set = contosoSet([...CONTOSO_RULES, { target: 'description', expression: 'CDate([title])' }]);
    expect(() => toLdap(set, { ...britta, title: 'not a date' }, 'create', testContext)).toThrow(
      new MappingError(
        { target: 'description', origin: 'AttributeMapping/users spec.mappings[10]' } as never,
        'CDate: not a date: "not a date"',
      ),
    );
  });
});

describe('DNs from attribute values', () => {
  const dnRule = {
    target: '-dn-',
    expression: 'Join("", "cn=", [displayName], ",ou=people,dc=contoso,dc=lab")',
  };
  const set = contosoSet([dnRule]);

  it.each([
    { displayName: 'Smith, John', rdn: 'Smith, John' },
    { displayName: "o'brien+x@contoso.com", rdn: "o'brien+x@contoso.com" },
    { displayName: 'x,ou=admins', rdn: 'x,ou=admins' },
    { displayName: 'a\\,b', rdn: 'a\\,b' },
    { displayName: ' #lead', rdn: ' #lead' },
  ])('keeps "$displayName" one value in one RDN, in the intended container', ({ displayName, rdn }) => {
    const dn = toLdap(set, { displayName }, 'create', testContext).dn ?? [];
    expect(dn).toHaveLength(4);
    expect(dn[0]).toEqual([{ type: 'cn', value: rdn }]);
    expect(formatDn(dn.slice(1))).toBe('ou=people,dc=contoso,dc=lab');
  });

  it('escapes attribute text even when a function cuts it in the middle of what would be an escape', () => {
    const cut = contosoSet([
      {
        target: '-dn-',
        expression: 'Join("", "cn=", Left([displayName], 6), ",ou=people,dc=contoso,dc=lab")',
      },
    ]);
    const dn = toLdap(cut, { displayName: 'Smith\\,ou=x' }, 'create', testContext).dn ?? [];
    expect(formatDn(dn)).toBe('cn=Smith\\\\,ou=people,dc=contoso,dc=lab');
  });

  it('refuses a DN outside the base DN, at load time when it can tell', () => {
    const outside = { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",dc=evil,dc=lab")' };
    expect(() => compileMappingSet(connector(), [mapping([outside])])).toThrow(ConfigError);
    expect(() => compileMappingSet(connector(), [mapping([outside])])).toThrow(
      'not within the connector baseDN',
    );
  });

  it('refuses, per resource, a DN that a value moves out of the base DN', () => {
    const chosen = contosoSet([
      { target: '-dn-', expression: 'IIF([title]="x", "cn=a,dc=evil,dc=lab", "cn=a,dc=contoso,dc=lab")' },
    ]);
    expect(() => toLdap(chosen, { title: 'x' }, 'create', testContext)).toThrow(
      'is not below the connector baseDN',
    );
  });

  it('refuses the base DN itself as an entry', () => {
    const set2 = contosoSet([
      { target: '-dn-', expression: 'IIF([title]="x", "dc=contoso,dc=lab", "cn=a,dc=contoso,dc=lab")' },
    ]);
    expect(() => toLdap(set2, { title: 'x' }, 'create', testContext)).toThrow(
      'is not below the connector baseDN',
    );
  });

  it('parses the same DN back from its text', () => {
    const dn = toLdap(set, { displayName: 'Smith, John' }, 'create', testContext).dn ?? [];
    expect(parseDn(formatDn(dn))).toEqual(dn);
  });
});

describe('compileMappingSet', () => {
  it('reports every problem at once, naming resource, index and field', () => {
    let error: unknown;
    try {
      compileMappingSet(connector(), [
        mapping([
          { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",dc=contoso,dc=lab")' },
          { target: 'sn', source: 'name.familyNme' },
          { target: 'uid', expression: 'Word([userName], 1)' },
          { target: 'cn', constant: 'x' },
        ]),
        mapping([{ target: 'CN', constant: 'y' }], 'more'),
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
      'AttributeMapping/users spec.mappings[1].source',
      'AttributeMapping/users spec.mappings[2].expression',
      'AttributeMapping/more spec.mappings[0].target',
    ]);
    expect((error as ConfigError).message).toContain('Word takes 3 arguments, got 2 at 1:1');
    expect((error as ConfigError).message).toContain(
      '"CN" is already mapped by AttributeMapping/users spec.mappings[3]',
    );
  });

  it('requires a -dn- mapping', () => {
    expect(() => contosoSet([{ target: 'cn', source: 'displayName' }])).toThrow(
      'a mapping with target -dn- is required',
    );
  });

  it('orders matching attributes by precedence', () => {
    expect(contosoSet().matching.map((m) => m.target)).toEqual(['mail', 'uid']);
  });
});
