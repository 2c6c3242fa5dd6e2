import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AndFilter, EqualityFilter, type Filter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Directory, openDirectory } from '../../controller/adapters/ldap/directory.ts';
import { createListing } from '../../controller/listener/listing.ts';
import { manyUsersLdif } from '../data/many-users.ts';
import { testDataPath } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const USERS = 120;
const PAGE = 10;
const people = new EqualityFilter({ attribute: 'objectClass', value: 'inetOrgPerson' });

// The listing's snapshots against a real directory: how many entries each page makes slapd send.
describe('listing snapshots', () => {
  let slapd: Slapd;
  let directory: Directory;
  let seedDir: string;

  beforeAll(async () => {
    seedDir = await mkdtemp(join(tmpdir(), 'listing-unit-seed-'));
    await writeFile(
      join(seedDir, 'seed.ldif'),
      `${await readFile(testDataPath('base.ldif'), 'utf8')}\n${manyUsersLdif(USERS - 1)}`,
    );
    slapd = await startSlapd({ seed: [join(seedDir, 'seed.ldif')] });
    directory = openDirectory({
      url: slapd.ldapUrl,
      bind: { method: 'Simple', dn: slapd.adminDN, password: slapd.adminPassword },
      connectTimeoutMs: 5000,
      operationTimeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await directory?.close();
    await slapd?.stop();
    if (seedDir) await rm(seedDir, { recursive: true, force: true });
  });

  /** A listing over the directory, with its own clock, counting the entries slapd sends for it. */
  function counted(options: { maxSnapshots?: number } = {}) {
    const clock = { now: 0 };
    const sent = { full: 0, ids: 0 };
    const listing = createListing(
      async (filter: Filter, attributes: string[]) => {
        const entries = await directory.search('dc=example,dc=org', {
          filter: new AndFilter({ filters: [people, filter] }),
          attributes,
          paged: true,
        });
        if (attributes.length === 1) sent.ids += entries.length;
        else sent.full += entries.length;
        return entries;
      },
      { ...options, now: () => clock.now },
    );
    return { listing, clock, sent };
  }

  it('reads the ids once per listing and then only each page', async () => {
    const { listing, sent } = counted();
    let listed = 0;
    for (let start = 1; start <= USERS; start += PAGE) {
      const page = await listing.page(people, start, PAGE, ['*', 'entryUUID']);
      expect(page.total).toBe(USERS);
      listed += page.entries.length;
    }
    expect(listed).toBe(USERS);
    expect(sent).toEqual({ ids: USERS, full: USERS });
  });

  it('reads a lookup page 1 in one search of full entries, and keeps its ids for the next page', async () => {
    const { listing, sent } = counted();
    const first = await listing.page(people, 1, PAGE, ['*', 'entryUUID'], true);
    expect(first.entries).toHaveLength(PAGE);
    expect(sent).toEqual({ ids: 0, full: USERS });
    await listing.page(people, 1 + PAGE, PAGE, ['*', 'entryUUID'], true);
    expect(sent).toEqual({ ids: 0, full: USERS + PAGE });
  });

  it('takes a new snapshot after a minute without use, and after 15 minutes however much it is used', async () => {
    const { listing, clock, sent } = counted();
    await listing.page(people, 1, PAGE, ['*']);
    clock.now += 59_000;
    await listing.page(people, 11, PAGE, ['*']);
    expect(sent.ids).toBe(USERS);
    clock.now += 61_000;
    await listing.page(people, 21, PAGE, ['*']);
    expect(sent.ids).toBe(2 * USERS);
    // Used every 59 s: past 900 s since it was taken (the 16th use), it is taken again.
    for (let use = 0; use < 16; use++) {
      clock.now += 59_000;
      await listing.page(people, 31, PAGE, ['*']);
    }
    expect(sent.ids).toBe(3 * USERS);
  });

  it('keeps at most maxSnapshots listings, dropping the least recently used', async () => {
    const { listing, sent } = counted({ maxSnapshots: 2 });
    // Each matches one user (sn is the uid): three listings of one entry.
    const bySn = (sn: string) =>
      new AndFilter({ filters: [people, new EqualityFilter({ attribute: 'sn', value: sn })] });
    const a = bySn('m1');
    const b = bySn('m2');
    const c = bySn('m3');
    for (const f of [a, b, c]) await listing.page(f, 1, 1, ['*']);
    const idsAfterFirstPages = sent.ids;
    await listing.page(c, 2, 1, ['*']);
    await listing.page(b, 2, 1, ['*']);
    expect(sent.ids).toBe(idsAfterFirstPages);
    await listing.page(a, 2, 1, ['*']);
    expect(sent.ids).toBe(idsAfterFirstPages + 1);
  });
});
