import { describe, expect, it } from 'vitest';
import { scimLdap } from '../support/cli.ts';

describe('scim-ldap operator options', () => {
  it.each([
    { flag: '--resync-seconds', value: 'abc', message: 'must be a whole number at least 1, got "abc"' },
    {
      flag: '--certificate-days',
      value: '0',
      message: 'must be a number above 0 and at most 36500, got "0"',
    },
    { flag: '--health-port', value: '-1', message: 'must be a whole number from 1 to 65535, got "-1"' },
  ])(
    'exits 2 on $flag $value, naming the flag and value, before contacting any cluster',
    async ({ flag, value, message }) => {
      const { code, stdout, stderr } = await scimLdap('operator', `${flag}=${value}`);
      expect(stderr.split('\n')[0]).toBe(`scim-ldap operator: ${flag} ${message}`);
      expect(stderr).toContain('Usage: scim-ldap operator');
      expect(stdout).toBe('');
      expect(code).toBe(2);
    },
  );
});
