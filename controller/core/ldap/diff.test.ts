import { describe, expect, it } from 'vitest';
import { applyModifications, changedAttributeNames, diffAttributes, type Modification } from './diff.ts';

describe('diffAttributes', () => {
  it.each([
    {
      reason: 'equal values, any order or name case, change nothing',
      desired: { mail: ['a', 'b'] },
      current: { MAIL: ['b', 'a'] },
      expected: [],
    },
    {
      reason: 'different values are replaced',
      desired: { cn: ['B'] },
      current: { cn: ['A'] },
      expected: [{ operation: 'replace', attribute: 'cn', values: ['B'] }],
    },
    {
      reason: 'a missing attribute is added by replace',
      desired: { sn: ['S'] },
      current: {},
      expected: [{ operation: 'replace', attribute: 'sn', values: ['S'] }],
    },
    {
      reason: 'an empty desired list deletes',
      desired: { title: [] },
      current: { title: ['x'] },
      expected: [{ operation: 'delete', attribute: 'title', values: [] }],
    },
    { reason: 'deleting an absent attribute is a no-op', desired: { title: [] }, current: {}, expected: [] },
    {
      reason: 'attributes not desired are left alone',
      desired: {},
      current: { uidNumber: ['1'] },
      expected: [],
    },
  ])('$reason', ({ desired, current, expected }) => {
    expect(diffAttributes(desired, current)).toEqual(expected);
  });

  it('summarises by attribute name only', () => {
    const mods = diffAttributes({ userPassword: ['secret'], cn: ['x'] }, {});
    expect(changedAttributeNames(mods)).toEqual(['cn', 'userPassword']);
  });
});

describe('applyModifications', () => {
  const current = { cn: ['Ann'], sn: ['A'], mail: ['a@x', 'b@x'] };
  it.each<{ reason: string; mods: Modification[]; expected: Record<string, string[]> }>([
    {
      reason: 'a replace',
      mods: [{ operation: 'replace', attribute: 'CN', values: ['Bo'] }],
      expected: { cn: ['Bo'], sn: ['A'], mail: ['a@x', 'b@x'] },
    },
    {
      reason: 'a delete of the attribute',
      mods: [{ operation: 'delete', attribute: 'sn', values: [] }],
      expected: { cn: ['Ann'], mail: ['a@x', 'b@x'] },
    },
    {
      reason: 'a delete of one value',
      mods: [{ operation: 'delete', attribute: 'mail', values: ['a@x'] }],
      expected: { cn: ['Ann'], sn: ['A'], mail: ['b@x'] },
    },
    {
      reason: 'an add',
      mods: [{ operation: 'add', attribute: 'title', values: ['Boss'] }],
      expected: { ...current, title: ['Boss'] },
    },
  ])('applies $reason, leaving the input as it was', ({ mods, expected }) => {
    expect(applyModifications(current, mods)).toEqual(expected);
    expect(current).toEqual({ cn: ['Ann'], sn: ['A'], mail: ['a@x', 'b@x'] });
  });
});
