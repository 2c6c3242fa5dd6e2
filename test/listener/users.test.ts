import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests, startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const USER = '/scim/Users';
const britta = {
  schemas: [
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  ],
  externalId: '0b6a1c7e-2f1d-4e52-9a3b-7d1c2e3f4a5b',
  userName: 'Britta.Simon@example.org',
  active: true,
  displayName: 'Britta Simon',
  name: { givenName: 'Britta', familyName: 'Simon', formatted: 'Britta Simon' },
  emails: [{ primary: true, type: 'work', value: 'Britta.Simon@example.org' }],
  title: null,
  meta: { resourceType: 'User' },
  roles: [],
};

describe('SCIM listener over slapd, as Entra drives it', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  let id: string;

  const entry = async (uid: string) => {
    const { searchEntries } = await ldap.search(slapd.baseDN, {
      filter: `(uid=${uid})`,
      attributes: ['*', 'entryUUID'],
    });
    return searchEntries[0];
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    ldap = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
  });
  afterAll(async () => {
    await listener?.close();
    await ldap?.unbind();
    await slapd?.stop();
  });

  it('answers Test Connection (a random GUID on the matching attribute) with an empty list', async () => {
    const { status, body } = await listener.scim(
      'GET',
      `${USER}?filter=${encodeURIComponent('userName eq "8e2d3f1c-1111-4c1c-9a0a-2b1d0f0e0a0b"')}`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('creates a user after an empty match: POSIX entry, allocated uidNumber, hashed password, id = entryUUID', async () => {
    const match = await listener.scim('GET', `${USER}?filter=userName+eq+%22Britta.Simon%40example.org%22`);
    expect(match.body.totalResults).toBe(0);
    const { status, body, headers } = await listener.scim('POST', USER, britta);
    expect(status).toBe(201);
    expect(headers.get('content-type')).toContain('application/scim+json');
    expect(headers.get('location')).toBe(`${USER}/${body.id}`);
    id = body.id;
    const stored = await entry('britta.simon');
    expect(stored).toMatchObject({
      dn: 'uid=britta.simon,ou=people,dc=example,dc=org',
      objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      cn: 'Britta Simon',
      sn: 'Simon',
      mail: 'Britta.Simon@example.org',
      uidNumber: '20000',
      gidNumber: '10000',
      homeDirectory: '/home/britta.simon',
      loginShell: '/bin/bash',
      entryUUID: id,
    });
    expect(String(stored?.['userPassword'])).toMatch(/^\{CRYPT\}\$6\$[./0-9A-Za-z]{16}\$/);
    expect(body).toMatchObject({
      id,
      userName: 'Britta.Simon@example.org',
      displayName: 'Britta Simon',
      active: true,
    });
    expect(JSON.stringify(body)).not.toContain('CRYPT');
  });

  it('finds the user by the matching attribute, case-insensitively, and by id', async () => {
    const { body } = await listener.scim(
      'GET',
      `${USER}?filter=${encodeURIComponent('USERNAME eq "britta.simon@EXAMPLE.org"')}`,
    );
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0].id).toBe(id);
    expect((await listener.scim('GET', `${USER}/${id}`)).body).toMatchObject({
      id,
      name: { familyName: 'Simon' },
    });
  });

  it('shows meta.location, the path the resource is served at under the connector root the request used', async () => {
    for (const root of ['/scim', '/ecma2host_ldap/scim']) {
      const read = await listener.scim('GET', `${root}/Users/${id}`);
      expect(read.body.meta, root).toMatchObject({ resourceType: 'User', location: `${root}/Users/${id}` });
      const list = await listener.scim(
        'GET',
        `${root}/Users?filter=${encodeURIComponent('userName eq "Britta.Simon@example.org"')}`,
      );
      expect(list.body.Resources[0].meta.location, root).toBe(`${root}/Users/${id}`);
    }
  });

  it('adopts an entry that existed before provisioning instead of creating a duplicate', async () => {
    const { body } = await listener.scim(
      'GET',
      `${USER}?filter=${encodeURIComponent('userName eq "alice@example.org"')}`,
    );
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0]).toMatchObject({ userName: 'alice@example.org', displayName: 'Alice Example' });
    const duplicate = await listener.scim('POST', USER, { ...britta, userName: 'alice@example.org' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('applies Entra PATCH shapes: capitalised ops, sub-attribute and value-path replace', async () => {
    const { status } = await listener.scim('PATCH', `${USER}/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Britta Simon-Jones' },
        { op: 'Replace', path: 'name.familyName', value: 'Simon-Jones' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'bsj@example.org' },
      ],
    });
    expect(status).toBe(204);
    expect(await entry('britta.simon')).toMatchObject({
      cn: 'Britta Simon-Jones',
      sn: 'Simon-Jones',
      uidNumber: '20000',
    });
  });

  it('applies the aadOptscim062020 path-less replace with dotted keys', async () => {
    await listener.scim('PATCH', `${USER}/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { displayName: 'B. Simon', 'name.familyName': 'Simon' } }],
    });
    expect(await entry('britta.simon')).toMatchObject({ cn: 'B. Simon', sn: 'Simon' });
  });

  it('disables on Replace active "False" and restores exactly on "True"', async () => {
    const disable = await listener.scim('PATCH', `${USER}/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disable.status).toBe(204);
    expect((await listener.scim('GET', `${USER}/${id}`)).body.active).toBe(false);
    expect(await entry('britta.simon')).toMatchObject({ shadowExpire: '1', loginShell: '/usr/sbin/nologin' });
    const enable = await listener.scim('PATCH', `${USER}/${id}?attributes=active`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(enable.status).toBe(200);
    expect(enable.body).toEqual({
      id,
      schemas: expect.any(Array),
      active: true,
      meta: expect.objectContaining({ resourceType: 'User' }),
    });
    const restored = await entry('britta.simon');
    expect(restored?.['loginShell']).toBe('/bin/bash');
    expect(restored).not.toHaveProperty('shadowExpire');
  });

  it('answers errors with SCIM Error bodies', async () => {
    const cases: [string, string, unknown, Record<string, string>, number, string | undefined][] = [
      ['GET', `${USER}/00000000-0000-0000-0000-000000000000`, undefined, {}, 404, undefined],
      ['GET', USER, undefined, { authorization: 'Bearer wrong-token-123456' }, 401, undefined],
      ['POST', USER, '{"userName": ', {}, 400, 'invalidSyntax'],
      ['POST', USER, { displayName: 'no userName' }, {}, 400, 'invalidValue'],
      ['GET', `${USER}?filter=${encodeURIComponent('userName zz "x"')}`, undefined, {}, 400, 'invalidFilter'],
      ['PATCH', `${USER}/${id}`, { Operations: [{ op: 'frobnicate', path: 'x' }] }, {}, 400, 'invalidSyntax'],
      ['POST', USER, { userName: 'x'.repeat(2_000_000) }, {}, 413, 'tooLarge'],
    ];
    for (const [method, path, body, headers, status, scimType] of cases) {
      const response = await listener.scim(method, path, body, headers);
      expect(response.status, `${method} ${path.slice(0, 60)}`).toBe(status);
      expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(response.body.status).toBe(String(status));
      if (scimType) expect(response.body.scimType).toBe(scimType);
    }
  });

  it('says so when a create names a container the directory does not have', async () => {
    const response = await listener.scim('POST', '/ecma2host_ldap/scim/Users', {
      userName: 'lost@example.org',
      displayName: 'lost',
      name: { familyName: 'lost' },
      'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User': {
        '-dn-': 'uid=lost,ou=nowhere,dc=example,dc=org',
      },
    });
    expect(response.status).toBe(404);
    expect(response.body.detail).toMatch(/^create user: .*the container the mapped DN names does not exist/);
  });

  it('serves the connector at its ECMA2Host path too, and discovery with directory attributes', async () => {
    const { status, body } = await listener.scim('GET', '/ecma2host_ldap/scim/Schemas');
    expect(status).toBe(200);
    const ecma = body.Resources.find(
      (s: { id: string }) => s.id === 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User',
    );
    const attribute = (name: string) => ecma.attributes.find((a: { name: string }) => a.name === name);
    expect(attribute('uidNumber')).toMatchObject({ type: 'integer', multiValued: false });
    // Single-valued as Microsoft's OpenLDAP tutorial has administrators treat it, though LDAP allows more.
    expect(attribute('mail').multiValued).toBe(false);
    expect(attribute('-dn-')).toBeDefined();
    const spc = await listener.scim('GET', '/ecma2host_ldap/scim/ServiceProviderConfig');
    expect(spc.body.patch.supported).toBe(true);
  });

  it('deletes on DELETE', async () => {
    expect((await listener.scim('DELETE', `${USER}/${id}`)).status).toBe(204);
    expect(await entry('britta.simon')).toBeUndefined();
    expect((await listener.scim('GET', `${USER}/${id}`)).status).toBe(404);
  });

  it('answers 503 with Retry-After while the directory is down, and is not ready', async () => {
    const url = listener.url;
    await slapd.stop();
    const response = await fetch(`${url}${USER}?filter=userName+eq+%22x%22`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
