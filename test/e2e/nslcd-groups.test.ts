import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Nslcd, startNslcd } from '../support/nslcd.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// A Linux host (nslcd + PAM) reading the directory the listener writes: Entra group membership decides who may
// log in, through pam_authz_search.
describe('Linux hosts follow Entra groups through nslcd', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let nslcd: Nslcd;
  const passwords = { ann: 'Ann-Passw0rd!', bob: 'Bob-Passw0rd!' };

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
    const ids: Record<string, string> = {};
    for (const [name, password] of Object.entries(passwords)) {
      const created = await listener.scim('POST', '/scim/Users', {
        userName: `${name}@example.org`,
        displayName: name,
        name: { familyName: name },
        password,
      });
      expect(created.status).toBe(201);
      ids[name] = created.body.id;
    }
    const group = await listener.scim('POST', '/scim/Groups', { displayName: 'linux-admins' });
    await listener.scim('PATCH', `/scim/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: ids['ann'] }] }],
    });
    nslcd = await startNslcd({
      uri: slapd.ldapUrl,
      base: slapd.baseDN,
      bindDN: slapd.adminDN,
      bindPW: slapd.adminPassword,
      authzSearch: '(&(objectClass=posixGroup)(cn=linux-admins)(memberUid=$username))',
    });
  });
  afterAll(async () => {
    await nslcd?.stop();
    await listener?.close();
    await slapd?.stop();
  });

  it('lists the provisioned members in getent group', async () => {
    expect(await nslcd.getent('group', 'linux-admins')).toMatch(/^linux-admins:\*:\d+:ann$/);
    expect(await nslcd.getent('passwd', 'ann')).toMatch(/^ann:\*:\d+:10000:ann:\/home\/ann:\/bin\/bash$/);
  });

  it('admits a member of the group and refuses a user who is not one, until Entra adds them', async () => {
    expect(await nslcd.login('ann', passwords.ann)).toBe(true);
    expect(await nslcd.login('ann', 'wrong-password')).toBe(false);
    expect(await nslcd.login('bob', passwords.bob)).toBe(false);
    const { body } = await listener.scim(
      'GET',
      `/scim/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "linux-admins"')}`,
    );
    const bob = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "bob@example.org"')}`,
    );
    await listener.scim('PATCH', `/scim/Groups/${body.Resources[0].id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: bob.body.Resources[0].id }] }],
    });
    expect(await nslcd.getent('group', 'linux-admins')).toMatch(/:ann,bob$/);
    expect(await nslcd.login('bob', passwords.bob)).toBe(true);
  });

  it('locks out a user Entra disables, and lets them in again when Entra re-enables them', async () => {
    const ann = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "ann@example.org"')}`,
    );
    const setActive = (value: string) =>
      listener.scim('PATCH', `/scim/Users/${ann.body.Resources[0].id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Replace', path: 'active', value }],
      });
    expect((await setActive('False')).status).toBe(204);
    expect(await nslcd.login('ann', passwords.ann)).toBe(false);
    expect((await setActive('True')).status).toBe(204);
    expect(await nslcd.login('ann', passwords.ann)).toBe(true);
  });

  it('forgets a user Entra deletes: unknown to getent, refused at login', async () => {
    const bob = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "bob@example.org"')}`,
    );
    expect((await listener.scim('DELETE', `/scim/Users/${bob.body.Resources[0].id}`)).status).toBe(204);
    expect(await nslcd.getent('passwd', 'bob')).toBeNull();
    expect(await nslcd.getent('group', 'linux-admins')).toMatch(/:ann$/);
    expect(await nslcd.login('bob', passwords.bob)).toBe(false);
  });
});
