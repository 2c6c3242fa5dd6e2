import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const run = promisify(execFile);
const contoso = join(repoRoot, 'examples', 'contoso');

/** Runs `scim-ldap` as a user would, in its own process. */
async function scimLdap(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'controller', 'cli.ts'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('scim-ldap preview', () => {
  const temp: string[] = [];
  afterAll(async () => {
    for (const dir of temp) await rm(dir, { recursive: true, force: true });
  });

  it('prints the entry the contoso mapping creates, with placeholders for allocation and passwords', async () => {
    const { code, stdout } = await scimLdap('preview', '-f', contoso, '--user', join(contoso, 'user.json'));
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'dn: uid=britta.simon,dc=contoso,dc=lab',
        'objectClass: inetOrgPerson',
        'objectClass: posixAccount',
        'objectClass: shadowAccount',
        'cn: Britta Simon',
        'sn: Simon',
        'mail: Britta.Simon@contoso.lab',
        'uid: britta.simon',
        'gidNumber: 10000',
        'homeDirectory: /home/britta.simon',
        'loginShell: /bin/bash',
        '# uidNumber: allocated by the listener, unique in [10000, 60000]',
        '# userPassword: set (value not shown)',
        '',
      ].join('\n'),
    );
  });

  it('prints the modifications for an existing entry', async () => {
    const { code, stdout } = await scimLdap(
      'preview',
      '-f',
      join(contoso, 'connector.yaml'),
      '-f',
      join(contoso, 'users.yaml'),
      '--user',
      join(contoso, 'user.json'),
      '--existing',
      join(contoso, 'existing.ldif'),
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      'dn: uid=britta.simon,dc=contoso,dc=lab\nchangetype: modify\nreplace: cn\ncn: Britta Simon\n-\nreplace: sn\nsn: Simon\n-\n',
    );
  });

  it('exits 1 naming the mapping, field and position of an invalid expression', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-'));
    temp.push(dir);
    const users = (await readFile(join(contoso, 'users.yaml'), 'utf8')).replace(
      'expression: \'ToLower(Word([userPrincipalName], 1, "@"), )\'',
      'expression: \'ToLower(Wrd([userPrincipalName], 1, "@"), )\'',
    );
    await writeFile(join(dir, 'users.yaml'), users);
    const { code, stdout, stderr } = await scimLdap(
      'preview',
      '-f',
      join(contoso, 'connector.yaml'),
      '-f',
      join(dir, 'users.yaml'),
      '--user',
      join(contoso, 'user.json'),
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'AttributeMapping/ldap-users spec.mappings[4].expression: unknown function "Wrd" (did you mean Word?) at 1:9',
    );
    expect(stderr).toContain('ToLower(Wrd([userPrincipalName], 1, "@"), )\n            ^');
  });

  it('exits 1 naming the file and line of broken YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-'));
    temp.push(dir);
    await writeFile(join(dir, 'bad.yaml'), 'kind: AttributeMapping\nspec: [unclosed\n');
    const { code, stderr } = await scimLdap(
      'preview',
      '-f',
      join(dir, 'bad.yaml'),
      '--user',
      join(contoso, 'user.json'),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.yaml:\n.*line 3, column 1/);
  });

  it('exits 2 with usage when a required option is missing', async () => {
    const { code, stderr } = await scimLdap('preview', '-f', contoso);
    expect(code).toBe(2);
    expect(stderr).toContain('-f and --user are required');
  });
});
