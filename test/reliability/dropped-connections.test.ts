import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const TRANSPORTS = [
  { security: 'None', bind: 'Simple' },
  { security: 'LDAPS', bind: 'Simple' },
  { security: 'StartTLS', bind: 'Simple' },
  { security: 'LDAPS', bind: 'SaslExternal' },
  { security: 'StartTLS', bind: 'SaslExternal' },
] as const;

// Every transport and bind a connector can choose, against slapd; then the listener's LDAP connection torn
// down under it while slapd runs on (the kernel aborts the sockets, as a firewall or a load balancer failover
// would). The next request must be served on a new, bound connection, not wait for the old one's operation
// timeout (30 s).
describe.each(TRANSPORTS)('the directory over $security with a $bind bind', ({ security, bind }) => {
  let slapd: Slapd;
  let listener: TestListener;
  const create = (name: string) =>
    listener.scim('POST', '/scim/Users', {
      userName: `${name}@example.org`,
      displayName: name,
      name: { familyName: name },
    });
  /** Who slapd says wrote the entry: the identity the listener's bind established. */
  const creatorOf = async (uid: string) => {
    const ldap = new Client({ url: slapd.ldapUrl });
    try {
      await ldap.bind(slapd.adminDN, slapd.adminPassword);
      const { searchEntries } = await ldap.search(`uid=${uid},ou=people,${slapd.baseDN}`, {
        scope: 'base',
        attributes: ['creatorsName'],
      });
      return searchEntries[0]?.['creatorsName'];
    } finally {
      await ldap.unbind();
    }
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd, { security, bind }) });
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  it('writes as the bound identity', async () => {
    expect((await create('before')).status).toBe(201);
    // SASL EXTERNAL: the client certificate's subject, mapped to the admin by slapd's authz-regexp.
    expect(await creatorOf('before')).toBe(slapd.adminDN);
  });

  it('serves the next request on a new connection after the old one is torn down', async () => {
    expect(await slapd.dropClientConnections()).toBeGreaterThan(0);
    // Well inside the listener's 30 s operation timeout: a request stuck on the dead connection fails here.
    const next = await Promise.race([
      create('after'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the request waited on the dropped connection')), 10_000).unref(),
      ),
    ]);
    expect(next.status).toBe(201);
    expect(await creatorOf('after')).toBe(slapd.adminDN);
  });
});
