import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manyUsersLdif } from '../data/many-users.ts';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const USERS = 300;
const GROUPS = 45;

function groupsLdif(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++)
    out += `dn: cn=g${i},ou=groups,dc=example,dc=org\nobjectClass: posixGroup\ncn: g${i}\ngidNumber: ${30000 + i}\n\n`;
  return out;
}

describe('listing every user and group page by page', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  let seedDir: string;

  /** Every page of a listing from startIndex 1, `between` running after each page; ids in listing order. */
  async function listAll(
    path: string,
    count: number,
    between: (page: number) => Promise<void> = async () => {},
  ) {
    const ids: string[] = [];
    const totals = new Set<number>();
    for (let page = 0; ; page++) {
      const response = await listener.scim('GET', `${path}?startIndex=${page * count + 1}&count=${count}`);
      expect(response.status).toBe(200);
      totals.add(response.body.totalResults);
      ids.push(...response.body.Resources.map((r: { id: string }) => r.id));
      if ((page + 1) * count >= response.body.totalResults) break;
      await between(page);
    }
    return { ids, totals };
  }

  async function directoryIds(base: string, filter: string): Promise<string[]> {
    const { searchEntries } = await ldap.search(base, { filter, attributes: ['entryUUID'], paged: true });
    return searchEntries.map((e) => String(e['entryUUID']));
  }

  beforeAll(async () => {
    seedDir = await mkdtemp(join(tmpdir(), 'listing-seed-'));
    await writeFile(
      join(seedDir, 'seed.ldif'),
      `${await readFile(testDataPath('base.ldif'), 'utf8')}\n${manyUsersLdif(USERS)}${groupsLdif(GROUPS)}`,
    );
    slapd = await startSlapd({ seed: [join(seedDir, 'seed.ldif')] });
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
    if (seedDir) await rm(seedDir, { recursive: true, force: true });
  });

  it('returns every user exactly once, in pages that add up to totalResults', async () => {
    const { ids, totals } = await listAll('/scim/Users', 23);
    expect(totals).toEqual(new Set([USERS + 1]));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      (await directoryIds('ou=people,dc=example,dc=org', '(objectClass=inetOrgPerson)')).sort(),
    );
  });

  it('returns every group exactly once', async () => {
    const { ids } = await listAll('/scim/Groups', 10);
    expect(new Set(ids).size).toBe(GROUPS);
    expect([...ids].sort()).toEqual(
      (await directoryIds('ou=groups,dc=example,dc=org', '(objectClass=posixGroup)')).sort(),
    );
  });

  it('keeps a listing consistent while users are created, deleted and renamed between its pages', async () => {
    const before = new Set(await directoryIds('ou=people,dc=example,dc=org', '(objectClass=inetOrgPerson)'));
    const deleted: string[] = [];
    const { ids } = await listAll('/scim/Users', 40, async (page) => {
      // After page 1: delete an entry that a later page holds, add one, rename one not listed yet so that it sorts first.
      if (page !== 0) return;
      const [victim] = await directoryIds('uid=m299,ou=people,dc=example,dc=org', '(objectClass=*)');
      deleted.push(victim as string);
      await ldap.del('uid=m299,ou=people,dc=example,dc=org');
      await ldap.add('uid=newcomer,ou=people,dc=example,dc=org', {
        objectClass: ['inetOrgPerson', 'posixAccount'],
        uid: 'newcomer',
        cn: 'newcomer',
        sn: 'newcomer',
        uidNumber: '59999',
        gidNumber: '10000',
        homeDirectory: '/home/newcomer',
      });
      await ldap.modifyDN('uid=m298,ou=people,dc=example,dc=org', 'uid=aaa-renamed');
    });
    expect(new Set(ids).size).toBe(ids.length);
    const expected = [...before].filter((id) => !deleted.includes(id));
    expect([...ids].sort()).toEqual(expected.sort());
  });
});
