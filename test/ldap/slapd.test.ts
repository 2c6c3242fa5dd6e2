import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { Attribute, Change, Client, ConstraintViolationError, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Slapd, startSlapd } from '../support/slapd.ts';

describe('throwaway slapd fixture', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd();
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  async function withClient<T>(
    url: string,
    use: (client: Client) => Promise<T>,
    tls?: { ca: Buffer },
  ): Promise<T> {
    const client = new Client({
      url,
      timeout: 5000,
      connectTimeout: 5000,
      ...(tls ? { tlsOptions: tls } : {}),
    });
    try {
      return await use(client);
    } finally {
      await client.unbind();
    }
  }

  it('serves the seeded entries over ldap:// to the admin', async () => {
    const entries = await withClient(slapd.ldapUrl, async (client) => {
      await client.bind(slapd.adminDN, slapd.adminPassword);
      const { searchEntries } = await client.search(slapd.baseDN, {
        filter: '(uid=alice)',
        attributes: ['uidNumber', 'homeDirectory', 'objectClass'],
      });
      return searchEntries;
    });
    expect(entries).toEqual([
      {
        dn: 'uid=alice,ou=people,dc=example,dc=org',
        uidNumber: '10001',
        homeDirectory: '/home/alice',
        objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      },
    ]);
  });

  it('verifies a user password over ldaps:// with the test CA, and refuses a wrong one', async () => {
    const ca = await readFile(slapd.caCertPath);
    const aliceDN = 'uid=alice,ou=people,dc=example,dc=org';
    const whoami = await withClient(
      slapd.ldapsUrl,
      async (client) => {
        await client.bind(aliceDN, 'alice-password');
        return (await client.exop('1.3.6.1.4.1.4203.1.11.3')).value;
      },
      { ca },
    );
    expect(whoami).toBe(`dn:${aliceDN}`);
    await expect(
      withClient(slapd.ldapsUrl, (client) => client.bind(aliceDN, 'wrong'), { ca }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('hides userPassword from anonymous readers', async () => {
    const entries = await withClient(slapd.ldapUrl, async (client) => {
      const { searchEntries } = await client.search(slapd.baseDN, {
        filter: '(uid=alice)',
        attributes: ['*'],
      });
      return searchEntries;
    });
    expect(entries[0]).toHaveProperty('uid', 'alice');
    expect(entries[0]).not.toHaveProperty('userPassword');
  });

  it('lets this process manage cn=config over ldapi://, so overlays from the loaded modules can be added live', async () => {
    const ldapi = new Client({
      url: 'ldap://ldapi',
      timeout: 5000,
      createConnection: () => connect({ path: slapd.ldapiPath }),
    });
    try {
      await ldapi.bind('EXTERNAL');
      const { searchEntries } = await ldapi.search('cn=config', {
        filter: '(objectClass=olcModuleList)',
        attributes: ['olcModuleLoad'],
      });
      expect(searchEntries[0]?.['olcModuleLoad']).toEqual([
        '{0}back_mdb',
        '{1}accesslog',
        '{2}ppolicy',
        '{3}pw-sha2',
        '{4}unique',
      ]);
      await ldapi.add('olcOverlay=unique,olcDatabase={1}mdb,cn=config', {
        objectClass: ['olcOverlayConfig', 'olcUniqueConfig'],
        olcOverlay: 'unique',
        olcUniqueURI: 'ldap:///?uidNumber?sub',
      });
      const duplicateUidNumber = ldapi.add('uid=bob,ou=people,dc=example,dc=org', {
        objectClass: ['inetOrgPerson', 'posixAccount'],
        uid: 'bob',
        cn: 'Bob',
        sn: 'Bob',
        uidNumber: '10001',
        gidNumber: '10001',
        homeDirectory: '/home/bob',
      });
      await expect(duplicateUidNumber).rejects.toBeInstanceOf(ConstraintViolationError);
      await ldapi.modify('uid=alice,ou=people,dc=example,dc=org', [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'loginShell', values: ['/bin/sh'] }),
        }),
      ]);
    } finally {
      await ldapi.unbind();
    }
  });
});

describe('slapd fixture lifecycle', () => {
  it('gives each fixture its own directory and stops it by PID', async () => {
    const first = await startSlapd();
    const second = await startSlapd();
    try {
      expect(second.ldapUrl).not.toBe(first.ldapUrl);
      const client = new Client({ url: first.ldapUrl });
      await client.bind(first.adminDN, first.adminPassword);
      await client.add('uid=only-in-first,ou=people,dc=example,dc=org', {
        objectClass: 'account',
        uid: 'only-in-first',
      });
      await client.unbind();
      const other = new Client({ url: second.ldapUrl });
      const { searchEntries } = await other.search(second.baseDN, { filter: '(uid=only-in-first)' });
      await other.unbind();
      expect(searchEntries).toEqual([]);
    } finally {
      await second.stop();
    }
    await first.stop();
    expect(() => process.kill(first.pid, 0)).toThrow();
    const afterStop = new Client({ url: first.ldapUrl, connectTimeout: 1000 });
    await expect(afterStop.bind(first.adminDN, first.adminPassword)).rejects.toThrow();
  });
});
