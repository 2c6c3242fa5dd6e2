import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../controller/log.ts';
import { manifests, startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

describe('what the listener logs and measures', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let log = '';

  beforeAll(async () => {
    slapd = await startSlapd();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    listener = await startTestListener(
      { 'ldap.yaml': manifests(slapd) },
      createLogger({ level: 'debug', destination }),
    );
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  it('logs each request by route and status, never the token, a password or a user value', async () => {
    // export_password is an ECMA2Host pseudo-attribute, accepted on that path only.
    const created = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'secret.person@example.org',
      displayName: 'Secret Person',
      name: { familyName: 'Person' },
      password: 'Hunter2-password!',
      [ECMA]: { export_password: 'Other-password-9' },
    });
    expect(created.status).toBe(201);
    await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "secret.person@example.org"')}`,
    );
    await listener.scim('GET', '/scim/Users', undefined, { authorization: 'Bearer not-the-token-at-all' });
    expect(log).toContain('"route":"/:tenant/scim/Users","status":201');
    expect(log).toContain('"status":401');
    for (const secret of [
      TOKEN,
      'not-the-token-at-all',
      'Hunter2-password!',
      'Other-password-9',
      slapd.adminPassword,
      'secret.person',
      'Secret Person',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('counts users and LDAP operations in /metrics', async () => {
    const metrics = await (await fetch(`${listener.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/scim_ldap_users_total\{connector="ldap",event="created"\} 1/);
    expect(metrics).toMatch(
      /scim_ldap_ldap_operations_total\{connector="ldap",operation="add",outcome="success"\} \d+/,
    );
    expect(metrics).toMatch(
      /scim_ldap_http_requests_total\{route="\/:tenant\/scim\/Users",method="POST",status="201"\} 1/,
    );
  });
});
