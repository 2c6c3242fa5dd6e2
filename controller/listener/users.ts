import { AndFilter, EqualityFilter, type Filter } from 'ldapts';
import type { Allocate } from '../adapters/ldap/allocator.ts';
import { type Directory, DirectoryError } from '../adapters/ldap/directory.ts';
import { hashPassword } from '../adapters/ldap/password.ts';
import { ensureContainer, stateContainer } from '../adapters/ldap/state.ts';
import {
  applyModifications,
  changedAttributeNames,
  diffAttributes,
  type Modification,
} from '../core/ldap/diff.ts';
import { formatDn, namesEntryWithin, parseDn } from '../core/ldap/dn.ts';
import { type LdapAttributes, type LdapEntry, valuesOf } from '../core/ldap/entry.ts';
import type { EvaluationContext } from '../core/mapping/expression/functions.ts';
import { scimFilterToLdap } from '../core/mapping/filters.ts';
import { groupContainer } from '../core/mapping/group-defaults.ts';
import type { MappingSet } from '../core/mapping/mapping-set.ts';
import { toLdap } from '../core/mapping/to-ldap.ts';
import { toScim } from '../core/mapping/to-scim.ts';
import { chooseUniqueValues } from '../core/mapping/unique.ts';
import {
  assertDirectoryKeeps,
  assertKnownPaths,
  assertRemovalsTook,
  assertRemovesHaveTargets,
} from '../core/provision/patch-check.ts';
import {
  applyEcmaExtension,
  disablePlan,
  ecmaPatchResource,
  enablePlan,
  extensionDn,
  isActive,
  mappingsTouchedBy,
  renameForRdn,
  touchedExtension,
} from '../core/provision/users.ts';
import { normalizeResource } from '../core/scim/coerce.ts';
import { ecmaExtension } from '../core/scim/ecma2host.ts';
import { invalidValue, notFound, ScimError, uniqueness } from '../core/scim/errors.ts';
import { parseFilter } from '../core/scim/filter.ts';
import { listResponse } from '../core/scim/list.ts';
import { getIgnoreCase } from '../core/scim/match.ts';
import { resourceMeta } from '../core/scim/meta.ts';
import { applyPatch, parsePatch } from '../core/scim/patch.ts';

import { ldap, mapped } from './failures.ts';
import { createListing } from './listing.ts';
import { directoryRequirements } from './required.ts';

type Json = Record<string, unknown>;

/** What happened, for metrics and logs (attribute names only, never values). */
export type UserEvent = {
  kind: 'created' | 'updated' | 'disabled' | 'enabled' | 'deleted';
  attributes?: string[];
};

/** Keeps group memberships in step when a user is renamed or deleted (after: null). */
export type MembershipHook = (
  before: { dn: string; uid?: string | undefined },
  after: { dn: string; uid?: string | undefined } | null,
) => Promise<void>;

export interface UserServiceOptions {
  set: MappingSet;
  memberships?: MembershipHook;
  directory: Directory;
  allocate: Allocate;
  ctx: EvaluationContext;
  onEvent?: (event: UserEvent) => void;
}

// User attributes, plus the operational ones a SCIM resource shows: its id and meta timestamps.
const READ_ATTRIBUTES = ['*', 'entryUUID', 'createTimestamp', 'modifyTimestamp'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_SUCH_OBJECT = 32;

/** SCIM /Users over one connector: gather (LDAP reads) → plan (pure core) → apply (LDAP writes). */
export function createUserService(options: UserServiceOptions) {
  const { set, directory, allocate, ctx } = options;
  const spec = set.connector.spec;
  const base = formatDn(set.baseDN);
  const userClass = new EqualityFilter({ attribute: 'objectClass', value: spec.user.objectClass });
  const disabledContainer = [[{ type: 'ou', value: 'disabled' }], ...stateContainer(set.baseDN)];
  const emit = (event: UserEvent) => options.onEvent?.(event);
  const requiredOf = directoryRequirements(directory);

  const idOf = (entry: LdapEntry) =>
    spec.user.anchor === 'entryUUID' ? (valuesOf(entry.attributes, 'entryUUID')[0] ?? '') : entry.dn;

  function view(entry: LdapEntry): Json {
    const resource = toScim(set, entry);
    const meta = resourceMeta('User', entry.attributes);
    return { id: idOf(entry), ...resource, active: isActive(entry, spec), meta };
  }

  /** Users matching a filter; `paged` for lists that may exceed the directory's size limit. */
  async function search(filter: Filter, attributes = READ_ATTRIBUTES, paged = false): Promise<LdapEntry[]> {
    return ldap('search users', () =>
      directory.search(base, { filter: new AndFilter({ filters: [userClass, filter] }), attributes, paged }),
    );
  }

  const listing = createListing((filter, attributes) => search(filter, attributes, true));

  async function find(id: string): Promise<LdapEntry> {
    let entries: LdapEntry[] = [];
    if (spec.user.anchor === 'entryUUID') {
      if (UUID.test(id)) entries = await search(new EqualityFilter({ attribute: 'entryUUID', value: id }));
    } else if (namesEntryWithin(id, set.baseDN)) {
      // The bind identity may reach far more than the connector: only entries under its baseDN are its users.
      try {
        entries = await ldap('read user', () =>
          directory.search(id, { scope: 'base', filter: userClass, attributes: READ_ATTRIBUTES }),
        );
      } catch (error) {
        if (!(error instanceof ScimError && error.status === 404)) throw error;
      }
    }
    const entry = entries[0];
    if (!entry) throw notFound(`no user with id ${JSON.stringify(id)}`);
    return entry;
  }

  async function readBack(dn: string): Promise<LdapEntry> {
    const [entry] = await ldap('read user', () =>
      directory.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: READ_ATTRIBUTES }),
    );
    if (!entry) throw notFound('the user disappeared while it was written');
    return entry;
  }

  async function withPassword(attributes: LdapAttributes, resource: Json): Promise<LdapAttributes> {
    const out = { ...attributes };
    const password = getIgnoreCase(resource, 'password');
    if (
      typeof password === 'string' &&
      password !== '' &&
      spec.user.attributes.some((a) => a.toLowerCase() === 'userpassword')
    ) {
      out['userPassword'] = [password];
    }
    for (const key of Object.keys(out)) {
      if (key.toLowerCase() === 'userpassword')
        out[key] = await Promise.all((out[key] ?? []).map((p) => hashPassword(p, spec.passwordHash)));
    }
    return out;
  }

  async function assertUnique(attributes: LdapAttributes): Promise<void> {
    for (const mapping of set.matching) {
      for (const value of valuesOf(attributes, mapping.target)) {
        const holders = await search(new EqualityFilter({ attribute: mapping.target, value }), ['1.1']);
        if (holders.length) throw uniqueness(`a user with this ${mapping.target} already exists`);
      }
    }
  }

  async function isTaken(attribute: string, value: string): Promise<boolean> {
    const holders = await ldap('check uniqueness', () =>
      directory.search(base, { filter: new EqualityFilter({ attribute, value }), attributes: ['1.1'] }),
    );
    return holders.length > 0;
  }

  const stateDn = (entry: LdapEntry) =>
    formatDn([
      [{ type: 'cn', value: valuesOf(entry.attributes, 'entryUUID')[0] ?? entry.dn }],
      ...disabledContainer,
    ]);

  async function saveDisableState(entry: LdapEntry, previous: LdapAttributes): Promise<void> {
    await ensureContainer(directory, disabledContainer, set.baseDN);
    const dn = stateDn(entry);
    await directory.del(dn).catch(() => undefined);
    const cn = parseDn(dn)[0]?.[0]?.value ?? '';
    await directory.add(
      dn,
      { objectClass: ['organizationalRole'], cn: [cn], description: [JSON.stringify(previous)] },
      ['1.1'],
    );
  }

  async function setActive(entry: LdapEntry, active: boolean): Promise<void> {
    if (isActive(entry, spec) === active) return;
    if (!active) {
      const { modifications, previous } = disablePlan(entry, spec);
      await ldap('disable user', async () => {
        await saveDisableState(entry, previous);
        await directory.modify(entry.dn, modifications);
      });
      emit({ kind: 'disabled' });
      return;
    }
    const [state] = await ldap('read disable state', () =>
      directory
        .search(stateDn(entry), { scope: 'base', filter: '(objectClass=*)', attributes: ['description'] })
        .catch((error: unknown) => {
          if (error instanceof DirectoryError && error.code === NO_SUCH_OBJECT) return [];
          throw error;
        }),
    );
    const saved = state
      ? (JSON.parse(valuesOf(state.attributes, 'description')[0] ?? '{}') as LdapAttributes)
      : {};
    // Without saved state (disabled by someone else), clear what Disable sets.
    const previous = state
      ? saved
      : Object.fromEntries(Object.keys(spec.deprovisioning.disable.set).map((a) => [a, [] as string[]]));
    await ldap('enable user', async () => {
      await directory.modify(entry.dn, enablePlan(entry, previous));
      if (state) await directory.del(state.dn);
    });
    emit({ kind: 'enabled' });
  }

  const uidOf = (entry: LdapEntry) => valuesOf(entry.attributes, 'uid')[0];
  const privateGroupDn = (uid: string) =>
    formatDn([[{ type: 'cn', value: uid }], ...parseDn(groupContainer(set.connector))]);

  async function remove(entry: LdapEntry): Promise<void> {
    await ldap('delete user', () => directory.del(entry.dn));
    await directory.del(stateDn(entry)).catch(() => undefined);
    const uid = uidOf(entry);
    if (spec.posix.userPrivateGroups && uid) await directory.del(privateGroupDn(uid)).catch(() => undefined);
    await options.memberships?.({ dn: entry.dn, uid }, null);
    emit({ kind: 'deleted' });
  }

  /** The Debian and Red Hat convention: a group named after the user, with the user's gidNumber. */
  async function createPrivateGroup(entry: LdapEntry): Promise<void> {
    const uid = uidOf(entry);
    const gid = valuesOf(entry.attributes, 'gidNumber')[0];
    if (!spec.posix.userPrivateGroups || !uid || !gid) return;
    await ldap('create private group', async () => {
      await ensureContainer(directory, parseDn(groupContainer(set.connector)), set.baseDN);
      await directory.add(privateGroupDn(uid), { objectClass: ['posixGroup'], cn: [uid], gidNumber: [gid] }, [
        '1.1',
      ]);
    });
  }

  /** Writes modifications, renaming first when they replace the value that names the entry. */
  async function write(entry: LdapEntry, modifications: Modification[]): Promise<LdapEntry> {
    if (modifications.length === 0) return entry;
    let dn = entry.dn;
    const renamed = renameForRdn(dn, modifications);
    if (renamed) {
      await ldap('rename user', () => directory.rename(dn, renamed));
      dn = renamed;
    }
    await ldap('update user', () => directory.modify(dn, modifications));
    emit({ kind: 'updated', attributes: changedAttributeNames(modifications) });
    const updated = await readBack(dn);
    if (dn !== entry.dn || uidOf(updated) !== uidOf(entry)) {
      await options.memberships?.(
        { dn: entry.dn, uid: uidOf(entry) },
        { dn: updated.dn, uid: uidOf(updated) },
      );
    }
    return updated;
  }

  /** Applies the resource's `active`: whether that changed the entry, deleted it, or left it as it was. */
  async function applyActive(entry: LdapEntry, resource: Json): Promise<'deleted' | 'changed' | 'unchanged'> {
    const active = getIgnoreCase(resource, 'active');
    if (typeof active !== 'boolean' || active === isActive(entry, spec)) return 'unchanged';
    if (!active && spec.deprovisioning.onDisable === 'Ignore') return 'unchanged';
    if (!active && spec.deprovisioning.onDisable === 'Delete') {
      await remove(entry);
      return 'deleted';
    }
    await setActive(entry, active);
    return 'changed';
  }

  return {
    async list(query: { filter?: string | undefined; startIndex: number; count: number }): Promise<Json> {
      const filter = query.filter
        ? scimFilterToLdap(set, parseFilter(query.filter), ctx)
        : new EqualityFilter({ attribute: 'objectClass', value: spec.user.objectClass });
      const page = await listing.page(
        filter,
        query.startIndex,
        query.count,
        READ_ATTRIBUTES,
        Boolean(query.filter),
      );
      return listResponse(page.entries.map(view), page.total, query.startIndex);
    },

    async get(id: string): Promise<Json> {
      return view(await find(id));
    },

    async create(body: Json): Promise<Json> {
      const resource = normalizeResource(body);
      const userName = getIgnoreCase(resource, 'userName');
      // Entra's "On-premises ECMA app" sends every attribute in the ECMA2Host extension and no userName.
      if ((typeof userName !== 'string' || userName.trim() === '') && !ecmaExtension(resource))
        throw invalidValue('userName is required');
      const desired = await mapped(async () => {
        const given = extensionDn(set, resource);
        const computed = applyEcmaExtension(
          set,
          toLdap(set, resource, 'create', ctx, given),
          resource,
          'create',
        );
        await assertUnique(computed.attributes);
        return chooseUniqueValues(computed, isTaken);
      });
      const attributes = await withPassword(desired.attributes, resource);
      for (const { target, min, max } of desired.allocate) {
        if (valuesOf(attributes, target).length === 0)
          attributes[target] = [String(await ldap(`allocate ${target}`, () => allocate(target, min, max)))];
      }
      const dn = formatDn(desired.dn ?? []);
      let entry = await ldap('create user', () => directory.add(dn, attributes, READ_ATTRIBUTES));
      await createPrivateGroup(entry);
      emit({ kind: 'created', attributes: Object.keys(attributes).sort() });
      if (getIgnoreCase(resource, 'active') === false && spec.deprovisioning.onDisable === 'Disable') {
        await setActive(entry, false);
        entry = await readBack(dn);
      }
      return view(entry);
    },

    async replace(id: string, body: Json): Promise<Json> {
      const entry = await find(id);
      const resource = normalizeResource(body);
      const activeChange = await applyActive(entry, resource);
      if (activeChange === 'deleted') throw notFound(`user ${id} was deleted on disable`);
      const current = activeChange === 'changed' ? await readBack(entry.dn) : entry;
      const desired = await mapped(() =>
        applyEcmaExtension(set, toLdap(set, resource, 'update', ctx), resource, 'update', current.attributes),
      );
      const attributes = await withPassword(desired.attributes, resource);
      return view(await write(current, diffAttributes(attributes, current.attributes)));
    },

    /** The updated user, or null when the PATCH disabled a user whose connector deletes on disable. */
    async patch(id: string, body: unknown): Promise<Json | null> {
      const operations = parsePatch(body);
      assertKnownPaths(set, operations);
      const entry = await find(id);
      const before = view(entry);
      assertRemovesHaveTargets(set, before, operations);
      const { resource: patched, touched } = applyPatch(before, operations);
      const resource = normalizeResource(patched);
      const mappings = mappingsTouchedBy(set, touched);
      const subset: MappingSet = {
        ...set,
        attributes: set.attributes.filter((m) => mappings.has(m)),
        dn: { ...set.dn, apply: 'OnCreate' },
      };
      const ecma = touchedExtension(ecmaPatchResource(resource, operations), touched);
      const desired = await mapped(() =>
        applyEcmaExtension(set, toLdap(subset, resource, 'update', ctx), ecma, 'update'),
      );
      const password = touched.has('password') ? resource : {};
      const attributes = await withPassword(desired.attributes, password);
      // Checked before anything is written: a remove the directory refuses, or that would not take, is a 400.
      const planned = diffAttributes(attributes, entry.attributes);
      assertDirectoryKeeps(planned, await requiredOf(entry), operations);
      assertRemovalsTook(
        view({ dn: entry.dn, attributes: applyModifications(entry.attributes, planned) }),
        operations,
      );
      const activeChange = touched.has('active') ? await applyActive(entry, resource) : 'unchanged';
      if (activeChange === 'deleted') return null;
      const current = activeChange === 'changed' ? await readBack(entry.dn) : entry;
      return view(await write(current, diffAttributes(attributes, current.attributes)));
    },

    async remove(id: string): Promise<void> {
      const entry = await find(id);
      if (spec.deprovisioning.onDelete === 'Disable') await setActive(entry, false);
      else await remove(entry);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
