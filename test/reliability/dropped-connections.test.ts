import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// The listener's LDAP connection torn down under it while slapd runs on (the kernel aborts the sockets, as a
// firewall or a load balancer failover would), over each transport a connector can choose. The next request
// must be served on a new connection, not wait for the old one's operation timeout (30 s).
describe.each(['None', 'LDAPS', 'StartTLS'] as const)(
  'a dropped directory connection, security %s',
  (security) => {
    let slapd: Slapd;
    let listener: TestListener;
    const create = (name: string) =>
      listener.scim('POST', '/scim/Users', {
        userName: `${name}@example.org`,
        displayName: name,
        name: { familyName: name },
      });

    beforeAll(async () => {
      slapd = await startSlapd();
      listener = await startTestListener({ 'ldap.yaml': manifests(slapd, { security }) });
    });
    afterAll(async () => {
      await listener?.close();
      await slapd?.stop();
    });

    it('serves the next request on a new connection', async () => {
      expect((await create('before')).status).toBe(201);
      expect(await slapd.dropClientConnections()).toBeGreaterThan(0);
      // Well inside the listener's 30 s operation timeout: a request stuck on the dead connection fails here.
      const next = await Promise.race([
        create('after'),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the request waited on the dropped connection')), 10_000).unref(),
        ),
      ]);
      expect(next.status).toBe(201);
      const found = await listener.scim(
        'GET',
        `/scim/Users?filter=${encodeURIComponent('userName eq "after@example.org"')}`,
      );
      expect(found.body.totalResults).toBe(1);
    });
  },
);
