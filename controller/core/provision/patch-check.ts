import type { Modification } from '../ldap/diff.ts';
import type { MappingSet } from '../mapping/mapping-set.ts';
import { isPseudoAttribute } from '../scim/ecma2host.ts';
import { invalidPath, invalidValue, mutability, noTarget } from '../scim/errors.ts';
import { type AttrPath, formatPath } from '../scim/filter.ts';
import { resolvePath } from '../scim/match.ts';
import { applyPatch, type PatchOperation, topLevelKey } from '../scim/patch.ts';
import {
  type AttributeDefinition,
  ECMA2HOST_USER_SCHEMA,
  GROUP_SCHEMA,
  groupAttribute,
  isCoreSchema,
  USER_SCHEMA,
  userAttribute,
} from '../scim/resources.ts';
import { keysReadBy } from './users.ts';

type Json = Record<string, unknown>;

// Attributes every resource has (RFC 7643 §3.1); removing them is refused as read-only, not as unknown.
const COMMON = new Set(['schemas', 'meta']);
/** Attributes a resource cannot be without (RFC 7643 §4.1.1 userName, §4.2 displayName). */
const REQUIRED = { User: new Set(['username']), Group: new Set(['displayname']) };

function subKnown(definition: AttributeDefinition, sub: string | undefined): boolean {
  if (sub === undefined || !definition.subAttributes) return true;
  return definition.subAttributes.some((s) => s.toLowerCase() === sub.toLowerCase());
}

/** Whether a PATCH path names an attribute of the resource's schemas, or one of its mappings reads. */
export function pathIsKnown(set: MappingSet, path: AttrPath): boolean {
  const core = set.object === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
  const urn = path.urn !== undefined && path.urn.toLowerCase() !== core.toLowerCase() ? path.urn : undefined;
  if (urn === undefined && COMMON.has(path.name.toLowerCase())) return true;
  const definition = set.object === 'Group' ? groupAttribute(urn, path.name) : userAttribute(urn, path.name);
  if (definition) return subKnown(definition, path.sub);
  if (set.object === 'User' && urn?.toLowerCase() === ECMA2HOST_USER_SCHEMA.toLowerCase()) {
    const name = path.name.toLowerCase();
    return (
      isPseudoAttribute(name) ||
      // Set on create through the extension whether or not the connector exposes it.
      name === 'objectclass' ||
      set.exposed.some((a) => a.toLowerCase() === name)
    );
  }
  // A custom extension's attributes are what the mappings read.
  const key = topLevelKey(path);
  return set.attributes.some((m) => keysReadBy(m).includes(key));
}

/** 400 invalidPath for an operation whose path names no attribute of the resource (RFC 7644 §3.5.2). */
export function assertKnownPaths(set: MappingSet, operations: readonly PatchOperation[]): void {
  for (const { path } of operations) {
    if (path && !pathIsKnown(set, path))
      throw invalidPath(`${formatPath(path)} names no attribute of the ${set.object} schemas`);
  }
}

/**
 * Before anything is planned: a remove of an attribute the resource must have (the schema's required one, or one
 * a matching mapping reads: Entra finds the entry by it) is 400 invalidValue, and a remove whose value filter
 * selects nothing is 400 noTarget (RFC 7644 §3.5.2.2).
 */
export function assertRemovesHaveTargets(
  set: MappingSet,
  before: Json,
  operations: readonly PatchOperation[],
): void {
  const matched = new Set(set.matching.flatMap(keysReadBy));
  for (const { op, path } of operations) {
    if (op !== 'remove' || !path) continue;
    const key = topLevelKey(path);
    if (!path.valueFilter && path.sub === undefined && REQUIRED[set.object].has(key))
      throw invalidValue(`${formatPath(path)} cannot be removed: it is required`);
    if (matched.has(key))
      throw invalidValue(`${formatPath(path)} cannot be removed: a matching mapping reads it`);
    if (path.valueFilter && resolvePath(before, elementsOf(path)).length === 0)
      throw noTarget(`${formatPath(path)} cannot be removed: it matches no value`);
  }
}

/** The elements a value-filter path selects (its sub-attribute left off), core schema URN dropped. */
function elementsOf(path: AttrPath): AttrPath {
  const { sub: _sub, urn, ...rest } = path;
  return urn !== undefined && !isCoreSchema(urn) ? { ...rest, urn } : rest;
}

/**
 * 400 invalidValue when the planned modifications delete an attribute the directory requires of this entry:
 * a MUST of its object classes, or the attribute naming it. `required` is lower-case.
 */
export function assertDirectoryKeeps(
  modifications: readonly Modification[],
  required: ReadonlySet<string>,
  removed: readonly PatchOperation[],
): void {
  for (const { operation, attribute, values } of modifications) {
    if (operation !== 'delete' || values.length > 0 || !required.has(attribute.toLowerCase())) continue;
    const paths = removed.flatMap((o) => (o.op === 'remove' && o.path ? [formatPath(o.path)] : []));
    throw invalidValue(
      `${paths.length ? `removing ${paths.join(', ')}` : 'this change'} would delete ${attribute}, which the directory requires of this entry`,
    );
  }
}

// Equal as SCIM sees it: absent, null, empty lists and empty objects are all "no value".
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalized).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k.toLowerCase(), normalized(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === null || value === '' ? undefined : value;
}

/**
 * 400 mutability for a remove that the planned entry would not honour (the value is read-only, written only on
 * create, or not written by any mapping): answering 204 would claim a change that did not happen. `after` is the
 * resource as the entry will read once the plan is written. A later add or replace of the same attribute in
 * the PATCH is what the client asked for, so those removes are not checked.
 */
export function assertRemovalsTook(after: Json, operations: readonly PatchOperation[]): void {
  operations.forEach((operation, index) => {
    if (operation.op !== 'remove' || !operation.path) return;
    const key = topLevelKey(operation.path);
    const later = operations
      .slice(index + 1)
      .some((o) => o.op !== 'remove' && o.path !== undefined && topLevelKey(o.path) === key);
    if (later) return;
    const again = applyPatch(after, [operation]).resource;
    if (JSON.stringify(normalized(again)) !== JSON.stringify(normalized(after)))
      throw mutability(
        `${formatPath(operation.path)} cannot be removed: the directory value it is read from is not written on update`,
      );
  });
}
