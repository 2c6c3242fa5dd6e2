import { Client, EqualityFilter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDn, parseDn } from '../../controller/core/ldap/dn.ts';
import { HOSTILE_VALUES } from '../../controller/core/text/hostile.fixtures.ts';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PEOPLE = 'ou=people,dc=example,dc=org';
const GROUPS = 'ou=groups,dc=example,dc=org';
// Users named (DN and cn) by their displayName, so that Entra's text becomes an RDN value.
const CN_DN = 'Join("", "cn=", [displayName], ",ou=people,dc=example,dc=org")';

// The injection corpus through every SCIM input that reaches the directory as a DN or a filter: user creates,
// renames and lookups, group creates, renames and lookups. No value leaves its container, splits into more
// RDNs or broadens a search.
describe('hostile values through the SCIM API', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let ldap: Client;
  const users = new Map<string, string>();
  const groups = new Map<string, string>();

  /** The container a DN names its entry in, and the entry's one RDN: a DN that splits the value has more. */
  const place = (dn: string) => {
    const [rdn, ...parent] = parseDn(dn);
    return { container: formatDn(parent), rdn: rdn?.map((ava) => [ava.type, ava.value]) };
  };
  /** The DN of every entry whose `attribute` equals `value` exactly, anywhere under the base. */
  const dnsOf = async (attribute: string, value: string) =>
    (
      await ldap.search(slapd.baseDN, {
        filter: new EqualityFilter({ attribute, value }),
        attributes: ['dn'],
      })
    ).searchEntries.map((e) => e.dn);
  const lookup = async (resource: 'Users' | 'Groups', value: string) =>
    (
      await listener.scim(
        'GET',
        `/scim/${resource}?filter=${encodeURIComponent(`displayName eq ${JSON.stringify(value)}`)}`,
      )
    ).body;

  beforeAll(async () => {
    slapd = await startSlapd();
    ldap = new Client({ url: slapd.ldapUrl, timeout: 10_000 });
    await ldap.bind(slapd.adminDN, slapd.adminPassword);
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, { mappings: contosoMappings(CN_DN, { password: false }) }),
    });
    for (const [index, value] of HOSTILE_VALUES.entries()) {
      const user = await listener.scim('POST', '/scim/Users', {
        userName: `hostile${index}@example.org`,
        displayName: value,
        name: { familyName: `family${index}` },
      });
      expect(user.status, `user ${JSON.stringify(value)}`).toBe(201);
      users.set(value, user.body.id);
      const group = await listener.scim('POST', '/scim/Groups', { displayName: value, members: [] });
      expect(group.status, `group ${JSON.stringify(value)}`).toBe(201);
      groups.set(value, group.body.id);
    }
  });
  afterAll(async () => {
    await ldap?.unbind();
    await listener?.close();
    await slapd?.stop();
  });

  it.each(HOSTILE_VALUES)('names the user and the group %j by one RDN in their containers', async (value) => {
    const places = (await dnsOf('cn', value)).map(place);
    expect(places).toHaveLength(2);
    expect(places).toEqual(
      expect.arrayContaining([
        { container: PEOPLE, rdn: [['cn', value]] },
        { container: GROUPS, rdn: [['cn', value]] },
      ]),
    );
  });

  it.each(HOSTILE_VALUES)('finds exactly the user and the group %j by displayName', async (value) => {
    const userList = await lookup('Users', value);
    expect(userList.totalResults).toBe(1);
    expect(userList.Resources[0].id).toBe(users.get(value));
    const groupList = await lookup('Groups', value);
    expect(groupList.totalResults).toBe(1);
    expect(groupList.Resources[0].id).toBe(groups.get(value));
  });

  it('leaves no entry outside the two containers, and no more than were created', async () => {
    const { searchEntries } = await ldap.search(slapd.baseDN, {
      filter: '(|(objectClass=inetOrgPerson)(objectClass=posixGroup))',
      attributes: ['dn'],
    });
    expect(new Set(searchEntries.map((e) => place(e.dn).container))).toEqual(new Set([PEOPLE, GROUPS]));
    // alice, seeded, besides one user and one group per value.
    expect(searchEntries).toHaveLength(2 * HOSTILE_VALUES.length + 1);
  });

  it('renames users and groups to hostile values within their containers', async () => {
    const [first, second] = HOSTILE_VALUES as [string, string];
    const renamed = `${second} renamed`;
    for (const [resource, id] of [
      ['Users', users.get(first)],
      ['Groups', groups.get(first)],
    ] as const) {
      const response = await listener.scim('PATCH', `/scim/${resource}/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Replace', path: 'displayName', value: renamed }],
      });
      expect(response.status, resource).toBeLessThan(300);
    }
    const places = (await dnsOf('cn', renamed)).map(place);
    expect(places).toEqual(
      expect.arrayContaining([
        { container: PEOPLE, rdn: [['cn', renamed]] },
        { container: GROUPS, rdn: [['cn', renamed]] },
      ]),
    );
    expect(places).toHaveLength(2);
    expect((await lookup('Users', renamed)).Resources[0].id).toBe(users.get(first));
    expect((await lookup('Users', first)).totalResults).toBe(0);
  });

  it.each(HOSTILE_VALUES)('adds no one for the member id %j, and finds no resource by it', async (value) => {
    const group = groups.get(HOSTILE_VALUES[0] as string);
    const added = await listener.scim('PATCH', `/scim/Groups/${group}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value }] }],
    });
    expect(added.status).toBe(400);
    const read = await listener.scim('GET', `/scim/Groups/${group}`);
    expect(read.body.members ?? []).toEqual([]);
    for (const resource of ['Users', 'Groups']) {
      expect((await listener.scim('GET', `/scim/${resource}/${encodeURIComponent(value)}`)).status).toBe(404);
      const byId = await listener.scim(
        'GET',
        `/scim/${resource}?filter=${encodeURIComponent(`id eq ${JSON.stringify(value)}`)}`,
      );
      expect(byId.status).toBe(200);
      expect(byId.body.totalResults).toBe(0);
    }
  });
});
