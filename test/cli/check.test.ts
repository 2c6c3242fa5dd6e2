import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { repoRoot } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const run = promisify(execFile);

/** `scim-ldap check` as a user runs it, in its own process. */
async function check(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [
      join(repoRoot, 'controller', 'cli.ts'),
      'check',
      ...args,
    ]);
    return { code: 0, stdout };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, stdout };
  }
}

describe('scim-ldap check', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let dir: string;
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
    dir = await mkdtemp(join(tmpdir(), 'check-'));
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes every check of a working connector and its running listener', async () => {
    const { code, stdout } = await check(
      '-f',
      await file('ok.yaml', manifests(slapd)),
      '--url',
      listener.url,
    );
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'ok    ldap: configuration: loads, every mapping compiles',
      `ok    ldap: directory: bound as ${slapd.adminDN} at ${slapd.ldapUrl}`,
      `ok    ldap: base DN: ${slapd.baseDN} exists`,
      expect.stringMatching(
        /^ok {4}ldap: schema: defines inetOrgPerson, posixAccount, shadowAccount, posixGroup and the \d+ attributes written$/,
      ),
      `ok    ldap: endpoint: ${listener.url}/ecma2host_ldap/scim answers Entra's lookup`,
      `ok    ldap: token: ${listener.url}/ecma2host_ldap/scim refuses a wrong token`,
    ]);
    expect(code).toBe(0);
  });

  it('names a refused bind, and a schema without an object class or attribute the connector writes', async () => {
    const badBind = manifests(slapd, { name: 'badbind' }).replace(
      `password: ${slapd.adminPassword}`,
      'password: wrong',
    );
    const samba = manifests(slapd, {
      name: 'samba',
      spec: '  user: {auxiliaryObjectClasses: [posixAccount, sambaSamAccount]}\n  deprovisioning: {disable: {set: {nsAccountLock: "TRUE"}}}',
    });
    const { code, stdout } = await check('-f', await file('bad.yaml', `${badBind}\n---\n${samba}`));
    expect(code).toBe(1);
    expect(stdout).toContain(
      'FAIL  badbind: directory: the directory refused the bind DN or password (LDAP result 49)',
    );
    expect(stdout).toContain(
      "FAIL  samba: schema: the directory's schema does not define object classes sambaSamAccount; attributes nsAccountLock",
    );
    expect(stdout).toContain('ok    samba: base DN');
    expect(stdout).not.toContain('wrong');
  });

  it('names an unreachable directory and a listener that does not take the token', async () => {
    const other = manifests(slapd).replace(
      Buffer.from(TOKEN).toString('base64'),
      Buffer.from('another-token-42').toString('base64'),
    );
    const down = manifests(slapd, { name: 'down' }).replace(
      `port: ${new URL(slapd.ldapUrl).port}`,
      'port: 1',
    );
    const { code, stdout } = await check(
      '-f',
      await file('other.yaml', `${other}\n---\n${down}`),
      '--url',
      listener.url,
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /FAIL {2}ldap: endpoint: \S+\/ecma2host_ldap\/scim answered the lookup with HTTP 401/,
    );
    expect(stdout).toMatch(/FAIL {2}down: directory: cannot connect: .*ECONNREFUSED/);
    expect(stdout).not.toContain('another-token-42');
  });

  it('names the file and field of a configuration that does not load', async () => {
    const { code, stdout } = await check(
      '-f',
      await file('invalid.yaml', manifests(slapd).replace('baseDN:', 'baseDn:')),
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}configuration: \S+invalid\.yaml \(document 2\): LdapConnector\/ldap:$/m);
    expect(stdout).toContain('spec.baseDn: is not a known field');
  });

  it('refuses a Disable that would save the password hash, naming the file, document and attribute', async () => {
    const yaml = manifests(slapd, {
      spec: '  deprovisioning: {disable: {set: {shadowExpire: "1", userPassword: "{CRYPT}!"}}}',
    });
    const { code, stdout } = await check('-f', await file('disable-password.yaml', yaml));
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL {2}configuration: \S+disable-password\.yaml \(document 2\): LdapConnector\/ldap:$/m,
    );
    expect(stdout).toContain(
      'spec.deprovisioning.disable.set.userPassword: Disable cannot set a password attribute',
    );
  });
});
