import { AndFilter, EqualityFilter, type Filter, OrFilter } from 'ldapts';
import { type LdapEntry, valuesOf } from '../core/ldap/entry.ts';

/** Entries of the service's object class that match `filter` (the service adds its class to the filter). */
export type ClassSearch = (filter: Filter, attributes: string[]) => Promise<LdapEntry[]>;

export interface ListingOptions {
  /** How long a listing's snapshot is kept after its last page was read (default 60 s). */
  idleMs?: number;
  /** How long a snapshot is used at most, however often it is read (default 15 minutes). */
  maxAgeMs?: number;
  /** How many snapshots (listings in progress) are kept; the least recently used goes first (default 8). */
  maxSnapshots?: number;
  now?: () => number;
}

interface Snapshot {
  /** entryUUIDs in listing order (by DN). */
  ids: string[];
  createdAt: number;
  usedAt: number;
}

export interface ListedPage {
  /** How many entries the listing has (the snapshot's size). */
  total: number;
  /** The page's entries, in listing order; those deleted since the snapshot (or no longer matching) left out. */
  entries: LdapEntry[];
}

// Members of one OR filter; slapd evaluates each as one indexed entryUUID lookup.
const BATCH = 500;

const byDn = (a: LdapEntry, b: LdapEntry) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0);
const uuidOf = (entry: LdapEntry) => valuesOf(entry.attributes, 'entryUUID')[0]?.toLowerCase();

/**
 * SCIM paging (stateless startIndex/count) over the directory without reading everything for every page.
 * Page 1 reads the ids (entryUUIDs, sorted by DN) of everything that matches and keeps them as the listing's
 * snapshot; every page then reads only its own entries, by entryUUID. A listing thus costs one read of the ids
 * and one small read per page, instead of a full read per page. A later page with no snapshot (expired, or
 * another replica served page 1) takes one first.
 *
 * Consistency: a listing is the set of entries that matched when its snapshot was taken. Entries deleted since,
 * or changed so that they no longer match, are left out of their page (which is then shorter than `count`, with
 * totalResults unchanged); entries created since appear in the next listing (the next page 1). Every entry that
 * exists throughout a listing is returned exactly once, renamed or not.
 */
export function createListing(search: ClassSearch, options: ListingOptions = {}) {
  const idleMs = options.idleMs ?? 60_000;
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const maxSnapshots = options.maxSnapshots ?? 8;
  const now = options.now ?? Date.now;
  // Map order is recency of use: the first key is the least recently used.
  const snapshots = new Map<string, Snapshot>();

  function keep(key: string, ids: string[]): string[] {
    const at = now();
    snapshots.delete(key);
    snapshots.set(key, { ids, createdAt: at, usedAt: at });
    for (const oldest of snapshots.keys()) {
      if (snapshots.size <= maxSnapshots) break;
      snapshots.delete(oldest);
    }
    return ids;
  }

  function cached(key: string): string[] | undefined {
    const snapshot = snapshots.get(key);
    if (!snapshot) return undefined;
    const at = now();
    if (at - snapshot.usedAt > idleMs || at - snapshot.createdAt > maxAgeMs) {
      snapshots.delete(key);
      return undefined;
    }
    snapshot.usedAt = at;
    snapshots.delete(key);
    snapshots.set(key, snapshot);
    return snapshot.ids;
  }

  async function idsOf(filter: Filter): Promise<string[]> {
    return (await search(filter, ['entryUUID'])).sort(byDn).flatMap((e) => uuidOf(e) ?? []);
  }

  async function entriesById(filter: Filter, ids: readonly string[], attributes: string[]) {
    const found = new Map<string, LdapEntry>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids
        .slice(i, i + BATCH)
        .map((value) => new EqualityFilter({ attribute: 'entryUUID', value }));
      const either = new OrFilter({ filters: batch });
      for (const entry of await search(new AndFilter({ filters: [filter, either] }), attributes)) {
        const id = uuidOf(entry);
        if (id) found.set(id, entry);
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  return {
    /**
     * One page. `lookup`: the filter is expected to match few entries (a SCIM filter, as Entra's lookups), so
     * page 1 reads them in full at once; otherwise page 1 reads the ids first, then its own entries.
     */
    async page(
      filter: Filter,
      startIndex: number,
      count: number,
      attributes: readonly string[],
      lookup = false,
    ): Promise<ListedPage> {
      const key = filter.toString();
      const read = attributes.some((a) => a.toLowerCase() === 'entryuuid')
        ? [...attributes]
        : [...attributes, 'entryUUID'];
      const from = startIndex - 1;
      if (startIndex === 1 && lookup) {
        const entries = (await search(filter, read)).sort(byDn);
        keep(
          key,
          entries.flatMap((e) => uuidOf(e) ?? []),
        );
        return { total: entries.length, entries: entries.slice(0, count) };
      }
      // Page 1 always takes a new snapshot, so that a new listing sees the directory as it is now.
      const ids = (startIndex === 1 ? undefined : cached(key)) ?? keep(key, await idsOf(filter));
      return { total: ids.length, entries: await entriesById(filter, ids.slice(from, from + count), read) };
    },
  };
}
