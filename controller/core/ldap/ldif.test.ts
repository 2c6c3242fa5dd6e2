import { describe, expect, it } from 'vitest';
import { formatEntryLdif, formatModifyLdif, LdifSyntaxError, parseLdif } from './ldif.ts';

describe('LDIF', () => {
  it('round-trips values that need base64: non-ASCII, leading space, trailing space, colon', () => {
    const attributes = { cn: ['Zoë'], description: [' lead', 'trail ', ':colon', 'plain'] };
    const text = formatEntryLdif('cn=Zoë,dc=x', attributes);
    expect(text).toContain('description: plain\n');
    expect(text).toContain('cn:: Wm/Dqw==\n');
    expect(parseLdif(text)).toEqual([{ dn: 'cn=Zoë,dc=x', attributes }]);
  });

  it('parses comments, folded lines and several entries', () => {
    const entries = parseLdif(
      'version: 1\n# note\ndn: cn=a,dc=x\ndescription: long\n  line\n\ndn: cn=b,dc=x\ncn: b\n',
    );
    expect(entries).toEqual([
      { dn: 'cn=a,dc=x', attributes: { description: ['long line'] } },
      { dn: 'cn=b,dc=x', attributes: { cn: ['b'] } },
    ]);
  });

  it('names the line of a malformed record', () => {
    expect(() => parseLdif('dn: cn=a\nno colon here\n')).toThrow(
      new LdifSyntaxError('expected "attribute: value"', 2),
    );
    expect(() => parseLdif('cn: a\n')).toThrow('an entry must start with "dn:" at line 1');
  });

  it('writes modify records', () => {
    expect(
      formatModifyLdif('cn=a,dc=x', [
        { operation: 'replace', attribute: 'sn', values: ['S'] },
        { operation: 'delete', attribute: 'title', values: [] },
      ]),
    ).toBe('dn: cn=a,dc=x\nchangetype: modify\nreplace: sn\nsn: S\n-\ndelete: title\n-\n');
  });
});
