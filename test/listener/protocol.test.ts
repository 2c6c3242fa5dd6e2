import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

// What the SCIM endpoint says about itself: methods, unknown connectors, hostile filters.
describe('the SCIM protocol surface', () => {
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

  const discovery = [
    '/ServiceProviderConfig',
    '/serviceConfiguration',
    '/ResourceTypes',
    '/ResourceTypes/User',
    '/Schemas',
    '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
  ];
  const writes = ['POST', 'PUT', 'PATCH', 'DELETE'];

  it.each(discovery.flatMap((path) => writes.map((method) => ({ path, method }))))(
    'answers $method $path with 405, an Allow header and a SCIM Error',
    async ({ path, method }) => {
      const { status, body, headers } = await listener.scim(method, `/scim${path}`, {});
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('GET, HEAD');
      expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '405' });
    },
  );

  it.each(discovery)('still answers GET %s with 200', async (path) => {
    expect((await listener.scim('GET', `/ecma2host_ldap/scim${path}`)).status).toBe(200);
  });

  describe('a connector name cannot be probed without its token', () => {
    const ask = async (tenant: string, authorization: string | undefined) => {
      const response = await fetch(`${listener.url}/${tenant}/scim/Users?count=1`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      return {
        status: response.status,
        challenge: response.headers.get('www-authenticate'),
        body: await response.text(),
      };
    };

    it.each([
      { reason: 'no token', authorization: undefined },
      { reason: 'a wrong token', authorization: 'Bearer wrong-token-0123456789' },
      { reason: 'not a bearer token', authorization: TOKEN },
    ])('with $reason, an unknown name answers exactly as the known one', async ({ authorization }) => {
      const known = await ask('ecma2host_ldap', authorization);
      const unknown = await ask('ecma2host_nosuchconnector', authorization);
      expect(known.status).toBe(401);
      expect(known.challenge).toBe('Bearer');
      expect(unknown).toEqual(known);
    });

    it('refuses a valid token at an unknown name with the same 401', async () => {
      const known = await ask('ecma2host_ldap', 'Bearer wrong-token-0123456789');
      expect(await ask('ecma2host_nosuchconnector', `Bearer ${TOKEN}`)).toEqual(known);
      expect((await ask('ecma2host_ldap', `Bearer ${TOKEN}`)).status).toBe(200);
    });
  });

  describe('deeply nested filters', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}userName pr${')'.repeat(depth)}`;

    it.each([
      { reason: 'groups', filter: nested(6_000) },
      { reason: 'negations', filter: `${'not('.repeat(2_500)}userName pr${')'.repeat(2_500)}` },
    ])('answers nested $reason in a URL with 400 invalidFilter', async ({ filter }) => {
      for (const collection of ['Users', 'Groups']) {
        const { status, body } = await listener.scim(
          'GET',
          `/scim/${collection}?filter=${encodeURIComponent(filter)}`,
        );
        expect(status).toBe(400);
        expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter' });
      }
    });

    it('answers a filter nested within the limit', async () => {
      const { status } = await listener.scim('GET', `/scim/Users?filter=${encodeURIComponent(nested(20))}`);
      expect(status).toBe(200);
    });
  });
});
