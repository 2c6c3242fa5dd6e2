import { describe, expect, it } from 'vitest';
import { changedAttributeNames, diffAttributes } from './diff.ts';

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
