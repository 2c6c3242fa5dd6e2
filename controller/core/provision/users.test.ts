import { describe, expect, it } from 'vitest';
import { formatDn } from '../ldap/dn.ts';
import { CONTOSO_RULES, connector, contosoSet, testContext } from '../mapping/mapping.fixtures.ts';
import { toLdap } from '../mapping/to-ldap.ts';
import {
  applyEcmaExtension,
  disablePlan,
  enablePlan,
  extensionDn,
  isActive,
  mappingsTouchedBy,
  renameForRdn,
  touchedExtension,
} from './users.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const spec = connector().spec;

describe('disable and re-enable', () => {
  const entry = { dn: 'uid=a,dc=contoso,dc=lab', attributes: { loginShell: ['/bin/bash'] } };

  it('sets what Disable sets, remembering the values it replaces, and restores them exactly', () => {
    const { modifications, previous } = disablePlan(entry, spec);
    expect(modifications).toEqual([
      { operation: 'replace', attribute: 'shadowExpire', values: ['1'] },
      { operation: 'replace', attribute: 'loginShell', values: ['/usr/sbin/nologin'] },
    ]);
    expect(previous).toEqual({ shadowExpire: [], loginShell: ['/bin/bash'] });
    const disabled = { ...entry, attributes: { loginShell: ['/usr/sbin/nologin'], shadowExpire: ['1'] } };
    expect(isActive(disabled, spec)).toBe(false);
    expect(enablePlan(disabled, previous)).toEqual([
      { operation: 'delete', attribute: 'shadowExpire', values: [] },
      { operation: 'replace', attribute: 'loginShell', values: ['/bin/bash'] },
    ]);
  });

  it('counts a user as active unless every Disable value is in place', () => {
    expect(isActive(entry, spec)).toBe(true);
    expect(isActive({ ...entry, attributes: { shadowExpire: ['1'], loginShell: ['/bin/bash'] } }, spec)).toBe(
      true,
    );
  });
});

describe('renameForRdn', () => {
  it.each([
    {
      reason: 'a new value for the naming attribute renames',
      dn: 'cn=Old,ou=p,dc=x',
      mods: [{ operation: 'replace' as const, attribute: 'CN', values: ['New'] }],
      renamed: 'cn=New,ou=p,dc=x',
    },
    {
      reason: 'keeping the naming value does not',
      dn: 'cn=Old,ou=p,dc=x',
      mods: [{ operation: 'replace' as const, attribute: 'cn', values: ['Old', 'Alias'] }],
      renamed: null,
    },
    {
      reason: 'other attributes do not',
      dn: 'uid=a,dc=x',
      mods: [{ operation: 'replace' as const, attribute: 'cn', values: ['New'] }],
      renamed: null,
    },
    {
      reason: 'escapes the new value',
      dn: 'cn=Old,dc=x',
      mods: [{ operation: 'replace' as const, attribute: 'cn', values: ['Smith, J'] }],
      renamed: 'cn=Smith\\, J,dc=x',
    },
  ])('$reason', ({ dn, mods, renamed }) => {
    expect(renameForRdn(dn, mods)).toBe(renamed);
  });

  it('refuses to delete the naming attribute', () => {
    expect(() => renameForRdn('cn=Old,dc=x', [{ operation: 'delete', attribute: 'cn', values: [] }])).toThrow(
      'cn names the entry',
    );
  });
});

describe('mappingsTouchedBy', () => {
  it('re-evaluates only mappings reading a touched attribute, never constants', () => {
    const set = contosoSet();
    expect([...mappingsTouchedBy(set, new Set(['username']))].map((m) => m.target)).toEqual([
      'mail',
      'uid',
      'homeDirectory',
    ]);
    expect([...mappingsTouchedBy(set, new Set(['name']))].map((m) => m.target)).toEqual(['sn']);
    expect([...mappingsTouchedBy(set, new Set(['title']))]).toEqual([]);
  });
});

describe('applyEcmaExtension', () => {
  const set = contosoSet(CONTOSO_RULES);
  const resource = (extension: Record<string, unknown>) => ({
    userName: 'b@x',
    name: { familyName: 'B' },
    [ECMA]: extension,
  });

  it('writes exposed attributes as sent, export_password as userPassword, and on create -dn- and objectClass', () => {
    const user = resource({
      loginShell: '/bin/zsh',
      export_password: 'pw',
      '-dn-': 'cn=B,ou=x,dc=contoso,dc=lab',
      objectClass: ['inetOrgPerson'],
      notExposed: 'x',
    });
    const desired = applyEcmaExtension(set, toLdap(set, user, 'create', testContext), user, 'create');
    expect(desired.attributes).toMatchObject({
      loginShell: ['/bin/zsh'],
      userPassword: ['pw'],
      objectClass: ['inetOrgPerson'],
    });
    expect(desired.attributes).not.toHaveProperty('notExposed');
    expect(formatDn(desired.dn ?? [])).toBe('cn=B,ou=x,dc=contoso,dc=lab');
  });

  it('refuses a -dn- outside the base DN', () => {
    const user = resource({ '-dn-': 'cn=B,dc=evil' });
    expect(() => applyEcmaExtension(set, toLdap(set, user, 'create', testContext), user, 'create')).toThrow(
      '-dn- is not below the connector baseDN',
    );
  });

  it('creates from the extension alone, as the ECMA app sends it: its -dn- names the entry, whose RDN value it holds', () => {
    const user = {
      [ECMA]: {
        '-dn-': 'CN=Britta.Simon,DC=contoso,DC=lab',
        objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
        cn: 'Britta Simon',
        uid: 'britta.simon',
        uidNumber: 10042,
      },
    };
    const given = extensionDn(set, user);
    const desired = applyEcmaExtension(set, toLdap(set, user, 'create', testContext, given), user, 'create');
    expect(formatDn(desired.dn ?? [])).toBe('CN=Britta.Simon,DC=contoso,DC=lab');
    expect(desired.attributes['cn']).toEqual(['Britta.Simon', 'Britta Simon']);
    expect(desired.attributes['objectClass']).toEqual(['inetOrgPerson', 'posixAccount', 'shadowAccount']);
    expect(desired.attributes['uid']).toEqual(['britta.simon']);
    expect(desired.attributes['uidNumber']).toEqual(['10042']);
  });

  it.each([
    {
      reason: 'an echoed extension value (what the entry holds) leaves the mapping result',
      sent: 'Old',
      cn: ['New'],
    },
    { reason: 'a changed extension value still wins over the mapping', sent: 'Other', cn: ['Other'] },
    {
      reason: 'an echoed extension value stays where the mapping computed nothing',
      sent: 'Old',
      cn: ['Old'],
      displayName: null,
    },
  ])('on update, $reason', ({ sent, cn, displayName = 'New' }) => {
    const user = { ...resource({ cn: sent }), ...(displayName === null ? {} : { displayName }) };
    const held = { cn: ['Old'] };
    const desired = applyEcmaExtension(set, toLdap(set, user, 'update', testContext), user, 'update', held);
    expect(desired.attributes['cn']).toEqual(cn);
  });
});

describe('touchedExtension', () => {
  const resource = { displayName: 'x', [ECMA]: { cn: 'a', mail: 'b', uid: 'c' } };
  const key = ECMA.toLowerCase();

  it.each([
    {
      reason: 'keeps only the extension attributes the PATCH touched',
      touched: [`${key}:mail`],
      kept: { mail: 'b' },
    },
    { reason: 'keeps the whole extension when the PATCH replaced it', touched: [key], kept: resource[ECMA] },
  ])('$reason', ({ touched, kept }) => {
    expect(touchedExtension(resource, new Set(touched))).toEqual({ [ECMA]: kept });
  });

  it('keeps nothing when the PATCH touched no extension attribute', () => {
    expect(touchedExtension(resource, new Set(['displayname']))).toEqual({});
  });
});
