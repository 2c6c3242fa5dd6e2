import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const USERS = '/scim/Users';
const user = (name: string) => ({
  userName: `${name}@example.org`,
  displayName: name,
  name: { familyName: name },
});

// kill -9 of slapd under the listener: what Entra sees during the outage, and that its retries afterwards
// leave the directory exactly as intended.
describe('the listener through a directory crash', () => {
  let slapd: Slapd;
  let listener: TestListener;

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  const entries = async (uid: string) => {
    const ldap = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    try {
      await ldap.bind(slapd.adminDN, slapd.adminPassword);
      return (await ldap.search(slapd.baseDN, { filter: `(uid=${uid})`, attributes: ['uidNumber'] }))
        .searchEntries;
    } finally {
      await ldap.unbind();
    }
  };

  it('answers 503 with Retry-After while slapd is down, then serves again; retried writes land exactly once', async () => {
    expect((await listener.scim('POST', USERS, user('before'))).status).toBe(201);
    await slapd.kill();

    const duringCreate = await listener.scim('POST', USERS, user('during'));
    expect(duringCreate.status).toBe(503);
    expect(duringCreate.headers.get('retry-after')).toBe('10');
    const duringLookup = await listener.scim(
      'GET',
      `${USERS}?filter=${encodeURIComponent('userName eq "before@example.org"')}`,
    );
    expect(duringLookup.status).toBe(503);

    await slapd.restart();
    // Nothing was written for the refused create; Entra's retry (lookup, then POST) creates it once.
    expect(await entries('during')).toEqual([]);
    await expect
      .poll(
        async () =>
          (
            await listener.scim(
              'GET',
              `${USERS}?filter=${encodeURIComponent('userName eq "during@example.org"')}`,
            )
          ).status,
        {
          timeout: 20_000,
        },
      )
      .toBe(200);
    expect((await listener.scim('POST', USERS, user('during'))).status).toBe(201);
    expect((await listener.scim('POST', USERS, user('during'))).status).toBe(409);
    const [before] = await entries('before');
    const during = await entries('during');
    expect(during).toHaveLength(1);
    expect(during[0]?.['uidNumber']).not.toBe(before?.['uidNumber']);
  });
});
