import { readFileSync, realpathSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandResult, runToEnd } from '../support/cli.ts';
import { repoRoot } from '../support/paths.ts';

// The CLI as a user gets it: `npm pack` (which builds dist/), `npm install -g` of the tarball into a prefix of
// its own, and the command run through the symlink npm puts in <prefix>/bin.
describe('scim-ldap installed from its npm package', () => {
  const nodeDir = dirname(process.execPath);
  // npm and the installed bin start with `#!/usr/bin/env node`: the node running the tests comes first on PATH.
  const env = { ...process.env, PATH: `${nodeDir}${delimiter}${process.env['PATH'] ?? ''}` };
  const npm = (args: string[], cwd: string) => runToEnd('npm', args, { cwd, env, timeoutMs: 300_000 });
  let dir: string;
  let bin: string;
  const installed = (...args: string[]): Promise<CommandResult> => runToEnd(bin, args, { env });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npm-install-'));
    // Packed from a copy of what the package is built from, so that the test writes no dist/ into the tree.
    const source = join(dir, 'source');
    for (const path of [
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'README.md',
      'controller',
      'crds',
    ])
      await cp(join(repoRoot, path), join(source, path), { recursive: true });
    await symlink(join(repoRoot, 'node_modules'), join(source, 'node_modules'));
    const pack = await npm(['pack', '--pack-destination', dir], source);
    expect(pack.code, pack.stderr).toBe(0);
    const [tarball] = (await readdir(dir)).filter((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const prefix = join(dir, 'prefix');
    const install = await npm(
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(dir, tarball ?? ''),
      ],
      dir,
    );
    expect(install.code, install.stderr).toBe(0);
    bin = join(prefix, 'bin', 'scim-ldap');
  }, 600_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is a symlink into the installed package, not into this source tree', () => {
    expect(realpathSync(bin)).toBe(
      join(realpathSync(dir), 'prefix', 'lib', 'node_modules', 'scim-ldap-operator', 'dist', 'cli.js'),
    );
  });

  it('prints its usage and version', async () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
    const help = await installed('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: scim-ldap <command> \[options\]\n\nCommands:\n {2}listener /);
    expect(await installed('--version')).toEqual({ code: 0, stdout: `scim-ldap ${version}\n`, stderr: '' });
  });

  it('previews the contoso example', async () => {
    const contoso = join(repoRoot, 'examples', 'contoso');
    const { code, stdout } = await installed('preview', '-f', contoso, '--user', join(contoso, 'user.json'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dn: uid=britta\.simon,dc=contoso,dc=lab\nobjectClass: inetOrgPerson\n/);
  });

  it('checks a connector, naming a directory it cannot reach', async () => {
    const file = join(dir, 'down.yaml');
    await writeFile(
      file,
      `apiVersion: v1
kind: Secret
metadata: {name: ldap}
stringData: {password: secret, token: a-token-of-20-chars}
---
apiVersion: scim-ldap.io/v1alpha1
kind: LdapConnector
metadata: {name: ldap}
spec:
  server: {host: 127.0.0.1, port: 1, security: None}
  bind: {dn: "cn=admin,dc=example,dc=org", passwordSecretRef: {name: ldap}}
  baseDN: dc=example,dc=org
  scim: {tokenSecretRef: {name: ldap}}
---
apiVersion: scim-ldap.io/v1alpha1
kind: AttributeMapping
metadata: {name: ldap-users}
spec:
  connectorRef: {name: ldap}
  object: User
  mappings:
    - {target: -dn-, expression: 'Join("", "uid=", [userName], ",dc=example,dc=org")'}
    - {target: uid, source: userName}
`,
    );
    const { code, stdout } = await installed('check', '-f', file);
    expect(stdout).toMatch(
      /^ok {4}ldap: configuration: loads, every mapping compiles\nFAIL {2}ldap: directory: cannot connect: .*ECONNREFUSED/,
    );
    expect(code).toBe(1);
  });
});
