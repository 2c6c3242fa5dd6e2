import { Client, EqualityFilter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDn } from '../../controller/core/ldap/dn.ts';
import { scimFilterToLdap } from '../../controller/core/mapping/filters.ts';
import { connector, mapping, testContext } from '../../controller/core/mapping/mapping.fixtures.ts';
import { compileMappingSet, type MappingSet } from '../../controller/core/mapping/mapping-set.ts';
import { toLdap } from '../../controller/core/mapping/to-ldap.ts';
import { chooseUniqueValues } from '../../controller/core/mapping/unique.ts';
import { parseFilter } from '../../controller/core/scim/filter.ts';
import { HOSTILE_VALUES } from '../../controller/core/text/hostile.fixtures.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// Entries whose DN and attributes come from hostile values, written to and searched in a real slapd.
describe('mapped entries with hostile values in slapd', () => {
  let slapd: Slapd;
  let client: Client;
  let set: MappingSet;

  beforeAll(async () => {
    slapd = await startSlapd();
    client = new Client({ url: slapd.ldapUrl, timeout: 5000 });
    await client.bind(slapd.adminDN, slapd.adminPassword);
    set = compileMappingSet(connector({ baseDN: slapd.baseDN, user: { auxiliaryObjectClasses: [] } }), [
      mapping([
        { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",ou=people,dc=example,dc=org")' },
        { target: 'cn', source: 'displayName' },
        { target: 'sn', source: 'name.familyName' },
        { target: 'description', source: 'title' },
      ]),
    ]);
    for (const [index, value] of HOSTILE_VALUES.entries()) {
      const desired = toLdap(
        set,
        { displayName: value, name: { familyName: `family-${index}` }, title: value },
        'create',
        testContext,
      );
      await client.add(formatDn(desired.dn ?? []), desired.attributes);
    }
  });

  afterAll(async () => {
    await client?.unbind();
    await slapd?.stop();
  });

  it('creates each entry directly under ou=people, named by the whole value', async () => {
    const { searchEntries } = await client.search('ou=people,dc=example,dc=org', {
      scope: 'one',
      filter: '(objectClass=inetOrgPerson)',
      attributes: ['cn'],
    });
    const names = searchEntries.flatMap((e) => e['cn']);
    for (const value of HOSTILE_VALUES) expect(names).toContain(value);
    expect(searchEntries).toHaveLength(HOSTILE_VALUES.length + 1);
  });

  it.each(HOSTILE_VALUES)(
    'finds exactly the entry for displayName eq %j, and the same one by description',
    async (value) => {
      for (const scim of [`displayName eq ${JSON.stringify(value)}`, `title eq ${JSON.stringify(value)}`]) {
        const filter = scimFilterToLdap(set, parseFilter(scim), testContext);
        const { searchEntries } = await client.search(slapd.baseDN, { filter, attributes: ['cn'] });
        expect(searchEntries.map((e) => e['cn'])).toEqual([value]);
      }
    },
  );

  it('gives SelectUniqueValue the first candidate the directory does not hold, asking the directory', async () => {
    const unique = compileMappingSet(
      connector({ baseDN: slapd.baseDN, user: { auxiliaryObjectClasses: [] } }),
      [
        mapping([
          { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",ou=people,dc=example,dc=org")' },
          { target: 'sn', constant: 'x' },
          {
            target: 'description',
            expression: 'SelectUniqueValue([title], Join("-", [title], "2"), Join("-", [title], "3"))',
          },
        ]),
      ],
    );
    const isTaken = async (attribute: string, value: string) => {
      const { searchEntries } = await client.search(slapd.baseDN, {
        filter: new EqualityFilter({ attribute, value }),
        attributes: ['1.1'],
      });
      return searchEntries.length > 0;
    };
    // "Smith, John" is taken by the entries written above; "Smith, John-2" is not.
    const desired = await chooseUniqueValues(
      toLdap(unique, { displayName: 'second', title: 'Smith, John' }, 'create', testContext),
      isTaken,
    );
    expect(desired.attributes['description']).toEqual(['Smith, John-2']);
    await client.add(formatDn(desired.dn ?? []), desired.attributes);
    const third = await chooseUniqueValues(
      toLdap(unique, { displayName: 'third', title: 'Smith, John' }, 'create', testContext),
      isTaken,
    );
    expect(third.attributes['description']).toEqual(['Smith, John-3']);
  });

  it('finds nothing with substring operators on text that looks like wildcards', async () => {
    const filter = scimFilterToLdap(set, parseFilter('displayName co "*)(cn=*"'), testContext);
    const { searchEntries } = await client.search(slapd.baseDN, { filter });
    expect(searchEntries).toEqual([]);
  });
});
