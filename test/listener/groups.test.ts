import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manyUsersLdif } from '../data/many-users.ts';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LARGE = 1000;

describe('groups over slapd, as Entra drives them', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  let seedDir: string;
  const users: Record<string, string> = {};

  const group = async (cn: string) => {
    const { searchEntries } = await ldap.search('ou=groups,dc=example,dc=org', {
      filter: `(cn=${cn})`,
      attributes: ['*'],
    });
    return searchEntries[0];
  };
  const patch = (path: string, ...Operations: unknown[]) =>
    listener.scim('PATCH', path, { schemas: [PATCH], Operations });

  beforeAll(async () => {
    seedDir = await mkdtemp(join(tmpdir(), 'groups-seed-'));
    await writeFile(
      join(seedDir, 'seed.ldif'),
      `${await readFile(testDataPath('base.ldif'), 'utf8')}\n${manyUsersLdif(LARGE)}`,
    );
    slapd = await startSlapd({ seed: [join(seedDir, 'seed.ldif')] });
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, { spec: '  posix: {userPrivateGroups: true}' }),
      'gon.yaml': manifests(slapd, {
        name: 'gon',
        spec: '  group: {style: groupOfNames, container: "ou=groups,dc=example,dc=org"}',
      }),
    });
    for (const name of ['ann', 'bob']) {
      const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
        userName: `${name}@example.org`,
        displayName: name,
        name: { familyName: name },
      });
      users[name] = created.body.id;
    }
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
    await rm(seedDir, { recursive: true, force: true });
  });

  it('creates an empty group after an empty lookup, with a unique gidNumber', async () => {
    const lookup = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Linux Admins"')}`,
    );
    expect(lookup.body.totalResults).toBe(0);
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Groups', {
      schemas: [GROUP],
      displayName: 'Linux Admins',
      externalId: 'e1',
      members: [],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/ecma2host_ldap/scim/Groups/${created.body.id}`);
    expect(await group('Linux Admins')).toMatchObject({
      objectClass: 'posixGroup',
      cn: 'Linux Admins',
      gidNumber: expect.stringMatching(/^\d+$/),
    });
    const found = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "linux admins"')}`,
    );
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const meta = {
      resourceType: 'Group',
      created: iso,
      lastModified: iso,
      location: `/ecma2host_ldap/scim/Groups/${created.body.id}`,
    };
    expect(created.body.meta).toEqual(meta);
    expect(found.body.Resources).toEqual([
      { id: created.body.id, schemas: [GROUP], displayName: 'Linux Admins', meta },
    ]);
    const byId = await listener.scim('GET', `/ecma2host_ldap/scim/Groups/${created.body.id}`);
    expect(byId.body.meta).toEqual(meta);
  });

  it('applies every membership shape Entra sends', async () => {
    const { body } = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?filter=${encodeURIComponent('displayName eq "Linux Admins"')}`,
    );
    const path = `/ecma2host_ldap/scim/Groups/${body.Resources[0].id}`;
    const memberUids = async () => [(await group('Linux Admins'))?.['memberUid'] ?? []].flat().sort();

    expect(
      (
        await patch(path, {
          op: 'Add',
          path: 'members',
          value: [{ $ref: null, value: users['ann'] }, { value: users['bob'] }],
        })
      ).status,
    ).toBe(204);
    expect(await memberUids()).toEqual(['ann', 'bob']);
    await patch(path, { op: 'Remove', path: 'members', value: [{ value: users['ann'] }] });
    expect(await memberUids()).toEqual(['bob']);
    await patch(path, { op: 'remove', path: `members[value eq "${users['bob']}"]` });
    expect(await memberUids()).toEqual([]);
    await patch(path, { op: 'replace', path: 'members', value: [{ value: users['ann'] }] });
    expect(await memberUids()).toEqual(['ann']);
    const read = await listener.scim('GET', path);
    expect(read.body.members).toEqual([{ value: users['ann'], display: 'ann' }]);
    expect((await listener.scim('GET', `${path}?excludedAttributes=members`)).body).not.toHaveProperty(
      'members',
    );
  });

  it('refuses an unknown member id, naming it, and applies nothing else of that PATCH', async () => {
    const { body } = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?filter=${encodeURIComponent('displayName eq "Linux Admins"')}`,
    );
    const response = await patch(
      `/ecma2host_ldap/scim/Groups/${body.Resources[0].id}`,
      { op: 'Replace', path: 'displayName', value: 'Renamed' },
      {
        op: 'Add',
        path: 'members',
        value: [{ value: users['bob'] }, { value: '00000000-0000-0000-0000-000000000000' }],
      },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      scimType: 'invalidValue',
      detail: 'member "00000000-0000-0000-0000-000000000000" is not a user of this connector',
    });
    expect(await group('Linux Admins')).toMatchObject({ memberUid: 'ann' });
  });

  it('renames a group on a displayName replace, keeping its gidNumber and members', async () => {
    const before = await group('Linux Admins');
    const { body } = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?filter=${encodeURIComponent('displayName eq "Linux Admins"')}`,
    );
    expect(
      (
        await patch(`/ecma2host_ldap/scim/Groups/${body.Resources[0].id}`, {
          op: 'Replace',
          path: 'displayName',
          value: 'Linux Operators',
        })
      ).status,
    ).toBe(204);
    expect(await group('Linux Operators')).toMatchObject({
      dn: 'cn=Linux Operators,ou=groups,dc=example,dc=org',
      gidNumber: before?.['gidNumber'],
      memberUid: 'ann',
    });
    expect(
      (await listener.scim('GET', `/ecma2host_ldap/scim/Groups/${body.Resources[0].id}`)).body.displayName,
    ).toBe('Linux Operators');
  });

  it('creates and removes user private groups, and takes deleted users out of their groups', async () => {
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'cyd@example.org',
      displayName: 'cyd',
      name: { familyName: 'cyd' },
    });
    expect(await group('cyd')).toMatchObject({ objectClass: 'posixGroup', gidNumber: '10000' });
    const { body } = await listener.scim(
      'GET',
      `/ecma2host_ldap/scim/Groups?filter=${encodeURIComponent('displayName eq "Linux Operators"')}`,
    );
    await patch(`/ecma2host_ldap/scim/Groups/${body.Resources[0].id}`, {
      op: 'Add',
      path: 'members',
      value: [{ value: created.body.id }],
    });
    expect([(await group('Linux Operators'))?.['memberUid']].flat().sort()).toEqual(['ann', 'cyd']);
    expect((await listener.scim('DELETE', `/ecma2host_ldap/scim/Users/${created.body.id}`)).status).toBe(204);
    expect(await group('cyd')).toBeUndefined();
    expect((await group('Linux Operators'))?.['memberUid']).toBe('ann');
  });

  it('keeps groupOfNames valid: a placeholder while empty, member DNs, deleted users removed', async () => {
    const created = await listener.scim('POST', '/ecma2host_gon/scim/Groups', {
      schemas: [GROUP],
      displayName: 'Web Admins',
    });
    expect(created.status).toBe(201);
    expect(await group('Web Admins')).toMatchObject({
      objectClass: 'groupOfNames',
      member: 'cn=Web Admins,ou=groups,dc=example,dc=org',
    });
    const dee = await listener.scim('POST', '/ecma2host_gon/scim/Users', {
      userName: 'dee@example.org',
      displayName: 'dee',
      name: { familyName: 'dee' },
    });
    await patch(`/ecma2host_gon/scim/Groups/${created.body.id}`, {
      op: 'Add',
      path: 'members',
      value: [{ value: dee.body.id }],
    });
    expect((await group('Web Admins'))?.['member']).toBe('uid=dee,ou=people,dc=example,dc=org');
    await listener.scim('DELETE', `/ecma2host_gon/scim/Users/${dee.body.id}`);
    expect((await group('Web Admins'))?.['member']).toBe('cn=Web Admins,ou=groups,dc=example,dc=org');
  });

  it(`adds and removes ${LARGE} members with one LDAP modify each`, async () => {
    const { searchEntries } = await ldap.search('ou=people,dc=example,dc=org', {
      filter: '(uid=m*)',
      attributes: ['entryUUID'],
      paged: true,
    });
    const ids = searchEntries.map((e) => String(e['entryUUID']));
    expect(ids).toHaveLength(LARGE);
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Groups', {
      schemas: [GROUP],
      displayName: 'Everyone',
    });
    const modifies = async () =>
      Number(
        /scim_ldap_ldap_operations_total\{connector="ldap",operation="modify",outcome="success"\} (\d+)/.exec(
          await (await fetch(`${listener.metricsUrl}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await modifies();
    await patch(`/ecma2host_ldap/scim/Groups/${created.body.id}`, {
      op: 'Add',
      path: 'members',
      value: ids.map((value) => ({ value })),
    });
    expect([(await group('Everyone'))?.['memberUid']].flat()).toHaveLength(LARGE);
    await patch(`/ecma2host_ldap/scim/Groups/${created.body.id}`, {
      op: 'Remove',
      path: 'members',
      value: ids.slice(0, LARGE / 2).map((value) => ({ value })),
    });
    expect([(await group('Everyone'))?.['memberUid']].flat()).toHaveLength(LARGE / 2);
    expect(await modifies()).toBe(before + 2);
  });
});

describe('groups on an rfc2307bis directory', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;

  beforeAll(async () => {
    slapd = await startSlapd({ posixSchema: 'rfc2307bis' });
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, { spec: '  group: {style: rfc2307bis}' }),
    });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
  });

  it('keeps memberUid and member DNs together on one groupOfNames + posixGroup entry', async () => {
    const user = await listener.scim('POST', '/scim/Users', {
      userName: 'eve@example.org',
      displayName: 'eve',
      name: { familyName: 'eve' },
    });
    const group = await listener.scim('POST', '/scim/Groups', {
      displayName: 'devs',
      members: [{ value: user.body.id }],
    });
    expect(group.status).toBe(201);
    const { searchEntries } = await ldap.search('ou=groups,dc=example,dc=org', {
      filter: '(cn=devs)',
      attributes: ['*'],
    });
    expect(searchEntries[0]).toMatchObject({
      objectClass: ['groupOfNames', 'posixGroup'],
      memberUid: 'eve',
      member: 'uid=eve,ou=people,dc=example,dc=org',
      gidNumber: expect.stringMatching(/^\d+$/),
    });
    expect((await listener.scim('GET', `/scim/Groups/${group.body.id}`)).body.members).toEqual([
      { value: user.body.id, display: 'eve' },
    ]);
  });
});
