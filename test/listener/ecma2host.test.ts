import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { bindAs, type Slapd, startSlapd } from '../support/slapd.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = '/ecma2host_openldap/scim/Users';
const DN = 'CN=Britta.Simon,DC=example,DC=org';
// The same DN as the directory spells it (attribute types are case-insensitive).
const ENTRY_DN = 'cn=Britta.Simon,dc=example,dc=org';

// The listener's side of a pure ECMA2Host configuration: the extension names the entry, so the -dn- mapping
// (which every mapping set has) never applies; cn also answers displayName; the login shell is ours.
const MAPPINGS = `  - {target: -dn-, expression: 'Join("", "CN=", Word([userName], 1, "@"), ",DC=example,DC=org")', apply: OnCreate}
  - {target: cn, source: displayName}
  - {target: loginShell, constant: /bin/bash}
`;

/**
 * What Entra's "On-premises ECMA app" sends with exactly the mappings of Microsoft's LDAP tutorial ("Configure
 * attribute mapping"): everything under the ECMA2Host extension, no core userName; the password follows in a
 * later PATCH. uidNumber comes from the Entra user (the tutorial's directory extension attribute).
 */
const tutorialUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ECMA],
  [ECMA]: {
    '-dn-': DN,
    objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
    cn: 'Britta Simon',
    sn: 'Simon',
    mail: 'Britta.Simon@example.org',
    uid: 'britta.simon',
    uidNumber: '10042',
    homeDirectory: '/home/britta.simon',
    gidNumber: '10000',
  },
  meta: { resourceType: 'User' },
};

describe('Entra with the tutorial ECMA2Host mappings, from Test Connection to delete', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  let id: string;

  const stored = async () => {
    const { searchEntries } = await ldap.search(slapd.baseDN, {
      filter: '(uid=britta.simon)',
      attributes: ['*', 'entryUUID'],
    });
    return searchEntries[0];
  };
  const lookup = (filter: string) => listener.scim('GET', `${USERS}?filter=${encodeURIComponent(filter)}`);
  const patch = (...Operations: unknown[]) =>
    listener.scim('PATCH', `${USERS}/${id}`, { schemas: [PATCH], Operations });
  const canBind = (password: string) =>
    bindAs(slapd.ldapUrl, DN, password).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    slapd = await startSlapd();
    ldap = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({
      'openldap.yaml': manifests(slapd, {
        name: 'openldap',
        attributes: ['cn', 'sn', 'mail', 'uid', 'uidNumber', 'gidNumber', 'homeDirectory', 'userPassword'],
        mappings: MAPPINGS,
      }),
    });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
  });

  it('answers Test Connection on the matching attribute, with or without the extension URN, with an empty list', async () => {
    for (const attribute of [`${ECMA}:mail`, 'mail']) {
      const { status, body } = await lookup(`${attribute} eq "6f1d2c3b-4a59-4e8f-9d7c-0b1a2c3d4e5f"`);
      expect(status, attribute).toBe(200);
      expect(body).toMatchObject({ totalResults: 0, Resources: [] });
    }
  });

  it('creates the entry as sent, after an empty match, with 201 and an id', async () => {
    expect((await lookup(`${ECMA}:mail eq "Britta.Simon@example.org"`)).body.totalResults).toBe(0);
    const { status, body, headers } = await listener.scim('POST', USERS, tutorialUser);
    expect(status).toBe(201);
    id = body.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('location')).toBe(`${USERS}/${id}`);
    const entry = await stored();
    expect(entry).toMatchObject({
      dn: ENTRY_DN,
      objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      sn: 'Simon',
      mail: 'Britta.Simon@example.org',
      uid: 'britta.simon',
      uidNumber: '10042',
      gidNumber: '10000',
      homeDirectory: '/home/britta.simon',
      loginShell: '/bin/bash',
      entryUUID: id,
    });
    // The RDN's value must be among the entry's values; the sent cn stays.
    expect(entry?.['cn']).toEqual(['Britta.Simon', 'Britta Simon']);
    expect(entry).not.toHaveProperty('userPassword');
    expect(body).toMatchObject({
      id,
      userName: 'britta.simon',
      displayName: 'Britta Simon',
      active: true,
      meta: { resourceType: 'User', location: `${USERS}/${id}` },
      [ECMA]: { '-dn-': ENTRY_DN, uidNumber: 10042, mail: 'Britta.Simon@example.org' },
    });
  });

  it('finds the user on the matching attribute, bare or with the extension URN, and by id', async () => {
    for (const attribute of [`${ECMA}:mail`, 'mail']) {
      const { body } = await lookup(`${attribute} eq "britta.simon@example.org"`);
      expect(body.totalResults, attribute).toBe(1);
      expect(body.Resources[0]).toMatchObject({ id, userName: 'britta.simon' });
    }
    const read = await listener.scim('GET', `${USERS}/${id}`);
    expect(read.body).toMatchObject({ id, userName: 'britta.simon', displayName: 'Britta Simon' });
  });

  it('sets the password from the later PATCH, as userPassword or export_password', async () => {
    expect(
      (await patch({ op: 'Add', path: `${ECMA}:userPassword`, value: 'Initial-Passw0rd!' })).status,
    ).toBe(204);
    expect(String((await stored())?.['userPassword'])).toMatch(/^\{CRYPT\}\$6\$/);
    expect(await canBind('Initial-Passw0rd!')).toBe(true);
    expect(
      (await patch({ op: 'Replace', path: `${ECMA}:export_password`, value: 'Second-Passw0rd!' })).status,
    ).toBe(204);
    expect(await canBind('Second-Passw0rd!')).toBe(true);
    expect(await canBind('Initial-Passw0rd!')).toBe(false);
    expect(JSON.stringify((await listener.scim('GET', `${USERS}/${id}`)).body)).not.toContain('CRYPT');
  });

  it('updates extension attributes by PATCH replace, by path and path-less', async () => {
    const byPath = await patch({ op: 'Replace', path: `${ECMA}:homeDirectory`, value: '/home/bsimon' });
    expect(byPath.status).toBe(204);
    const pathless = await patch({ op: 'replace', value: { [`${ECMA}:sn`]: 'Simon-Jones' } });
    expect(pathless.status).toBe(204);
    expect(await stored()).toMatchObject({
      dn: ENTRY_DN,
      homeDirectory: '/home/bsimon',
      sn: 'Simon-Jones',
      mail: 'Britta.Simon@example.org',
      uidNumber: '10042',
    });
  });

  it('disables on PATCH active False', async () => {
    expect((await patch({ op: 'Replace', path: 'active', value: 'False' })).status).toBe(204);
    expect(await stored()).toMatchObject({ shadowExpire: '1', loginShell: '/usr/sbin/nologin' });
    expect((await listener.scim('GET', `${USERS}/${id}`)).body.active).toBe(false);
  });

  it('deletes on DELETE, after which the lookup is empty again', async () => {
    expect((await listener.scim('DELETE', `${USERS}/${id}`)).status).toBe(204);
    expect(await stored()).toBeUndefined();
    expect((await listener.scim('GET', `${USERS}/${id}`)).status).toBe(404);
    expect((await lookup(`mail eq "Britta.Simon@example.org"`)).body.totalResults).toBe(0);
  });
});
