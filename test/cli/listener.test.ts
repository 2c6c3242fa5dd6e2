import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const run = promisify(execFile);

async function node(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('scim-ldap listener and the demo, as processes', () => {
  const temp: string[] = [];
  afterAll(async () => {
    for (const dir of temp) await rm(dir, { recursive: true, force: true });
  });

  it('runs the demo: provisions, disables and deletes a user through HTTPS into a local OpenLDAP', async () => {
    const { code, stdout } = await node(join(repoRoot, 'scripts', 'demo.ts'), '--run');
    expect(code).toBe(0);
    expect(stdout).toContain('POST /Users -> 201\n  {"dn":"uid=britta.simon,dc=contoso,dc=lab"');
    expect(stdout).toContain('PATCH active False -> 204');
    expect(stdout).toMatch(/"shadowExpire":"1","loginShell":"\/usr\/sbin\/nologin"/);
    expect(stdout).toContain('DELETE -> 204\n  null');
  });

  it('exits 1 naming the file, document and field of an invalid manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'listener-cli-'));
    temp.push(dir);
    await writeFile(
      join(dir, 'bad.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n---\napiVersion: scim-ldap.io/v1alpha1\nkind: LdapConnector\nmetadata: {name: ldap}\nspec: {server: {host: h}, bind: {dn: x}, baseDN: "dc=x", scim: {tokenSecretRef: {name: t}}}\n',
    );
    const { code, stderr } = await node(
      join(repoRoot, 'controller', 'cli.ts'),
      'listener',
      '-f',
      dir,
      '--insecure-http',
      '--host',
      '127.0.0.1',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'bad.yaml')} (document 2): LdapConnector/ldap:`);
    expect(stderr).toContain('spec.bind: bind.method Simple needs dn and passwordSecretRef');
  });

  it('refuses plain HTTP on a non-loopback address', async () => {
    const { code, stderr } = await node(
      join(repoRoot, 'controller', 'cli.ts'),
      'listener',
      '-f',
      join(repoRoot, 'examples', 'contoso'),
      '--insecure-http',
      '--host',
      '0.0.0.0',
    );
    expect(code).toBe(1);
    expect(stderr).toContain('--insecure-http serves plain HTTP only on a loopback address');
  });
});
