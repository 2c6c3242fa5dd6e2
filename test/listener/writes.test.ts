import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

// A connector whose DN is named by cn (as ECMA2Host's "CN=…" DNs are), next to the uid-named default one.
describe('listener writes: renames, full replace, ECMA2Host values, reload', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;

  const byUid = async (uid: string) => {
    const { searchEntries } = await ldap.search(slapd.baseDN, { filter: `(uid=${uid})`, attributes: ['*'] });
    return searchEntries[0];
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    ldap = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd),
      'cn.yaml': manifests(slapd, {
        name: 'bycn',
        mappings: contosoMappings('Join("", "cn=", [displayName], ",ou=people,dc=example,dc=org")'),
      }),
    });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
  });

  it('renames the entry when the value naming it changes, instead of failing', async () => {
    const created = await listener.scim('POST', '/ecma2host_bycn/scim/Users', {
      userName: 'carol@example.org',
      displayName: 'Carol One',
      name: { familyName: 'One' },
    });
    expect(created.status).toBe(201);
    const patched = await listener.scim('PATCH', `/ecma2host_bycn/scim/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Carol Two' }],
    });
    expect(patched.status).toBe(204);
    expect(
      (await listener.scim('GET', `/ecma2host_bycn/scim/Users/${created.body.id}`)).body.displayName,
    ).toBe('Carol Two');
    expect(await byUid('carol')).toMatchObject({
      dn: 'cn=Carol Two,ou=people,dc=example,dc=org',
      cn: 'Carol Two',
    });
  });

  it('replaces a user with PUT; a body the directory would refuse changes nothing', async () => {
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'dave@example.org',
      displayName: 'Dave',
      name: { familyName: 'Old' },
    });
    const put = await listener.scim('PUT', `/ecma2host_ldap/scim/Users/${created.body.id}`, {
      userName: 'dave@example.org',
      displayName: 'David',
      name: { familyName: 'New' },
    });
    expect(put.status).toBe(200);
    expect(await byUid('dave')).toMatchObject({
      cn: 'David',
      sn: 'New',
      uidNumber: String(created.body[ECMA].uidNumber),
    });
    // Without displayName, cn (required by inetOrgPerson) would go: refused whole, nothing half-written.
    const refused = await listener.scim('PUT', `/ecma2host_ldap/scim/Users/${created.body.id}`, {
      userName: 'dave@example.org',
      name: { familyName: 'Newer' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      scimType: 'invalidValue',
      detail: 'update user: the entry violates its object classes (a required attribute is missing?)',
    });
    expect(await byUid('dave')).toMatchObject({ cn: 'David', sn: 'New' });
  });

  it('PUT of what a GET returned, with a core attribute changed: the change lands over the echoed extension value', async () => {
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'hugo@example.org',
      displayName: 'Hugo',
      name: { familyName: 'Old' },
    });
    const read = await listener.scim('GET', `/ecma2host_ldap/scim/Users/${created.body.id}`);
    expect(read.body[ECMA]).toMatchObject({ sn: 'Old', cn: 'Hugo' });
    const put = await listener.scim('PUT', `/ecma2host_ldap/scim/Users/${created.body.id}`, {
      ...read.body,
      displayName: 'Hugo Neu',
      name: { familyName: 'New' },
    });
    expect(put.status).toBe(200);
    expect(await byUid('hugo')).toMatchObject({ cn: 'Hugo Neu', sn: 'New' });
    expect(put.body).toMatchObject({ displayName: 'Hugo Neu', name: { familyName: 'New' } });
    // An extension value that differs from the entry is a change too, and still wins.
    const changed = await listener.scim('PUT', `/ecma2host_ldap/scim/Users/${created.body.id}`, {
      ...put.body,
      [ECMA]: { ...put.body[ECMA], sn: 'Newer' },
    });
    expect(changed.status).toBe(200);
    expect(await byUid('hugo')).toMatchObject({ cn: 'Hugo Neu', sn: 'Newer' });
    // Without displayName the cn mapping computes nothing: the extension's cn, as held, stays.
    const { displayName: _, ...withoutDisplayName } = changed.body;
    const kept = await listener.scim(
      'PUT',
      `/ecma2host_ldap/scim/Users/${created.body.id}`,
      withoutDisplayName,
    );
    expect(kept.status).toBe(200);
    expect(await byUid('hugo')).toMatchObject({ cn: 'Hugo Neu', sn: 'Newer' });
  });

  it('PATCH of a core attribute and an extension attribute together: both land', async () => {
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'ida@example.org',
      displayName: 'Ida',
      name: { familyName: 'I' },
    });
    const patched = await listener.scim('PATCH', `/ecma2host_ldap/scim/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Ida Zwei' },
        { op: 'Replace', path: `${ECMA}:loginShell`, value: '/bin/zsh' },
      ],
    });
    expect(patched.status).toBe(204);
    expect(await byUid('ida')).toMatchObject({ cn: 'Ida Zwei', loginShell: '/bin/zsh' });
  });

  it('writes ECMA2Host extension values as sent, and reads them back under the extension', async () => {
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'erin@example.org',
      displayName: 'Erin',
      name: { familyName: 'Erin' },
      [ECMA]: { loginShell: '/bin/zsh', gidNumber: '20001', export_password: 'Pa55word!x' },
    });
    expect(created.status).toBe(201);
    const entry = await byUid('erin');
    expect(entry).toMatchObject({ loginShell: '/bin/zsh', gidNumber: '20001' });
    expect(created.body[ECMA]).toMatchObject({
      loginShell: '/bin/zsh',
      gidNumber: 20001,
      '-dn-': 'uid=erin,ou=people,dc=example,dc=org',
    });
    const bind = new Client({ url: slapd.ldapUrl });
    await expect(bind.bind('uid=erin,ou=people,dc=example,dc=org', 'Pa55word!x')).resolves.toBeUndefined();
    await bind.unbind();
  });

  it('refuses a create whose matching attribute, sent in the extension, is already held', async () => {
    const duplicate = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      [ECMA]: {
        '-dn-': 'uid=alice2,ou=people,dc=example,dc=org',
        mail: 'alice@example.org',
        sn: 'A',
        cn: 'A',
      },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ scimType: 'uniqueness' });
    const { searchEntries } = await ldap.search(slapd.baseDN, { filter: '(mail=alice@example.org)' });
    expect(searchEntries.map((e) => e.dn)).toEqual(['uid=alice,ou=people,dc=example,dc=org']);
  });

  it('picks up a changed mapping without a restart, and keeps the last good one when a change is invalid', async () => {
    const mappings = manifests(slapd).replace(
      '{target: loginShell, constant: /bin/bash}',
      '{target: loginShell, constant: /bin/ksh}',
    );
    await writeFile(join(listener.dir, 'ldap.yaml'), mappings);
    await expect
      .poll(
        async () => {
          await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
            userName: `f${Date.now()}@example.org`,
            displayName: 'F',
            name: { familyName: 'F' },
          });
          const { searchEntries } = await ldap.search(slapd.baseDN, { filter: '(loginShell=/bin/ksh)' });
          return searchEntries.length;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBeGreaterThan(0);

    await writeFile(
      join(listener.dir, 'ldap.yaml'),
      mappings.replace(
        'expression: \'ToLower(Word([userName], 1, "@"))\'',
        'expression: \'ToLower(Wrd([userName], 1, "@"))\'',
      ),
    );
    expect(await listener.reload()).toBe(false);
    const still = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'gina@example.org',
      displayName: 'Gina',
      name: { familyName: 'G' },
    });
    expect(still.status).toBe(201);
    expect(await byUid('gina')).toMatchObject({ loginShell: '/bin/ksh' });
  });
});
