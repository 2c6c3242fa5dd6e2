import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

// A PATCH says what it did: a remove removes from the entry, or the answer says why it cannot.
describe('PATCH remove and paths, against the directory', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;

  const entry = async (uid: string) => {
    const { searchEntries } = await ldap.search(slapd.baseDN, { filter: `(uid=${uid})` });
    return searchEntries[0] as Record<string, unknown>;
  };
  const patch = (path: string, ...operations: unknown[]) =>
    listener.scim('PATCH', path, { schemas: [PATCH_OP], Operations: operations });
  let serial = 0;
  /** A new user with a title, a telephone number and a description (written through the ECMA2Host extension). */
  const createUser = async () => {
    const name = `patch${++serial}`;
    const { status, body } = await listener.scim('POST', '/scim/Users', {
      userName: `${name}@example.org`,
      displayName: `Patch ${serial}`,
      name: { familyName: 'Patch' },
      title: 'Engineer',
      phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
      [ECMA]: { description: 'kept in the directory' },
    });
    expect(status).toBe(201);
    return { id: body.id as string, uid: name, path: `/scim/Users/${body.id}` };
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    ldap = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    const mappings = `${contosoMappings()}  - {target: title, source: title}
  - {target: telephoneNumber, source: 'phoneNumbers[type eq "work"].value'}
  - {target: roomNumber, source: nickName, apply: OnCreate}
  - {target: employeeNumber, source: externalId, match: 2}
`;
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, {
        mappings,
        attributes: [
          'cn',
          'sn',
          'mail',
          'uid',
          'uidNumber',
          'gidNumber',
          'homeDirectory',
          'loginShell',
          'description',
        ],
      }),
    });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
  });

  it.each([
    { reason: 'a mapped attribute', op: { op: 'remove', path: 'title' }, attribute: 'title' },
    {
      reason: 'a value-path element',
      op: { op: 'Remove', path: 'phoneNumbers[type eq "work"]' },
      attribute: 'telephoneNumber',
    },
    {
      reason: 'a value-path sub-attribute',
      op: { op: 'remove', path: 'phoneNumbers[type eq "work"].value' },
      attribute: 'telephoneNumber',
    },
    {
      reason: 'an ECMA2Host extension attribute',
      op: { op: 'remove', path: `${ECMA}:description` },
      attribute: 'description',
    },
  ])('removes $reason from the entry', async ({ op, attribute }) => {
    const user = await createUser();
    expect((await entry(user.uid))[attribute]).toBeDefined();
    const { status } = await patch(user.path, op);
    expect(status).toBe(204);
    const after = await entry(user.uid);
    expect(after[attribute]).toBeUndefined();
    expect(after['cn']).toBe(`Patch ${serial}`);
  });

  it.each([
    { reason: 'userName, which a User must have', path: 'userName', names: 'userName' },
    { reason: 'what a matching mapping reads', path: 'externalId', names: 'externalId' },
    { reason: 'a MUST of the object class (sn of person)', path: 'name.familyName', names: 'sn' },
    {
      reason: 'a MUST through the ECMA2Host extension (uidNumber)',
      path: `${ECMA}:uidNumber`,
      names: 'uidNumber',
    },
  ])(
    'refuses to remove $reason with 400 invalidValue naming it, and writes nothing',
    async ({ path, names }) => {
      const user = await createUser();
      const before = await entry(user.uid);
      const { status, body } = await patch(
        user.path,
        { op: 'remove', path: 'title' },
        { op: 'remove', path },
      );
      expect(status).toBe(400);
      expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
      expect(body.detail).toContain(names);
      expect(await entry(user.uid)).toEqual(before);
    },
  );

  it.each([
    { reason: 'the id', path: 'id' },
    { reason: 'an attribute written only on create', path: 'nickName' },
  ])(
    'refuses to remove $reason with 400 mutability instead of a 204 that changes nothing',
    async ({ path }) => {
      const user = await createUser();
      if (path === 'nickName') await patch(user.path, { op: 'add', path: 'title', value: 'Lead' });
      const created = await listener.scim('POST', '/scim/Users', {
        userName: `room${serial}@example.org`,
        displayName: `Room ${serial}`,
        name: { familyName: 'Room' },
        nickName: 'R1',
      });
      const target = path === 'id' ? user.path : `/scim/Users/${created.body.id}`;
      const { status, body } = await patch(target, { op: 'remove', path });
      expect(status).toBe(400);
      expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'mutability' });
      expect(body.detail).toContain(path);
    },
  );

  it.each([
    { reason: 'an unknown attribute', op: { op: 'replace', path: 'favouriteColour', value: 'blue' } },
    { reason: 'an unknown sub-attribute', op: { op: 'replace', path: 'name.nickname', value: 'x' } },
    { reason: 'an unknown extension', op: { op: 'remove', path: 'urn:example:params:Mystery:1.0:User:x' } },
    { reason: 'an attribute the connector does not expose', op: { op: 'remove', path: `${ECMA}:street` } },
    {
      reason: 'a path-less value of an unknown attribute',
      op: { op: 'replace', value: { favouriteColour: 'x' } },
    },
  ])('answers a path naming $reason with 400 invalidPath', async ({ op }) => {
    const user = await createUser();
    const { status, body } = await patch(user.path, op);
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidPath' });
  });

  it('answers a remove whose value filter matches nothing with 400 noTarget', async () => {
    const user = await createUser();
    const { status, body } = await patch(user.path, { op: 'remove', path: 'phoneNumbers[type eq "fax"]' });
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'noTarget' });
  });

  it('still accepts a remove followed by an add of the same attribute', async () => {
    const user = await createUser();
    const { status } = await patch(
      user.path,
      { op: 'remove', path: 'title' },
      { op: 'add', path: 'title', value: 'Manager' },
    );
    expect(status).toBe(204);
    expect((await entry(user.uid))['title']).toBe('Manager');
  });

  describe('groups', () => {
    let group: string;
    beforeAll(async () => {
      const { body } = await listener.scim('POST', '/scim/Groups', { displayName: 'Patchers' });
      group = `/scim/Groups/${body.id}`;
    });

    it('refuses to remove displayName with 400 invalidValue naming it', async () => {
      const { status, body } = await patch(group, { op: 'remove', path: 'displayName' });
      expect(status).toBe(400);
      expect(body).toMatchObject({ scimType: 'invalidValue' });
      expect(body.detail).toContain('displayName');
    });

    it('answers a path naming no Group attribute with 400 invalidPath', async () => {
      const { status, body } = await patch(group, { op: 'replace', path: 'userName', value: 'x' });
      expect(status).toBe(400);
      expect(body).toMatchObject({ scimType: 'invalidPath' });
    });

    it('still treats removing a member that is not there as done (Entra retries removals)', async () => {
      const { status } = await patch(group, {
        op: 'remove',
        path: 'members[value eq "00000000-0000-4000-8000-000000000000"]',
      });
      expect(status).toBe(204);
    });
  });
});
