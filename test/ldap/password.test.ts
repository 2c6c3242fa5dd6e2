import { randomBytes } from 'node:crypto';
import { Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../controller/adapters/ldap/password.ts';
import { randomString } from '../../controller/core/mapping/expression/text-functions.ts';
import { bindAs, type Slapd, startSlapd } from '../support/slapd.ts';

// The reference mapping's initial password, RandomString(20, 2, 2, 2, 2, ""), as the listener generates it.
const generated = () =>
  randomString({ length: 20, digits: 2, special: 2, upper: 2, lower: 2, avoid: '' }, (n) => randomBytes(n));

describe('userPassword values slapd verifies with its own bind', () => {
  let slapd: Slapd;
  let admin: Client;
  let next = 0;

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await admin.bind(slapd.adminDN, slapd.adminPassword);
  });
  afterAll(async () => {
    await admin?.unbind();
    await slapd?.stop();
  });

  async function userWith(userPassword: string): Promise<string> {
    const uid = `hashed${next++}`;
    const dn = `uid=${uid},ou=people,${slapd.baseDN}`;
    await admin.add(dn, { objectClass: ['inetOrgPerson'], cn: uid, sn: uid, uid, userPassword });
    return dn;
  }

  const binds = (dn: string, password: string) => bindAs(slapd.ldapUrl, dn, password);

  it.each([
    { scheme: 'CRYPT-SHA512', stored: /^\{CRYPT\}\$6\$/ },
    { scheme: 'SSHA512', stored: /^\{SSHA512\}[A-Za-z0-9+/]{96}$/ },
    { scheme: 'SSHA', stored: /^\{SSHA\}[A-Za-z0-9+/]{38}==$/ },
  ] as const)('$scheme: a generated password binds, a wrong one is refused', async ({ scheme, stored }) => {
    const password = generated();
    const value = await hashPassword(password, scheme);
    expect(value).toMatch(stored);
    const dn = await userWith(value);
    await binds(dn, password);
    await expect(binds(dn, `${password}x`)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(binds(dn, password.slice(0, -1))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it.each([
    { reason: 'exactly 64 bytes', password: 'p'.repeat(64) },
    { reason: '128 bytes', password: 'Pass-Wort-'.repeat(13).slice(0, 128) },
    { reason: '65 bytes of UTF-8', password: `${'ü'.repeat(32)}x` },
  ])('CRYPT-SHA512: a password of $reason binds, one byte less is refused', async ({ password }) => {
    const dn = await userWith(await hashPassword(password, 'CRYPT-SHA512'));
    await binds(dn, password);
    await expect(binds(dn, password.slice(0, -1))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('CRYPT-SHA512: hashes computed at once on the threads each verify their own password', async () => {
    const passwords = Array.from({ length: 6 }, generated);
    const values = await Promise.all(passwords.map((p) => hashPassword(p, 'CRYPT-SHA512')));
    const dns = await Promise.all(values.map(userWith));
    await Promise.all(dns.map((dn, i) => binds(dn, passwords[i] as string)));
    await expect(binds(dns[0] as string, passwords[1] as string)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
  });
});
