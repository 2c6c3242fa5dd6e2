import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
// The connector owns ou=tenant under a user-class entry; the rest of the directory is not its to touch.
const BASE = 'ou=tenant,uid=boss,dc=example,dc=org';
const OUTSIDE = `
dn: uid=boss,dc=example,dc=org
objectClass: inetOrgPerson
objectClass: posixAccount
uid: boss
cn: Boss
sn: Boss
uidNumber: 10100
gidNumber: 10100
homeDirectory: /home/boss

dn: ${BASE}
objectClass: organizationalUnit
ou: tenant

dn: ou=people,${BASE}
objectClass: organizationalUnit
ou: people

dn: uid=insider,ou=people,${BASE}
objectClass: inetOrgPerson
objectClass: posixAccount
uid: insider
cn: Insider
sn: Insider
uidNumber: 10102
gidNumber: 10102
homeDirectory: /home/insider

dn: ou=groups,${BASE}
objectClass: organizationalUnit
ou: groups

dn: cn=insiders,ou=groups,${BASE}
objectClass: posixGroup
cn: insiders
gidNumber: 10201
memberUid: insider

dn: ou=others,dc=example,dc=org
objectClass: organizationalUnit
ou: others

dn: uid=mallory,ou=others,dc=example,dc=org
objectClass: inetOrgPerson
objectClass: posixAccount
uid: mallory
cn: Mallory
sn: Mallory
uidNumber: 10101
gidNumber: 10101
homeDirectory: /home/mallory

dn: cn=outsiders,ou=others,dc=example,dc=org
objectClass: posixGroup
cn: outsiders
gidNumber: 10200
memberUid: mallory
`;
// Outside the baseDN, or inside it but of the other class.
const OUTSIDE_USERS = [
  'uid=mallory,ou=others,dc=example,dc=org',
  'uid=boss,dc=example,dc=org',
  BASE,
  `cn=insiders,ou=groups,${BASE}`,
];
const OUTSIDE_GROUPS = [
  'cn=outsiders,ou=others,dc=example,dc=org',
  BASE,
  'dc=example,dc=org',
  `uid=insider,ou=people,${BASE}`,
];

describe('-dn- ids that name no entry of the connector', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  let seedDir: string;

  const snapshot = async (dn: string) => {
    const { searchEntries } = await ldap.search(dn, {
      scope: 'base',
      attributes: ['*', 'modifyTimestamp', 'entryCSN'],
    });
    return searchEntries;
  };

  beforeAll(async () => {
    seedDir = await mkdtemp(join(tmpdir(), 'bounds-seed-'));
    await writeFile(
      join(seedDir, 'seed.ldif'),
      `${await readFile(testDataPath('base.ldif'), 'utf8')}\n${OUTSIDE}`,
    );
    slapd = await startSlapd({ seed: [join(seedDir, 'seed.ldif')] });
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    const dn = `Join("", "uid=", ToLower(Word([userName], 1, "@")), ",ou=people,${BASE}")`;
    const yaml = manifests(slapd, {
      mappings: contosoMappings(dn),
      spec: '  user: {anchor: -dn-}',
    }).replace(`baseDN: ${slapd.baseDN}`, `baseDN: "${BASE}"`);
    listener = await startTestListener({ 'ldap.yaml': yaml });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
    if (seedDir) await rm(seedDir, { recursive: true, force: true });
  });

  it('serves users inside the baseDN by their DN', async () => {
    const response = await listener.scim(
      'GET',
      `/scim/Users/${encodeURIComponent(`uid=insider,ou=people,${BASE}`)}`,
    );
    expect(response.status).toBe(200);
    // No mapping gives this entry a userName: it shows its uid (docs/listener.md).
    expect(response.body.userName).toBe('insider');
    expect(response.body.id).toBe(`uid=insider,ou=people,${BASE}`);
  });

  const requests = (kind: 'Users' | 'Groups') => [
    { method: 'GET', body: undefined },
    {
      method: 'PUT',
      body:
        kind === 'Users'
          ? { userName: 'taken@example.org', displayName: 'Taken', name: { familyName: 'Taken' } }
          : { displayName: 'Taken' },
    },
    {
      method: 'PATCH',
      body: {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: kind === 'Users' ? 'displayName' : 'displayName', value: 'Taken' },
        ],
      },
    },
    { method: 'DELETE', body: undefined },
  ];

  it.each(OUTSIDE_USERS.flatMap((dn) => requests('Users').map((r) => ({ ...r, dn }))))(
    '$method /Users/$dn is 404 and leaves the entry as it was',
    async ({ method, body, dn }) => {
      const before = await snapshot(dn);
      const response = await listener.scim(method, `/scim/Users/${encodeURIComponent(dn)}`, body);
      expect(response.status).toBe(404);
      expect(await snapshot(dn)).toEqual(before);
    },
  );

  it.each(OUTSIDE_GROUPS.flatMap((dn) => requests('Groups').map((r) => ({ ...r, dn }))))(
    '$method /Groups/$dn is 404 and leaves the entry as it was',
    async ({ method, body, dn }) => {
      const before = await snapshot(dn);
      const response = await listener.scim(method, `/scim/Groups/${encodeURIComponent(dn)}`, body);
      expect(response.status).toBe(404);
      expect(await snapshot(dn)).toEqual(before);
    },
  );

  it('lists no user outside the baseDN', async () => {
    const response = await listener.scim('GET', '/scim/Users');
    expect(response.body.Resources.map((r: { id: string }) => r.id)).toEqual([
      `uid=insider,ou=people,${BASE}`,
    ]);
  });
});
