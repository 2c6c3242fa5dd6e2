import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldapConnectorSpec } from '../../controller/config/schema.ts';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Nslcd, startNslcd } from '../support/nslcd.ts';
import { testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';
import { type Sshd, startSshd } from '../support/sshd.ts';

const run = promisify(execFile);

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ECMA2HOST = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

// What a Linux host's login configuration is made of; the tests change none of it on the machine.
const etcSnapshot = async () =>
  (
    await run('sh', [
      '-c',
      'find /etc/pam.d /etc/nsswitch.conf /etc/nslcd.conf -type f -exec sha256sum {} + 2>/dev/null | sort',
    ]).catch((error: { stdout: string }) => error)
  ).stdout;
const etcBefore = etcSnapshot();

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
      // Entra's order: the matching lookup, then the create.
      const lookup = await listener.scim(
        'GET',
        `/scim/Users?filter=${encodeURIComponent(`userName eq "${name}@example.org"`)}`,
      );
      expect(lookup.body.totalResults).toBe(0);
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

  it('resolves the provisioned users and the group members through getent', async () => {
    const ann = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "ann@example.org"')}`,
    );
    const uidNumber = ann.body.Resources[0][ECMA2HOST].uidNumber;
    expect(Number.isInteger(uidNumber)).toBe(true);
    expect(await nslcd.getent('passwd', 'ann')).toBe(`ann:*:${uidNumber}:10000:ann:/home/ann:/bin/bash`);
    expect(await nslcd.getent('group', 'linux-admins')).toMatch(/^linux-admins:\*:\d+:ann$/);
  });

  it("shows a later PATCH of the user's display name on the host", async () => {
    const ann = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "ann@example.org"')}`,
    );
    const patched = await listener.scim('PATCH', `/scim/Users/${ann.body.Resources[0].id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Ann Smith' }],
    });
    expect(patched.status).toBe(204);
    expect(await nslcd.getent('passwd', 'ann')).toMatch(
      /^ann:\*:\d+:10000:Ann Smith:\/home\/ann:\/bin\/bash$/,
    );
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

const SSH_KEY = `${ECMA2HOST}:sshPublicKey`;

// The SSH public key path: the connector maps sshPublicKey (openssh-lpk schema), and an sshd whose
// AuthorizedKeysCommand reads keys from the directory, with pam_ldap account management, admits the key holder
// until Entra disables them. Both describes share the machine's one nslcd, so they live in one file and run in
// turn.
describe('SSH keys from Entra, through the directory', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let nslcd: Nslcd;
  let sshd: Sshd;
  let keys: string;
  let id: string;
  const key = (name: string) => join(keys, name);
  const publicKey = async (name: string) => (await readFile(`${key(name)}.pub`, 'utf8')).trim();
  const patch = (...Operations: unknown[]) =>
    listener.scim('PATCH', `/scim/Users/${id}`, { schemas: [PATCH], Operations });

  beforeAll(async () => {
    keys = await mkdtemp(join(tmpdir(), 'ssh-keys-'));
    for (const name of ['carol', 'other', 'rotated'])
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key(name)]);
    slapd = await startSlapd({ extraSchema: [testDataPath('openssh-lpk.ldif')] });
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, {
        auxiliaryObjectClasses: ['posixAccount', 'shadowAccount', 'ldapPublicKey'],
        attributes: [...ldapConnectorSpec.properties.user.properties.attributes.default, 'sshPublicKey'],
        mappings: `${contosoMappings(undefined, { password: false })}  - {target: sshPublicKey, source: '${SSH_KEY}'}\n`,
      }),
    });
    const created = await listener.scim('POST', '/scim/Users', {
      userName: 'carol@example.org',
      displayName: 'carol',
      name: { familyName: 'carol' },
      [ECMA2HOST]: { sshPublicKey: await publicKey('carol') },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    nslcd = await startNslcd({
      uri: slapd.ldapUrl,
      base: slapd.baseDN,
      bindDN: slapd.adminDN,
      bindPW: slapd.adminPassword,
    });
    sshd = await startSshd({ ldapUrl: slapd.ldapUrl, baseDN: slapd.baseDN });
  });
  afterAll(async () => {
    await sshd?.stop();
    await nslcd?.stop();
    await listener?.close();
    await slapd?.stop();
    await rm(keys, { recursive: true, force: true });
  });

  it('logs in with the key Entra provisioned, and with no other', async () => {
    expect(await sshd.login('carol', key('carol'))).toEqual({ ok: true, stderr: expect.any(String) });
    expect((await sshd.login('carol', key('other'))).stderr).toContain('Permission denied (publickey)');
  });

  it('refuses the key once Entra disables the user, and accepts it again on re-enable', async () => {
    expect((await patch({ op: 'Replace', path: 'active', value: 'False' })).status).toBe(204);
    // Refused at authentication by pam_ldap account management (shadowExpire), not by the nologin shell.
    expect((await sshd.login('carol', key('carol'))).stderr).toMatch(/Account expired \d+ days ago/);
    expect((await patch({ op: 'Replace', path: 'active', value: 'True' })).status).toBe(204);
    expect((await sshd.login('carol', key('carol'))).ok).toBe(true);
  });

  it('follows a key rotation: the new key logs in, the old one no longer does', async () => {
    expect((await patch({ op: 'Replace', path: SSH_KEY, value: await publicKey('rotated') })).status).toBe(
      204,
    );
    expect((await sshd.login('carol', key('rotated'))).ok).toBe(true);
    expect((await sshd.login('carol', key('carol'))).stderr).toContain('Permission denied (publickey)');
  });
});

it('leaves /etc (pam.d, nsswitch.conf, nslcd.conf) exactly as it found it', async () => {
  const before = await etcBefore;
  expect(before).toContain('/etc/nsswitch.conf');
  expect(await etcSnapshot()).toBe(before);
});
