import { AndFilter, EqualityFilter, type Filter, OrFilter } from 'ldapts';
import type { Allocate } from '../adapters/ldap/allocator.ts';
import type { Directory } from '../adapters/ldap/directory.ts';
import { ensureContainer } from '../adapters/ldap/state.ts';
import { applyModifications, diffAttributes, type Modification } from '../core/ldap/diff.ts';
import { formatDn, parseDn } from '../core/ldap/dn.ts';
import { type LdapEntry, valuesOf } from '../core/ldap/entry.ts';
import type { EvaluationContext } from '../core/mapping/expression/functions.ts';
import { scimFilterToLdap } from '../core/mapping/filters.ts';
import { groupContainer } from '../core/mapping/group-defaults.ts';
import type { MappingSet } from '../core/mapping/mapping-set.ts';
import { toLdap } from '../core/mapping/to-ldap.ts';
import { toScim } from '../core/mapping/to-scim.ts';
import {
  assertDirectoryKeeps,
  assertKnownPaths,
  assertRemovalsTook,
  assertRemovesHaveTargets,
} from '../core/provision/patch-check.ts';
import { mappingsTouchedBy, renameForRdn } from '../core/provision/users.ts';
import { normalizeResource } from '../core/scim/coerce.ts';
import { invalidValue, notFound, uniqueness } from '../core/scim/errors.ts';
import { type Filter as Filter_, parseFilter } from '../core/scim/filter.ts';
import { listResponse } from '../core/scim/list.ts';
import { getIgnoreCase, matchesFilter } from '../core/scim/match.ts';
import { resourceMeta } from '../core/scim/meta.ts';
import { applyPatch, type PatchOperation, parsePatch, topLevelKey } from '../core/scim/patch.ts';
import { ldap, mapped } from './failures.ts';
import { createListing } from './listing.ts';
import { directoryRequirements } from './required.ts';
import type { UserEvent } from './users.ts';

type Json = Record<string, unknown>;

/** A user as a group member: its SCIM id, its uid (memberUid) and its DN (member). */
export interface Member {
  id: string;
  uid: string | undefined;
  dn: string;
}

const BATCH = 500;
const READ = ['*', 'entryUUID', 'createTimestamp', 'modifyTimestamp'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

export interface GroupServiceOptions {
  set: MappingSet;
  /** The user mapping set: which entries are users, and how their ids work. */
  users: MappingSet;
  directory: Directory;
  allocate: Allocate;
  ctx: EvaluationContext;
  onEvent?: (event: UserEvent) => void;
}

/**
 * SCIM /Groups over one connector: posixGroup entries with memberUid, groupOfNames with member DNs, or both
 * (rfc2307bis). Member ids are user ids, translated to uids and DNs in batches, so a PATCH of 1,000 members is
 * one modify. Unknown member ids are refused before anything is written.
 */
export function createGroupService(options: GroupServiceOptions) {
  const { set, directory, allocate, ctx } = options;
  const spec = set.connector.spec;
  const base = formatDn(set.baseDN);
  const style = spec.group.style;
  const usesMemberUid = style !== 'groupOfNames';
  const usesMember = style !== 'posixGroup';
  const groupClass = new EqualityFilter({ attribute: 'objectClass', value: set.objectClasses[0] as string });
  const userClass = new EqualityFilter({
    attribute: 'objectClass',
    value: options.users.connector.spec.user.objectClass,
  });
  const anchor = spec.user.anchor;
  const idOf = (entry: LdapEntry) =>
    anchor === 'entryUUID' ? (valuesOf(entry.attributes, 'entryUUID')[0] ?? '') : entry.dn;
  const emit = (event: UserEvent) => options.onEvent?.(event);
  const requiredOf = directoryRequirements(directory);

  async function usersWhere(filters: Filter[]): Promise<Member[]> {
    const members: Member[] = [];
    for (const batch of chunks(filters)) {
      const entries = await ldap('read members', () =>
        directory.search(base, {
          filter: new AndFilter({ filters: [userClass, new OrFilter({ filters: batch })] }),
          attributes: ['uid', 'entryUUID'],
          paged: true,
        }),
      );
      for (const e of entries) members.push({ id: idOf(e), uid: valuesOf(e.attributes, 'uid')[0], dn: e.dn });
    }
    return members;
  }

  /** Users by SCIM id; throws 400 invalidValue naming the first id that is no user. */
  async function membersById(ids: readonly string[]): Promise<Member[]> {
    const unique = [...new Set(ids)];
    if (anchor === 'entryUUID') {
      const bad = unique.find((id) => !UUID.test(id));
      if (bad !== undefined) throw invalidValue(`member ${JSON.stringify(bad)} is not a user id`);
    }
    const filters = unique.map((id) =>
      anchor === 'entryUUID'
        ? new EqualityFilter({ attribute: 'entryUUID', value: id })
        : new EqualityFilter({ attribute: 'entryDN', value: id }),
    );
    const found = await usersWhere(filters);
    const known = new Set(found.map((m) => m.id.toLowerCase()));
    const missing = unique.find((id) => !known.has(id.toLowerCase()));
    if (missing !== undefined)
      throw invalidValue(`member ${JSON.stringify(missing)} is not a user of this connector`);
    return found;
  }

  /** The members of a group entry, as users (values that name no user are left out of the SCIM view). */
  async function membersOf(entry: LdapEntry): Promise<Member[]> {
    if (usesMemberUid) {
      const uids = valuesOf(entry.attributes, 'memberUid');
      return usersWhere(uids.map((uid) => new EqualityFilter({ attribute: 'uid', value: uid })));
    }
    const dns = valuesOf(entry.attributes, 'member').filter(
      (dn) => dn.toLowerCase() !== entry.dn.toLowerCase(),
    );
    return usersWhere(dns.map((dn) => new EqualityFilter({ attribute: 'entryDN', value: dn })));
  }

  async function view(entry: LdapEntry, withMembers: boolean): Promise<Json> {
    const resource: Json = { id: idOf(entry), ...toScim(set, entry) };
    if (withMembers)
      resource['members'] = (await membersOf(entry)).map((m) => ({ value: m.id, display: m.uid ?? m.dn }));
    resource['meta'] = resourceMeta('Group', entry.attributes);
    return resource;
  }

  async function search(filter: Filter, attributes = READ): Promise<LdapEntry[]> {
    return ldap('search groups', () =>
      directory.search(base, {
        filter: new AndFilter({ filters: [groupClass, filter] }),
        attributes,
        paged: true,
      }),
    );
  }
  const listing = createListing(search);

  async function find(id: string): Promise<LdapEntry> {
    const entries =
      anchor === 'entryUUID'
        ? UUID.test(id)
          ? await search(new EqualityFilter({ attribute: 'entryUUID', value: id }))
          : []
        : await search(new EqualityFilter({ attribute: 'entryDN', value: id }));
    const entry = entries[0];
    if (!entry) throw notFound(`no group with id ${JSON.stringify(id)}`);
    return entry;
  }

  /** memberUid / member modifications that turn the entry's members into `next`, value by value. */
  function memberModifications(
    entry: LdapEntry | undefined,
    dn: string,
    next: readonly Member[],
  ): Modification[] {
    const modifications: Modification[] = [];
    const diff = (attribute: string, want: string[], have: string[]) => {
      const lower = new Set(have.map((v) => v.toLowerCase()));
      const wanted = new Set(want.map((v) => v.toLowerCase()));
      const add = want.filter((v) => !lower.has(v.toLowerCase()));
      const remove = have.filter((v) => !wanted.has(v.toLowerCase()));
      if (add.length) modifications.push({ operation: 'add', attribute, values: add });
      if (remove.length) modifications.push({ operation: 'delete', attribute, values: remove });
    };
    if (usesMemberUid)
      diff(
        'memberUid',
        next.flatMap((m) => (m.uid ? [m.uid] : [])),
        entry ? valuesOf(entry.attributes, 'memberUid') : [],
      );
    if (usesMember) {
      // groupOfNames requires a member: an empty group names itself, a placeholder no host resolves to a user.
      const want = next.length ? next.map((m) => m.dn) : [dn];
      diff('member', want, entry ? valuesOf(entry.attributes, 'member') : []);
    }
    return modifications;
  }

  async function write(entry: LdapEntry, modifications: Modification[]): Promise<LdapEntry> {
    if (!modifications.length) return entry;
    let dn = entry.dn;
    const renamed = renameForRdn(dn, modifications);
    if (renamed) {
      await ldap('rename group', () => directory.rename(dn, renamed));
      // A groupOfNames placeholder names the group itself: follow the rename.
      for (const m of modifications)
        if (m.attribute === 'member')
          m.values = m.values.map((v) => (v.toLowerCase() === dn.toLowerCase() ? renamed : v));
      dn = renamed;
    }
    await ldap('update group', () => directory.modify(dn, modifications));
    const [updated] = await ldap('read group', () =>
      directory.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: READ }),
    );
    if (!updated) throw notFound('the group disappeared while it was written');
    return updated;
  }

  const idsIn = (value: unknown): string[] =>
    (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map((v) =>
      String(typeof v === 'object' && v !== null ? getIgnoreCase(v, 'value') : v),
    );

  /** Ids a `members[value eq "…"]` filter names (or null for any other filter). */
  function idsInFilter(filter: Filter_): string[] | null {
    if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.name.toLowerCase() === 'value')
      return [String(filter.value)];
    if (filter.kind === 'or') {
      const ids = filter.filters.map(idsInFilter);
      return ids.every((x) => x !== null) ? (ids.flat() as string[]) : null;
    }
    return null;
  }

  /**
   * The modifications for PATCH operations on `members`, in every shape Entra sends. Adds and removes touch only
   * the members they name (a PATCH of 1,000 members into a group of 50,000 resolves 1,000 ids); a replace, or a
   * filter other than `value eq`, sets the whole list.
   */
  async function memberPatch(
    entry: LdapEntry,
    operations: readonly PatchOperation[],
  ): Promise<Modification[]> {
    let whole: Map<string, Member> | undefined;
    const add = new Map<string, Member>();
    const remove = new Map<string, Member>();
    const key = (m: Member) => m.id.toLowerCase();
    const adding = (members: Member[]) => {
      for (const m of members) {
        if (whole) whole.set(key(m), m);
        else {
          add.set(key(m), m);
          remove.delete(key(m));
        }
      }
    };
    const removing = (members: Member[]) => {
      for (const m of members) {
        if (whole) whole.delete(key(m));
        else {
          remove.set(key(m), m);
          add.delete(key(m));
        }
      }
    };
    // Removing a user that no longer exists is not an error: Entra removes members it deleted elsewhere.
    const known = async (ids: string[]) =>
      await usersWhere(
        ids.map((id) =>
          anchor === 'entryUUID' && UUID.test(id)
            ? new EqualityFilter({ attribute: 'entryUUID', value: id })
            : new EqualityFilter({ attribute: 'entryDN', value: id }),
        ),
      );
    for (const { op, path, value } of operations) {
      if (op === 'add') adding(await membersById(idsIn(value)));
      else if (op === 'replace' && !path?.valueFilter)
        whole = new Map((await membersById(idsIn(value))).map((m) => [key(m), m]));
      else if (op === 'remove' && path?.valueFilter) {
        const ids = idsInFilter(path.valueFilter);
        if (ids) removing(await known(ids));
        else {
          const filter = path.valueFilter;
          whole ??= new Map((await membersOf(entry)).map((m) => [key(m), m]));
          for (const [k, m] of whole)
            if (matchesFilter({ value: m.id, display: m.uid }, filter)) whole.delete(k);
        }
      } else if (op === 'remove' && value !== undefined) removing(await known(idsIn(value)));
      else if (op === 'remove') whole = new Map();
      else throw invalidValue('replace of members with a filter is not supported; send the member list');
    }
    if (whole) return memberModifications(entry, entry.dn, [...whole.values()]);
    return memberDelta(entry, [...add.values()], [...remove.values()]);
  }

  /** Value-level add and delete of members, skipping values already there or already gone. */
  function memberDelta(entry: LdapEntry, add: Member[], remove: Member[]): Modification[] {
    const modifications: Modification[] = [];
    const delta = (attribute: string, toAdd: string[], toRemove: string[], placeholder?: string) => {
      const have = valuesOf(entry.attributes, attribute);
      const present = new Set(have.map((v) => v.toLowerCase()));
      const adds = toAdd.filter((v) => !present.has(v.toLowerCase()));
      let removes = toRemove.filter((v) => present.has(v.toLowerCase()));
      if (placeholder !== undefined) {
        if (adds.length && present.has(placeholder.toLowerCase())) removes = [...removes, placeholder];
        const remaining = have.length + adds.length - removes.length;
        if (remaining === 0) adds.push(placeholder);
      }
      if (adds.length) modifications.push({ operation: 'add', attribute, values: adds });
      if (removes.length) modifications.push({ operation: 'delete', attribute, values: removes });
    };
    if (usesMemberUid)
      delta(
        'memberUid',
        add.flatMap((m) => (m.uid ? [m.uid] : [])),
        remove.flatMap((m) => (m.uid ? [m.uid] : [])),
      );
    if (usesMember)
      delta(
        'member',
        add.map((m) => m.dn),
        remove.map((m) => m.dn),
        entry.dn,
      );
    return modifications;
  }

  return {
    async list(query: {
      filter?: string | undefined;
      startIndex: number;
      count: number;
      withMembers: boolean;
    }): Promise<Json> {
      const filter = query.filter ? scimFilterToLdap(set, parseFilter(query.filter), ctx) : groupClass;
      const page = await listing.page(filter, query.startIndex, query.count, READ, Boolean(query.filter));
      return listResponse(
        await Promise.all(page.entries.map((e) => view(e, query.withMembers))),
        page.total,
        query.startIndex,
      );
    },

    async get(id: string, withMembers: boolean): Promise<Json> {
      return view(await find(id), withMembers);
    },

    async create(body: Json): Promise<Json> {
      const resource = normalizeResource(body);
      const displayName = getIgnoreCase(resource, 'displayName');
      if (typeof displayName !== 'string' || displayName.trim() === '')
        throw invalidValue('displayName is required');
      const members = await membersById(idsIn(getIgnoreCase(resource, 'members')));
      const desired = await mapped(() => toLdap(set, resource, 'create', ctx));
      const dn = formatDn(desired.dn ?? []);
      for (const m of set.matching) {
        for (const value of valuesOf(desired.attributes, m.target)) {
          if ((await search(new EqualityFilter({ attribute: m.target, value }))).length)
            throw uniqueness(`a group with this ${m.target} already exists`);
        }
      }
      const attributes = { ...desired.attributes };
      for (const { target, min, max } of desired.allocate)
        attributes[target] = [String(await ldap(`allocate ${target}`, () => allocate(target, min, max)))];
      for (const m of memberModifications(undefined, dn, members)) attributes[m.attribute] = m.values;
      await ensureContainer(directory, parseDn(groupContainer(set.connector)), set.baseDN).catch(
        () => undefined,
      );
      const entry = await ldap('create group', () => directory.add(dn, attributes, READ));
      emit({ kind: 'created' });
      return view(entry, true);
    },

    async replace(id: string, body: Json): Promise<Json> {
      const entry = await find(id);
      const resource = normalizeResource(body);
      const members = await membersById(idsIn(getIgnoreCase(resource, 'members')));
      const desired = await mapped(() => toLdap(set, resource, 'update', ctx));
      const modifications = [
        ...diffAttributes(desired.attributes, entry.attributes),
        ...memberModifications(entry, entry.dn, members),
      ];
      return view(await write(entry, modifications), true);
    },

    /** Applies a PATCH (the caller answers 204, as Entra recommends for groups). */
    async patch(id: string, body: unknown): Promise<void> {
      const operations = parsePatch(body);
      assertKnownPaths(set, operations);
      const entry = await find(id);
      const memberOps = operations.filter((o) => o.path && topLevelKey(o.path) === 'members');
      const otherOps = operations.filter((o) => !memberOps.includes(o));
      // Members first: an unknown id fails the whole PATCH before anything is written.
      const memberChanges = memberOps.length ? await memberPatch(entry, memberOps) : [];
      const modifications: Modification[] = [];
      if (otherOps.length) {
        const before = await view(entry, false);
        assertRemovesHaveTargets(set, before, otherOps);
        const { resource, touched } = applyPatch(before, otherOps);
        const subset: MappingSet = {
          ...set,
          attributes: set.attributes.filter((m) => mappingsTouchedBy(set, touched).has(m)),
          dn: { ...set.dn, apply: 'OnCreate' },
        };
        const planned = diffAttributes(
          (await mapped(() => toLdap(subset, normalizeResource(resource), 'update', ctx))).attributes,
          entry.attributes,
        );
        assertDirectoryKeeps(planned, await requiredOf(entry), otherOps);
        const after = { dn: entry.dn, attributes: applyModifications(entry.attributes, planned) };
        assertRemovalsTook(await view(after, false), otherOps);
        modifications.push(...planned);
      }
      modifications.push(...memberChanges);
      await write(entry, modifications);
    },

    async remove(id: string): Promise<void> {
      const entry = await find(id);
      await ldap('delete group', () => directory.del(entry.dn));
      emit({ kind: 'deleted' });
    },

    /** Takes a deleted user out of every group, or follows its new DN and uid after a rename. */
    async userChanged(
      before: { dn: string; uid?: string | undefined },
      after: { dn: string; uid?: string | undefined } | null,
    ): Promise<void> {
      const filters: Filter[] = [];
      if (usesMemberUid && before.uid)
        filters.push(new EqualityFilter({ attribute: 'memberUid', value: before.uid }));
      if (usesMember) filters.push(new EqualityFilter({ attribute: 'member', value: before.dn }));
      if (!filters.length) return;
      for (const group of await search(new OrFilter({ filters }))) {
        const modifications: Modification[] = [];
        if (usesMemberUid && before.uid && before.uid !== after?.uid) {
          modifications.push({ operation: 'delete', attribute: 'memberUid', values: [before.uid] });
          if (after?.uid)
            modifications.push({ operation: 'add', attribute: 'memberUid', values: [after.uid] });
        }
        if (usesMember && before.dn.toLowerCase() !== after?.dn.toLowerCase()) {
          const remaining = valuesOf(group.attributes, 'member').filter(
            (v) => v.toLowerCase() !== before.dn.toLowerCase(),
          );
          const values = after ? [...remaining, after.dn] : remaining.length ? remaining : [group.dn];
          modifications.push({ operation: 'replace', attribute: 'member', values });
        }
        if (modifications.length)
          await ldap('update group membership', () => directory.modify(group.dn, modifications));
      }
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
