import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimLdap } from '../support/cli.ts';
import { manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { repoRoot, testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// The folder a team applies with Argo CD: our resources and their Secret (ldap.yaml), beside kinds that are not
// ours: a kustomization.yaml, a Namespace, a ConfigMap, a SealedSecret and an ExternalSecret.
const OTHER_KINDS = [
  'Kustomization',
  'Namespace/contoso',
  'ConfigMap/ldap-notes',
  'SealedSecret/ldap-bind',
  'ExternalSecret/scim-token',
];
const note = (command: string, skipped: readonly string[]) =>
  `scim-ldap ${command}: skipped ${skipped.length} manifests this command does not use: ${skipped.join(', ')}\n`;

describe('one Argo CD folder for every command', () => {
  let slapd: Slapd;
  let dir: string;

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'argocd-folder-'));
    await cp(testDataPath('argocd-folder'), dir, { recursive: true });
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
  });
  afterAll(async () => {
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('preview reads the connector and mapping, and skips the Secret and the other kinds in one note', async () => {
    const { code, stdout, stderr } = await scimLdap(
      'preview',
      '-f',
      dir,
      '--user',
      join(repoRoot, 'examples', 'contoso', 'user.json'),
    );
    expect(stderr).toBe(note('preview', ['Kustomization', 'Secret/ldap-secrets', ...OTHER_KINDS.slice(1)]));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dn: uid=britta\.simon,ou=people,dc=example,dc=org\n/);
  });

  it('check reads the Secret too, passes, and skips the other kinds in one note', async () => {
    const { code, stdout, stderr } = await scimLdap('check', '-f', dir);
    expect(stderr).toBe(note('check', OTHER_KINDS));
    expect(stdout).toContain(`ok    ldap: directory: bound as ${slapd.adminDN}`);
    expect(stdout).not.toContain('FAIL');
    expect(code).toBe(0);
  });

  it('listener serves the connector and skips the other kinds in one note', async () => {
    const listener = await spawnListener(dir);
    try {
      const response = await fetch(`${listener.url}/ecma2host_ldap/scim/Users`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
    } finally {
      await listener.stop();
    }
    const log = await readFile(listener.logFile, 'utf8');
    expect(log.split('\n').filter((line) => line.startsWith('scim-ldap '))).toEqual([
      note('listener', OTHER_KINDS).trimEnd(),
    ]);
  });
});
