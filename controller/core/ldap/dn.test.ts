import { describe, expect, it } from 'vitest';
import {
  type Dn,
  DnSyntaxError,
  escapeDnValue,
  formatDn,
  isWithin,
  namesEntryWithin,
  parseDn,
} from './dn.ts';

describe('escapeDnValue', () => {
  it.each([
    { reason: 'a comma cannot start a new RDN', value: 'Smith, John', escaped: 'Smith\\, John' },
    { reason: 'a plus cannot start a multi-valued RDN', value: "o'brien+x", escaped: "o'brien\\+x" },
    { reason: 'an equals sign stays a value', value: 'a=b', escaped: 'a\\=b' },
    { reason: 'a leading hash is not read as BER', value: '#1', escaped: '\\#1' },
    { reason: 'leading and trailing spaces survive', value: ' x ', escaped: '\\ x\\ ' },
    { reason: 'backslash, quotes, angle brackets, semicolon', value: '\\"<>;', escaped: '\\\\\\"\\<\\>\\;' },
    { reason: 'NUL is hex-escaped', value: 'a\0b', escaped: 'a\\00b' },
    { reason: 'other characters pass unchanged', value: 'Zoë 李', escaped: 'Zoë 李' },
  ])('$reason', ({ value, escaped }) => {
    expect(escapeDnValue(value)).toBe(escaped);
    expect(parseDn(`cn=${escaped},dc=x`)).toEqual([[{ type: 'cn', value }], [{ type: 'dc', value: 'x' }]]);
  });
});

describe('parseDn', () => {
  it.each<{ reason: string; text: string; dn: Dn }>([
    { reason: 'the empty DN', text: '', dn: [] },
    {
      reason: 'spaces around separators are ignored',
      text: 'uid=alice , ou=people,  dc=example',
      dn: [
        [{ type: 'uid', value: 'alice' }],
        [{ type: 'ou', value: 'people' }],
        [{ type: 'dc', value: 'example' }],
      ],
    },
    {
      reason: 'multi-valued RDNs',
      text: 'cn=a+uid=b,dc=x',
      dn: [
        [
          { type: 'cn', value: 'a' },
          { type: 'uid', value: 'b' },
        ],
        [{ type: 'dc', value: 'x' }],
      ],
    },
    { reason: 'hex escapes decode as UTF-8', text: 'cn=Zo\\C3\\AB', dn: [[{ type: 'cn', value: 'Zoë' }]] },
    { reason: 'numeric attribute types', text: '2.5.4.3=x', dn: [[{ type: '2.5.4.3', value: 'x' }]] },
  ])('$reason', ({ text, dn }) => {
    expect(parseDn(text)).toEqual(dn);
  });

  it.each([
    { reason: 'a missing "="', text: 'cn', offset: 0 },
    { reason: 'an empty value', text: 'cn=,dc=x', offset: 3 },
    { reason: 'an unescaped quote', text: 'cn=a"b', offset: 4 },
    { reason: 'a dangling backslash', text: 'cn=a\\', offset: 4 },
    { reason: 'an invalid type', text: 'c n=a', offset: 0 },
  ])('rejects $reason at its offset', ({ text, offset }) => {
    expect(() => parseDn(text)).toThrow(DnSyntaxError);
    try {
      parseDn(text);
    } catch (error) {
      expect((error as DnSyntaxError).offset).toBe(offset);
    }
  });
});

describe('isWithin', () => {
  const base = parseDn('dc=Contoso,dc=lab');
  it.each([
    { dn: 'cn=a,DC=contoso,DC=LAB', within: true },
    { dn: 'dc=contoso,dc=lab', within: true },
    { dn: 'cn=a,dc=other,dc=lab', within: false },
    { dn: 'cn=dc\\=contoso\\,dc\\=lab', within: false },
    { dn: 'dc=lab', within: false },
  ])('$dn within the base: $within', ({ dn, within }) => {
    expect(isWithin(parseDn(dn), base)).toBe(within);
  });

  it('formats a parsed DN back to an equivalent string', () => {
    expect(formatDn(parseDn('cn=Smith\\, John + uid=x,dc=a'))).toBe('cn=Smith\\, John+uid=x,dc=a');
  });
});

describe('namesEntryWithin', () => {
  const base = parseDn('ou=tenant,dc=example,dc=org');
  it.each([
    { reason: 'an entry below the base', text: 'uid=a,ou=people,ou=tenant,dc=example,dc=org', within: true },
    {
      reason: 'the base itself, in other case and spacing',
      text: 'OU=Tenant, DC=example,dc=ORG',
      within: true,
    },
    { reason: 'a sibling subtree', text: 'uid=a,ou=others,dc=example,dc=org', within: false },
    { reason: 'an entry above the base', text: 'dc=example,dc=org', within: false },
    {
      reason: 'a string suffix that is no RDN boundary',
      text: 'uid=a,ou=xou=tenant,dc=example,dc=org',
      within: false,
    },
    {
      reason: 'the base escaped inside one value',
      text: 'cn=ou\\=tenant\\,dc\\=example\\,dc\\=org',
      within: false,
    },
    { reason: 'text that is no DN', text: 'not a dn', within: false },
    { reason: 'the empty DN (the root DSE)', text: '', within: false },
  ])('$reason: $within', ({ text, within }) => {
    expect(namesEntryWithin(text, base)).toBe(within);
  });
});
