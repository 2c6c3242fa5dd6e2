import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect as ldapiSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../controller/listener/tls.ts';
import { contosoMappings, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { repoRoot, testDataPath } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { type ServerProcess, startProcess, waitUntilReady } from '../support/process.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PROVISIONER = 'cn=provisioner,dc=example,dc=org';
const PROVISIONER_PASSWORD = 'provisioner-secret';

/** Polls until `probe` holds; fails after `ms` with the tail of the server's log. */
async function eventually(server: ServerProcess, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  const log = await readFile(server.logFile, 'utf8').catch(() => '');
  throw new Error(`condition not reached in ${ms} ms; log:\n${log.split('\n').slice(-15).join('\n')}`);
}

const alive = (server: ServerProcess) => server.child.exitCode === null && server.child.signalCode === null;
const logOf = (server: ServerProcess) => readFile(server.logFile, 'utf8');

describe('the listener outlives failures no request can be told of', () => {
  let slapd: Slapd;
  const temp: string[] = [];
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'resilience-seed-'));
    temp.push(seedDir);
    await writeFile(
      join(seedDir, 'seed.ldif'),
      `${await readFile(testDataPath('base.ldif'), 'utf8')}
dn: ${PROVISIONER}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: provisioner
userPassword: ${PROVISIONER_PASSWORD}
`,
    );
    slapd = await startSlapd({ seed: [join(seedDir, 'seed.ldif')] });
    // The provisioning account may write users, but may not create anything directly below the suffix,
    // so the listener cannot create ou=scim-ldap for its bookkeeping.
    const ldapi = new Client({
      url: 'ldap://ldapi',
      createConnection: () => ldapiSocket({ path: slapd.ldapiPath }),
    });
    try {
      await ldapi.bind('EXTERNAL');
      await ldapi.modify(
        'olcDatabase={1}mdb,cn=config',
        new Change({
          operation: 'add',
          modification: new Attribute({
            type: 'olcAccess',
            values: [`{0}to dn.exact="${slapd.baseDN}" attrs=children by * read`, '{1}to * by * write'],
          }),
        }),
      );
    } finally {
      await ldapi.unbind();
    }
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await slapd?.stop();
    for (const dir of temp) await rm(dir, { recursive: true, force: true });
  });

  it('keeps serving when it cannot create ou=scim-ldap for the last-export mark, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'resilience-mark-'));
    temp.push(dir);
    const mappings = contosoMappings().replace(
      '{target: uidNumber, allocate: {min: 20000, max: 60000}}',
      '{target: uidNumber, constant: "20001"}',
    );
    const yaml = manifests(slapd, { mappings })
      .replace(`dn: "${slapd.adminDN}"`, `dn: "${PROVISIONER}"`)
      .replace(`password: ${slapd.adminPassword}`, `password: ${PROVISIONER_PASSWORD}`);
    await writeFile(join(dir, 'ldap.yaml'), yaml);
    const listener = await spawnListener(dir);
    servers.push(listener);
    const scim = (method: string, path: string, body?: unknown) =>
      fetch(`${listener.url}/scim${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const created = await scim('POST', '/Users', {
      userName: 'erin@example.org',
      displayName: 'Erin',
      name: { familyName: 'Erin' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await eventually(listener, async () => (await logOf(listener)).includes('"code":"ExportMarkFailed"'));
    await sleep(200);
    expect(alive(listener)).toBe(true);
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(200);
    const metrics = await (await fetch(`${listener.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^scim_ldap_export_mark_failures_total\{connector="ldap"\} [1-9]/m);

    // Its own log beside the manifests, and other files that are no manifests, change no configuration.
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    await sleep(1000);
    expect(await logOf(listener)).not.toContain('configuration reloaded');
  });

  it('keeps its certificate when the watched TLS Secret turns bad, says why, and takes a good one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'resilience-tls-'));
    temp.push(dir);
    const config = join(dir, 'config');
    const serving = join(dir, 'secrets', 'serving');
    await mkdir(config);
    await mkdir(serving, { recursive: true });
    const yaml = manifests(slapd).replace(
      'scim: {tokenSecretRef: {name: ldap-secrets}}',
      'scim: {tokenSecretRef: {name: ldap-secrets}, tls: {secretName: serving}}',
    );
    expect(yaml).toContain('secretName: serving');
    await writeFile(join(config, 'ldap.yaml'), yaml);
    const first = await selfSignedCertificate(['127.0.0.1']);
    const second = await selfSignedCertificate(['127.0.0.1']);
    await writeFile(join(serving, 'tls.crt'), first.cert);
    await writeFile(join(serving, 'tls.key'), first.key);

    const port = await freePort();
    const metricsPort = await freePort();
    const args = [
      join(repoRoot, 'controller', 'cli.ts'),
      'listener',
      '-f',
      config,
      '--secrets',
      join(dir, 'secrets'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
    ];
    const listener = startProcess(process.execPath, args, join(dir, 'listener.log'));
    servers.push(listener);
    /** SHA-256 fingerprint of the certificate the listener serves now, as AB:CD:… */
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.once('error', reject);
      });
    await waitUntilReady(listener, 'listener', async () => (await served()) === first.fingerprint, 30_000);

    await writeFile(
      join(serving, 'tls.crt'),
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    await eventually(listener, async () =>
      (await logOf(listener)).includes('"code":"ServingCertificateRejected"'),
    );
    expect(alive(listener)).toBe(true);
    expect(await served()).toBe(first.fingerprint);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(
      /^scim_ldap_listener_config_reload_failures_total\{reason="ServingCertificateRejected"\} [1-9]/m,
    );

    // A certificate and a key that parse but do not belong together are refused the same way.
    const rejections = async () =>
      (await logOf(listener)).split('"code":"ServingCertificateRejected"').length - 1;
    const before = await rejections();
    await writeFile(join(serving, 'tls.crt'), second.cert);
    await eventually(listener, async () => (await rejections()) > before);
    expect(await served()).toBe(first.fingerprint);

    await writeFile(join(serving, 'tls.key'), second.key);
    await eventually(listener, async () => (await served()) === second.fingerprint);
    expect(alive(listener)).toBe(true);
  });

  it('survives a watch error in its folder (a symlink loop), says why, and still takes later changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'resilience-watch-'));
    temp.push(dir);
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    const listener = await spawnListener(dir);
    servers.push(listener);
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await eventually(listener, async () => (await logOf(listener)).includes('"code":"WatchFailed"'));
    await sleep(300);
    expect(alive(listener)).toBe(true);
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${listener.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^scim_ldap_listener_config_reload_failures_total\{reason="WatchFailed"\} [1-9]/m,
    );

    const token = 'rotated-token-0123456789';
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd).replace(base64(TOKEN), base64(token)));
    await eventually(listener, async () => {
      const response = await fetch(`${listener.url}/scim/Users?count=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return response.status === 200;
    });
  });
});
