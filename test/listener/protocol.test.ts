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

    it('answers a path no route serves the same under a known and an unknown name', async () => {
      for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
        const headers = authorization === undefined ? {} : { authorization };
        const answer = async (tenant: string) => {
          const response = await fetch(`${listener.url}/${tenant}/scim/Nothing`, { headers });
          return { status: response.status, body: (await response.text()).replace(tenant, '<tenant>') };
        };
        expect(await answer('ecma2host_nosuchconnector')).toEqual(await answer('ecma2host_ldap'));
      }
    });

    it('refuses a valid token at an unknown name with the same 401', async () => {
      const known = await ask('ecma2host_ldap', 'Bearer wrong-token-0123456789');
      expect(await ask('ecma2host_nosuchconnector', `Bearer ${TOKEN}`)).toEqual(known);
      expect((await ask('ecma2host_ldap', `Bearer ${TOKEN}`)).status).toBe(200);
    });
  });

  describe('POST .search', () => {
    const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
    const search = (path: string, body: Record<string, unknown>) =>
      listener.scim('POST', `/scim${path}`, { schemas: [SEARCH], ...body });
    const people = ['ann', 'bob', 'cy'];

    beforeAll(async () => {
      for (const name of people) {
        const { status } = await listener.scim('POST', '/scim/Users', {
          userName: `${name}@example.org`,
          displayName: `Search ${name}`,
          name: { familyName: name },
        });
        expect(status).toBe(201);
      }
      for (const displayName of ['Search admins', 'Search staff']) {
        expect((await listener.scim('POST', '/scim/Groups', { displayName })).status).toBe(201);
      }
    });

    it.each([
      {
        reason: 'a filter, paging and attributes',
        collection: 'Users',
        body: {
          filter: 'userName sw "b" or userName sw "c"',
          startIndex: 2,
          count: 1,
          attributes: ['userName'],
        },
        query:
          'filter=userName%20sw%20%22b%22%20or%20userName%20sw%20%22c%22&startIndex=2&count=1&attributes=userName',
      },
      {
        reason: 'excludedAttributes',
        collection: 'Users',
        body: { filter: 'userName eq "ann@example.org"', excludedAttributes: ['name', 'emails'] },
        query: 'filter=userName%20eq%20%22ann%40example.org%22&excludedAttributes=name,emails',
      },
      {
        reason: 'a group lookup without members',
        collection: 'Groups',
        body: { filter: 'displayName eq "Search staff"', excludedAttributes: ['members'] },
        query: 'filter=displayName%20eq%20%22Search%20staff%22&excludedAttributes=members',
      },
    ])(
      '/$collection/.search with $reason answers as the equivalent GET',
      async ({ collection, body, query }) => {
        const posted = await search(`/${collection}/.search`, body);
        const got = await listener.scim('GET', `/scim/${collection}?${query}`);
        expect(posted.status).toBe(200);
        expect(posted.body.totalResults).toBeGreaterThan(0);
        expect(posted.body).toEqual(got.body);
      },
    );

    it('/.search at the root lists users, then groups, paged across both', async () => {
      const filter = 'displayName sw "Search"';
      const all = await search('/.search', { filter });
      expect(all.status).toBe(200);
      expect(all.body.totalResults).toBe(5);
      expect(all.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual([
        'User',
        'User',
        'User',
        'Group',
        'Group',
      ]);
      const page = await search('/.search', { filter, startIndex: 3, count: 2, attributes: ['displayName'] });
      expect(page.body).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
      expect(page.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual([
        all.body.Resources[2].displayName,
        all.body.Resources[3].displayName,
      ]);
      const groupsOnly = await search('/.search', { filter, startIndex: 5 });
      expect(groupsOnly.body.Resources.map((r: { id: string }) => r.id)).toEqual([all.body.Resources[4].id]);
    });

    it('/.search with an attribute only users have finds only users', async () => {
      const { status, body } = await search('/.search', { filter: 'userName eq "bob@example.org"' });
      expect(status).toBe(200);
      expect(body.totalResults).toBe(1);
      expect(body.Resources[0]).toMatchObject({
        userName: 'bob@example.org',
        meta: { resourceType: 'User' },
      });
    });

    it.each([
      {
        reason: 'no SearchRequest schema',
        body: { schemas: [] },
        scimType: 'invalidSyntax',
        field: 'schemas',
      },
      {
        reason: 'a filter that is not a string',
        body: { filter: 3 },
        scimType: 'invalidValue',
        field: 'filter',
      },
      {
        reason: 'a count that is not a number',
        body: { count: 'ten' },
        scimType: 'invalidValue',
        field: 'count',
      },
      {
        reason: 'attributes that are not names',
        body: { attributes: [{}] },
        scimType: 'invalidValue',
        field: 'attributes',
      },
    ])('answers $reason with 400 $scimType naming $field', async ({ body, scimType, field }) => {
      for (const path of ['/.search', '/Users/.search', '/Groups/.search']) {
        const response = await search(path, body);
        expect(response.status, path).toBe(400);
        expect(response.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType });
        expect(response.body.detail).toContain(field);
      }
    });

    it.each([
      { reason: 'groups', filter: `${'('.repeat(100_000)}userName pr${')'.repeat(100_000)}` },
      { reason: 'value filters', filter: `${'emails['.repeat(50_000)}type pr${']'.repeat(50_000)}` },
    ])('answers a filter of nested $reason in the body with 400 invalidFilter', async ({ filter }) => {
      for (const path of ['/.search', '/Users/.search', '/Groups/.search']) {
        const response = await search(path, { filter });
        expect(response.status, path).toBe(400);
        expect(response.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter' });
      }
    });
  });

  describe('metrics', () => {
    it.each([
      { reason: 'without a token', authorization: undefined },
      { reason: 'with the token', authorization: `Bearer ${TOKEN}` },
    ])('are not served on the SCIM port, $reason', async ({ authorization }) => {
      const response = await fetch(`${listener.url}/metrics`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    });

    it('are served as Prometheus text on the metrics port, counting SCIM requests', async () => {
      await listener.scim('GET', '/scim/Users?count=1');
      expect(listener.metricsUrl).not.toBe(listener.url);
      const response = await fetch(`${listener.metricsUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toMatch(
        /scim_ldap_http_requests_total\{route="\/scim\/Users",method="GET",status="200"\} \d+/,
      );
      expect((await fetch(`${listener.metricsUrl}/scim/Users`)).status).toBe(404);
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
