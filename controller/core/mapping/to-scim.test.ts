import { describe, expect, it } from 'vitest';
import { CONTOSO_RULES, contosoSet } from './mapping.fixtures.ts';
import { toScim } from './to-scim.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

describe('toScim', () => {
  const entry = {
    dn: 'uid=britta.simon,ou=people,dc=contoso,dc=lab',
    attributes: {
      objectClass: ['inetOrgPerson', 'posixAccount'],
      cn: ['Britta Simon'],
      SN: ['Simon'],
      mail: ['Britta.Simon@contoso.lab'],
      uid: ['britta.simon'],
      uidNumber: ['10042'],
      userPassword: ['{CRYPT}$6$x'],
    },
  };

  it('inverts direct mappings and exposes the directory attributes under the ECMA2Host extension', () => {
    expect(toScim(contosoSet(), entry)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ECMA],
      displayName: 'Britta Simon',
      name: { familyName: 'Simon' },
      userName: 'Britta.Simon@contoso.lab',
      [ECMA]: {
        cn: 'Britta Simon',
        sn: 'Simon',
        mail: 'Britta.Simon@contoso.lab',
        uid: 'britta.simon',
        uidNumber: '10042',
        '-dn-': 'uid=britta.simon,ou=people,dc=contoso,dc=lab',
      },
    });
  });

  it('never returns userPassword, even when a direct mapping writes it', () => {
    const set = contosoSet([
      ...CONTOSO_RULES.filter((r) => r.target !== 'userPassword'),
      { target: 'userPassword', source: 'password' },
    ]);
    expect(JSON.stringify(toScim(set, entry))).not.toContain('CRYPT');
  });

  it('builds value paths and extension attributes', () => {
    const set = contosoSet([
      CONTOSO_RULES[0] as never,
      { target: 'mail', source: 'emails[type eq "work"].value' },
      {
        target: 'departmentNumber',
        source: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
      },
    ]);
    const resource = toScim(set, {
      dn: 'uid=a,dc=contoso,dc=lab',
      attributes: { mail: ['a@x'], departmentNumber: ['Eng'] },
    });
    expect(resource['emails']).toEqual([{ type: 'work', value: 'a@x' }]);
    expect(resource['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({
      department: 'Eng',
    });
    expect(resource['schemas']).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
  });

  it('reads a mapped displayName back as written when the naming attribute also holds the RDN value', () => {
    const named = {
      dn: 'cn=Britta.Simon,ou=people,dc=contoso,dc=lab',
      attributes: { cn: ['Britta.Simon', 'Britta Simon'], mail: ['b@x'] },
    };
    const resource = toScim(contosoSet(), named);
    expect(resource['displayName']).toBe('Britta Simon');
    expect((resource[ECMA] as Record<string, unknown>)['cn']).toEqual(['Britta.Simon', 'Britta Simon']);
  });

  it.each([
    {
      reason: 'shows the uid as userName when no mapping gives one',
      attributes: { uid: ['britta.simon'], cn: ['Britta Simon'] },
      userName: 'britta.simon',
    },
    {
      reason: 'shows the DN as userName when no mapping gives one and there is no uid',
      attributes: { cn: ['Britta Simon'] },
      userName: 'cn=Britta Simon,dc=contoso,dc=lab',
    },
  ])('$reason', ({ attributes, userName }) => {
    expect(toScim(contosoSet(), { dn: 'cn=Britta Simon,dc=contoso,dc=lab', attributes })['userName']).toBe(
      userName,
    );
  });
});
