import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningListener, startListener } from '../../controller/listener/server.ts';
import { manifests, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// As the operator runs it: manifests from a ConfigMap folder, Secrets mounted as <dir>/<secret>/<key> files.
describe('listener with mounted Secrets', () => {
  let slapd: Slapd;
  let listener: RunningListener;
  let dir: string;

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'mounted-'));
    const withoutSecretDocs = manifests(slapd)
      .split(/^---\n/m)
      .slice(1)
      .join('---\n');
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config', 'connector.yaml'), withoutSecretDocs);
    await mkdir(join(dir, 'secrets', 'ldap-secrets'), { recursive: true });
    await writeFile(join(dir, 'secrets', 'ldap-secrets', 'password'), slapd.adminPassword);
    await writeFile(join(dir, 'secrets', 'ldap-secrets', 'token'), TOKEN);
    listener = await startListener({
      files: [join(dir, 'config')],
      secretsDir: join(dir, 'secrets'),
      host: '127.0.0.1',
      port: 0,
      insecureHttp: true,
      logger: pino({ level: 'silent' }),
      watch: false,
    });
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('binds with the mounted password and accepts the mounted token', async () => {
    const response = await fetch(
      `${listener.url}/scim/Users?filter=${encodeURIComponent('userName eq "alice@example.org"')}`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { totalResults: number }).totalResults).toBe(1);
  });
});
