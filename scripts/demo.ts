// The main job on one machine: a throwaway OpenLDAP with the contoso.lab directory, and the SCIM listener with
// examples/contoso (the reference setup's mappings), over HTTPS. Prints the tenant URL, the token and curl
// commands. `--run` performs those steps itself, prints the directory entry after each, and exits.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { Client } from 'ldapts';
import { startListener } from '../controller/listener/server.ts';
import { createLogger } from '../controller/log.ts';
import { startSlapd } from '../test/support/slapd.ts';

const root = resolve(import.meta.dirname, '..');
const contoso = join(root, 'examples', 'contoso');
const run = process.argv.includes('--run');
const port = Number(process.env['SCIM_PORT'] ?? (run ? 0 : 8585));

const slapd = await startSlapd({ baseDN: 'dc=contoso,dc=lab', seed: [join(contoso, 'directory.ldif')] });
const dir = await mkdtemp(join(tmpdir(), 'scim-ldap-demo-'));
const token = randomBytes(24).toString('base64url');
const connector = load(await readFile(join(contoso, 'connector.yaml'), 'utf8')) as {
  spec: { server: unknown; scim: { tls?: unknown } };
};
// The reference values, pointed at the local directory.
connector.spec.server = { host: '127.0.0.1', port: Number(new URL(slapd.ldapUrl).port), security: 'None' };
delete connector.spec.scim.tls;
const secrets = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'ldap-bind' },
    stringData: { password: slapd.adminPassword },
  },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ldap-scim-token' }, stringData: { token } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ldap-ca' }, stringData: { 'ca.crt': '' } },
];
await writeFile(join(dir, 'connector.yaml'), [connector, ...secrets].map((d) => dump(d)).join('---\n'));
await writeFile(join(dir, 'users.yaml'), await readFile(join(contoso, 'users.yaml'), 'utf8'));

const logger = createLogger({ level: run ? 'silent' : 'info' });
const listener = await startListener({ files: [dir], host: '127.0.0.1', port, logger });
const tenant = `${listener.url}/ecma2host_ldap/scim`;
const ldapUrl = slapd.ldapUrl;

async function shutdown(): Promise<void> {
  await listener.close();
  await slapd.stop();
  await rm(dir, { recursive: true, force: true });
}

const curl = (method: string, path: string, data?: string) =>
  `curl -sk -X ${method} -H "Authorization: Bearer ${token}" -H "Content-Type: application/scim+json" ${data ? `--data '${data}' ` : ''}"${tenant}${path}"`;
const show = `ldapsearch -x -LLL -H ${ldapUrl} -D "${slapd.adminDN}" -w ${slapd.adminPassword} -b dc=contoso,dc=lab "(uid=britta.simon)"`;
const disable = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
});

if (!run) {
  process.stdout.write(`
scim-ldap demo: OpenLDAP (dc=contoso,dc=lab) at ${ldapUrl}, SCIM listener with examples/contoso.

  Tenant URL:   ${tenant}
  Secret Token: ${token}
  Certificate:  self-signed, SHA-256 ${listener.fingerprint}

Provision Britta Simon as Entra does, then look at the directory:
  ${curl('POST', '/Users', `@${join(contoso, 'user.json')}`)
    .replace(`'@`, '@')
    .replace(`.json'`, '.json')}
  ${show}

Disable her (the id is in the POST answer), then delete her:
  ${curl('PATCH', '/Users/<id>', disable)}
  ${show}
  ${curl('DELETE', '/Users/<id>')}
  ${show}

Press Ctrl-C to stop.
`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await shutdown();
} else {
  // Same steps, performed here, trusting exactly the listener's self-signed certificate.
  const ldap = new Client({ url: ldapUrl });
  await ldap.bind(slapd.adminDN, slapd.adminPassword);
  const entry = async () => {
    const { searchEntries } = await ldap.search('dc=contoso,dc=lab', {
      filter: '(uid=britta.simon)',
      attributes: ['uid', 'cn', 'uidNumber', 'loginShell', 'shadowExpire'],
    });
    return JSON.stringify(searchEntries[0] ?? null);
  };
  const call = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((done, fail) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      const req = request(`${tenant}${path}`, { method, headers, ca: listener.certificate }, (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          done({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} }),
        );
      });
      req.on('error', fail);
      req.end(body);
    });
  const created = await call('POST', '/Users', await readFile(join(contoso, 'user.json'), 'utf8'));
  process.stdout.write(`POST /Users -> ${created.status}\n  ${await entry()}\n`);
  const disabled = await call('PATCH', `/Users/${String(created.body['id'])}`, disable);
  process.stdout.write(`PATCH active False -> ${disabled.status}\n  ${await entry()}\n`);
  const deleted = await call('DELETE', `/Users/${String(created.body['id'])}`);
  process.stdout.write(`DELETE -> ${deleted.status}\n  ${await entry()}\n`);
  await ldap.unbind();
  await shutdown();
}
