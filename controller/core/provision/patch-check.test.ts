import { describe, expect, it } from 'vitest';
import type { Modification } from '../ldap/diff.ts';
import { CONTOSO_RULES, contosoSet } from '../mapping/mapping.fixtures.ts';
import { parsePatch } from '../scim/patch.ts';
import {
  assertDirectoryKeeps,
  assertKnownPaths,
  assertRemovalsTook,
  assertRemovesHaveTargets,
  pathIsKnown,
} from './patch-check.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const ops = (...operations: unknown[]) => parsePatch({ Operations: operations });
const set = contosoSet([
  ...CONTOSO_RULES,
  { target: 'departmentNumber', source: 'urn:example:Custom:1.0:User:dept' },
  { target: 'employeeNumber', source: 'externalId', match: 3 },
]);

describe('pathIsKnown', () => {
  it.each([
    { path: 'displayName', known: true },
    { path: 'NAME.givenName', known: true },
    { path: 'emails[type eq "work"].value', known: true },
    { path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', known: true },
    { path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', known: true },
    { path: `${ECMA}:loginShell`, known: true },
    { path: 'urn:example:Custom:1.0:User:dept', known: true },
    { path: 'meta', known: true },
    { path: 'favouriteColour', known: false },
    { path: 'name.nickname', known: false },
    { path: `${ECMA}:street`, known: false },
    { path: 'urn:example:Custom:1.0:User:other', known: false },
    { path: 'members', known: false },
  ])('$path: $known for a User', ({ path, known }) => {
    const [operation] = ops({ op: 'remove', path });
    expect(pathIsKnown(set, operation?.path as never)).toBe(known);
  });

  it('knows the pseudo-attributes of a path-less ECMA2Host value', () => {
    const operations = ops({
      op: 'replace',
      value: { [ECMA]: { '-dn-': 'uid=a,dc=contoso,dc=lab', export_password: 'x' } },
    });
    expect(() => assertKnownPaths(set, operations)).not.toThrow();
  });

  it('names the path in a 400 invalidPath, also for path-less values', () => {
    expect(() => assertKnownPaths(set, ops({ op: 'replace', value: { colour: 'x' } }))).toThrow(
      expect.objectContaining({
        status: 400,
        scimType: 'invalidPath',
        message: expect.stringContaining('colour'),
      }),
    );
  });
});

describe('assertRemovesHaveTargets', () => {
  const before = { userName: 'a@x', emails: [{ type: 'work', value: 'a@x' }] };
  it.each([
    { reason: 'userName', path: 'userName', scimType: 'invalidValue' },
    { reason: 'what a matching mapping reads', path: 'externalId', scimType: 'invalidValue' },
    { reason: 'a value filter that selects nothing', path: 'emails[type eq "home"]', scimType: 'noTarget' },
    {
      reason: 'a sub-attribute under a value filter that selects nothing',
      path: 'emails[type eq "home"].value',
      scimType: 'noTarget',
    },
  ])('refuses removing $reason with 400 $scimType', ({ path, scimType }) => {
    expect(() => assertRemovesHaveTargets(set, before, ops({ op: 'remove', path }))).toThrow(
      expect.objectContaining({ status: 400, scimType }),
    );
  });

  it.each(['emails[type eq "work"]', 'title', 'name.givenName'])('lets a remove of %s through', (path) => {
    expect(() => assertRemovesHaveTargets(set, before, ops({ op: 'remove', path }))).not.toThrow();
  });
});

describe('assertDirectoryKeeps', () => {
  const required = new Set(['sn', 'cn', 'uid']);
  it('refuses a deletion of a required attribute, naming it and the removed path', () => {
    expect(() =>
      assertDirectoryKeeps(
        [{ operation: 'delete', attribute: 'sn', values: [] }],
        required,
        ops({ op: 'remove', path: 'name.familyName' }),
      ),
    ).toThrow(
      expect.objectContaining({
        scimType: 'invalidValue',
        message: expect.stringMatching(/name\.familyName.*sn/),
      }),
    );
  });

  it.each<{ reason: string; modification: Modification }>([
    {
      reason: 'a deletion of an optional attribute',
      modification: { operation: 'delete', attribute: 'title', values: [] },
    },
    {
      reason: 'a replace of a required one',
      modification: { operation: 'replace', attribute: 'sn', values: ['B'] },
    },
    {
      reason: 'a deletion of some values',
      modification: { operation: 'delete', attribute: 'cn', values: ['old'] },
    },
  ])('lets $reason through', ({ modification }) => {
    expect(() => assertDirectoryKeeps([modification], required, [])).not.toThrow();
  });
});

describe('assertRemovalsTook', () => {
  const after = { id: '1', title: 'Boss', emails: [{ type: 'work', value: 'a@x' }] };
  it.each([
    { reason: 'the attribute is still there', operations: ops({ op: 'remove', path: 'title' }) },
    {
      reason: 'the element is still there',
      operations: ops({ op: 'remove', path: 'emails[type eq "work"]' }),
    },
    { reason: 'the id', operations: ops({ op: 'remove', path: 'id' }) },
  ])('refuses with 400 mutability when $reason', ({ operations }) => {
    expect(() => assertRemovalsTook(after, operations)).toThrow(
      expect.objectContaining({ status: 400, scimType: 'mutability' }),
    );
  });

  it.each([
    { reason: 'the attribute is gone', operations: ops({ op: 'remove', path: 'displayName' }) },
    { reason: 'the element is gone', operations: ops({ op: 'remove', path: 'emails[type eq "home"]' }) },
    {
      reason: 'a later add sets it again',
      operations: ops({ op: 'remove', path: 'title' }, { op: 'add', path: 'title', value: 'Boss' }),
    },
  ])('lets it through when $reason', ({ operations }) => {
    expect(() => assertRemovalsTook(after, operations)).not.toThrow();
  });
});
