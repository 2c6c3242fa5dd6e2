import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA } from '../scim/resources.ts';
import { CONTOSO_RULES, contosoSet } from './mapping.fixtures.ts';
import { attributeUses } from './uses.ts';

describe('attributeUses', () => {
  const uses = attributeUses(
    contosoSet([
      ...CONTOSO_RULES,
      { target: 'givenName', source: 'name.givenName', apply: 'OnCreate' },
      { target: 'displayName', source: 'nickName', apply: 'OnCreate' },
      { target: 'telephoneNumber', source: 'phoneNumbers[type eq "work"].value' },
      { target: 'departmentNumber', source: 'department' },
      { target: 'description', expression: 'Join(" ", [title], [nickName])' },
    ]),
  );

  it.each([
    {
      when: 'a direct mapping gives it back, and a matching mapping reads it',
      key: ':username',
      use: { returned: true, onCreateOnly: false, unique: true },
    },
    {
      when: 'its direct mapping applies on create only',
      key: ':nickname',
      use: { returned: true, onCreateOnly: true, unique: false },
    },
    {
      when: 'only an expression reads it',
      key: ':title',
      use: { returned: false, onCreateOnly: false, unique: false },
    },
    {
      when: 'an Entra alias names an enterprise attribute',
      key: `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:department`,
      use: { returned: true, onCreateOnly: false, unique: false },
    },
    {
      when: 'the connector writes userPassword',
      key: ':password',
      use: { returned: false, onCreateOnly: false, unique: false },
    },
  ])('$key: $when', ({ key, use }) => {
    expect(uses.get(key)).toMatchObject(use);
  });

  it('collects the sub-attributes mappings read, and the attribute a value path tests', () => {
    expect([...(uses.get(':name')?.subAttributes ?? [])].sort()).toEqual(['familyname', 'givenname']);
    expect([...(uses.get(':phonenumbers')?.subAttributes ?? [])].sort()).toEqual(['type', 'value']);
    expect(uses.get(':phonenumbers')?.canonicalValues).toEqual(new Map([['type', ['work']]]));
  });

  it('leaves out what no mapping reads', () => {
    expect(uses.has(':profileurl')).toBe(false);
    expect(uses.has(':emails')).toBe(false);
  });

  it('requires the one direct source of an attribute the directory requires, not a computed one', () => {
    const required = attributeUses(contosoSet(), {
      must: new Set(['cn', 'sn', 'uid', 'uidnumber', 'objectclass']),
    });
    expect(required.get(':displayname')).toMatchObject({ required: true });
    expect(required.get(':name')).toMatchObject({
      required: true,
      requiredSubAttributes: new Set(['familyname']),
    });
    expect(required.get(':username')).toMatchObject({ required: false });
    expect(uses.get(':displayname')).toMatchObject({ required: false });
  });

  it('compares as the directory attribute a direct mapping stores it in', () => {
    const rules = { caseExact: new Set(['sn']) };
    expect(attributeUses(contosoSet(), rules).get(':name')).toMatchObject({ caseExact: true });
    expect(attributeUses(contosoSet(), rules).get(':displayname')).toMatchObject({ caseExact: false });
  });

  it('has no password without userPassword among the connector attributes', () => {
    const set = contosoSet();
    expect(attributeUses({ ...set, exposed: ['cn', 'uid'] }).has(':password')).toBe(false);
  });
});
