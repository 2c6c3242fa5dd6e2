import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { dump, loadAll } from 'js-yaml';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors, loadResources, mappingsFor } from '../../controller/config/load.ts';
import { compileMappingSet } from '../../controller/core/mapping/mapping-set.ts';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { repoRoot } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const EXAMPLES = join(repoRoot, 'examples');
const yamlFiles = async (name: string) =>
  (await readdir(join(EXAMPLES, name)))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(EXAMPLES, name, f));

describe.each(['contoso', 'upg-groups', 'ecma2host-migration'])('examples/%s', (name) => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = testKubeConfig();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
  });

  it('passes the runtime validation, and every mapping compiles', async () => {
    const files = await yamlFiles(name);
    const sources = await Promise.all(
      files.map(async (file) => ({ name: file, text: await readFile(file, 'utf8') })),
    );
    const resources = loadResources(sources);
    expect(resources.map((r) => r.kind).sort()).toEqual(['AttributeMapping', 'LdapConnector']);
    for (const connector of connectors(resources))
      expect(
        compileMappingSet(connector, mappingsFor(resources, connector.metadata.name)).attributes.length,
      ).toBeGreaterThan(0);
  });

  it('is accepted by the API server', async () => {
    const namespace = await createTestNamespace(kc, 'example');
    const out = await kubectl(
      'apply',
      '--dry-run=server',
      '-n',
      namespace,
      ...(await yamlFiles(name)).flatMap((f) => ['-f', f]),
    );
    expect(out).toMatch(/ldapconnector\.scim-ldap\.io\/\S+ created \(server dry run\)/);
    expect(out).toMatch(/attributemapping\.scim-ldap\.io\/\S+ created \(server dry run\)/);
  });
});

interface Connector {
  kind: 'LdapConnector';
  metadata: { name: string };
  spec: {
    server: unknown;
    bind: { dn: string; passwordSecretRef: { name: string; key?: string } };
    scim: { tokenSecretRef: { name: string; key?: string } };
  };
}

/** An example's resources as they are, pointed at a test slapd, with the Secrets they name. */
async function exampleListener(name: string, slapd: Slapd): Promise<TestListener> {
  const docs: unknown[] = [];
  for (const file of await yamlFiles(name)) {
    for (const doc of loadAll(await readFile(file, 'utf8')) as (Connector | { kind: string })[]) {
      docs.push(doc);
      if (doc.kind !== 'LdapConnector') continue;
      const { spec } = doc as Connector;
      spec.server = { host: '127.0.0.1', port: Number(new URL(slapd.ldapUrl).port), security: 'None' };
      spec.bind.dn = slapd.adminDN;
      const secret = (ref: { name: string; key?: string }, value: string, fallback: string) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: ref.name },
        stringData: { [ref.key ?? fallback]: value },
      });
      docs.push(secret(spec.bind.passwordSecretRef, slapd.adminPassword, 'password'));
      docs.push(secret(spec.scim.tokenSecretRef, TOKEN, 'token'));
    }
  }
  return startTestListener({ [`${name}.yaml`]: docs.map((d) => dump(d)).join('---\n') });
}

// Each example on its own contoso.lab directory (slapd starts in about 0.1 s).
describe('the examples, served by a listener on a real directory', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  let ldap: Client;
  const entry = async (dn: string) =>
    (await ldap.search(dn, { scope: 'base', attributes: ['*'] }).catch(() => ({ searchEntries: [] })))
      .searchEntries[0];

  async function serve(name: string): Promise<TestListener> {
    const slapd = await startSlapd({
      baseDN: 'dc=contoso,dc=lab',
      seed: [join(EXAMPLES, 'contoso', 'directory.ldif')],
    });
    cleanup.push(() => slapd.stop());
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    cleanup.push(() => ldap.unbind());
    // upg-groups keeps people in their own container, which the directory has before provisioning starts.
    await ldap.add('ou=people,dc=contoso,dc=lab', { objectClass: 'organizationalUnit', ou: 'people' });
    const listener = await exampleListener(name, slapd);
    cleanup.push(() => listener.close());
    return listener;
  }
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('upg-groups: a user gets a private group; an Entra group becomes a posixGroup its members log in through', async () => {
    const listener = await serve('upg-groups');
    const user = JSON.parse(await readFile(join(EXAMPLES, 'upg-groups', 'user.json'), 'utf8'));
    const created = await listener.scim('POST', '/ecma2host_hosts/scim/Users', user);
    expect(created.status).toBe(201);
    const account = await entry('uid=britta.simon,ou=people,dc=contoso,dc=lab');
    expect(account).toMatchObject({ uid: 'britta.simon', loginShell: '/bin/bash' });
    expect(Number(account?.['gidNumber'])).toBeGreaterThanOrEqual(100000);
    expect(await entry('cn=britta.simon,ou=groups,dc=contoso,dc=lab')).toMatchObject({
      objectClass: 'posixGroup',
      gidNumber: account?.['gidNumber'],
    });

    const group = await listener.scim('POST', '/ecma2host_hosts/scim/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: '7d1f3c2a-0000-4000-8000-000000000001',
      displayName: 'linux-admins',
    });
    expect(group.status).toBe(201);
    const added = await listener.scim('PATCH', `/ecma2host_hosts/scim/Groups/${group.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: created.body.id }] }],
    });
    expect(added.status).toBe(204);
    const admins = await entry('cn=linux-admins,ou=groups,dc=contoso,dc=lab');
    expect(admins).toMatchObject({ objectClass: 'posixGroup', memberUid: 'britta.simon' });
    expect(Number(admins?.['gidNumber'])).toBeLessThanOrEqual(19999);
  });

  it('ecma2host-migration: an ECMA2Host-shaped request lands where its -dn- says, with its values', async () => {
    const listener = await serve('ecma2host-migration');
    const user = JSON.parse(await readFile(join(EXAMPLES, 'ecma2host-migration', 'user.json'), 'utf8'));
    const created = await listener.scim('POST', '/ecma2host_openldap/scim/Users', user);
    expect(created.status).toBe(201);
    const account = await entry('cn=britta.simon,dc=contoso,dc=lab');
    expect(account).toMatchObject({
      objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      uid: 'britta.simon',
      uidNumber: '10042',
      gidNumber: '10000',
      homeDirectory: '/home/britta.simon',
      loginShell: '/bin/bash',
    });
    expect(String(account?.['userPassword'])).toMatch(/^\{CRYPT\}\$6\$/);
    // Entra reads it back through the same extension.
    const read = await listener.scim('GET', `/ecma2host_openldap/scim/Users/${created.body.id}`);
    expect(read.body['urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User']).toMatchObject({
      uidNumber: 10042,
    });
  });
});
