import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningListener, startListener } from '../../controller/listener/server.ts';
import { manifests, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// The listener as it runs in a pod: HTTPS with its generated certificate.
describe('authentication and transport of the SCIM endpoint', () => {
  let slapd: Slapd;
  let listener: RunningListener;
  let dir: string;

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'auth-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    listener = await startListener({
      files: [dir],
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (authorization: string | undefined) =>
    new Promise<{ status: number; body: string; challenge: string | undefined }>((resolve, reject) => {
      const headers = authorization === undefined ? {} : { authorization };
      const req = request(
        `${listener.url}/scim/Users?count=1`,
        { headers, rejectUnauthorized: false },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              challenge: res.headers['www-authenticate'] as string | undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });

  it.each([
    { reason: 'no Authorization header', authorization: undefined },
    { reason: 'an empty bearer', authorization: 'Bearer ' },
    { reason: 'a wrong token', authorization: 'Bearer wrong-token-0123456789' },
    { reason: 'a truncated token', authorization: `Bearer ${TOKEN.slice(0, -1)}` },
    { reason: 'the token with one more character', authorization: `Bearer ${TOKEN}x` },
    { reason: 'an over-long token (8 kB)', authorization: `Bearer ${TOKEN}${'x'.repeat(8192)}` },
    {
      reason: 'Basic instead of Bearer',
      authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`,
    },
    { reason: 'the token without a scheme', authorization: TOKEN },
  ])('refuses $reason with 401, a Bearer challenge and a SCIM Error', async ({ authorization }) => {
    const { status, body, challenge } = await get(authorization);
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer');
    expect(JSON.parse(body)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
  });

  it('accepts the token, with the scheme in any case', async () => {
    expect((await get(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get(`bearer ${TOKEN}`)).status).toBe(200);
  });

  it.each(['TLSv1', 'TLSv1.1'] as SecureVersion[])('refuses a %s handshake', async (version) => {
    const { port } = new URL(listener.url);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: Number(port),
        minVersion: version,
        maxVersion: version,
        rejectUnauthorized: false,
        // The client offers the old versions (OpenSSL would not by default): the server must refuse them.
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      socket.on('secureConnect', () => {
        resolve(`connected with ${socket.getProtocol()}`);
        socket.destroy();
      });
      socket.on('error', (error) => resolve(`refused: ${(error as NodeJS.ErrnoException).code}`));
    });
    expect(outcome).toBe('refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('negotiates TLS 1.2 and 1.3', async () => {
    const { port } = new URL(listener.url);
    for (const version of ['TLSv1.2', 'TLSv1.3'] as SecureVersion[]) {
      const protocol = await new Promise<string | null>((resolve, reject) => {
        const socket = connect(
          {
            host: '127.0.0.1',
            port: Number(port),
            minVersion: version,
            maxVersion: version,
            rejectUnauthorized: false,
          },
          () => {
            resolve(socket.getProtocol());
            socket.destroy();
          },
        );
        socket.on('error', reject);
      });
      expect(protocol).toBe(version);
    }
  });
});
