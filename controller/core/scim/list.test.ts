import { describe, expect, it } from 'vitest';
import { keepsAttribute, projectAttributes } from './list.ts';

describe('keepsAttribute agrees with projectAttributes', () => {
  const group = { id: 'g', schemas: [], displayName: 'Admins', members: [{ value: 'u' }] };
  it.each([
    [{}, true],
    [{ excludedAttributes: 'members' }, false],
    [{ excludedAttributes: 'displayName, Members' }, false],
    [{ excludedAttributes: 'displayName' }, true],
    [{ attributes: 'displayName' }, false],
    [{ attributes: 'displayName,members' }, true],
    [{ attributes: 'MEMBERS' }, true],
  ])('for %j: members kept = %s', (query, kept) => {
    expect(keepsAttribute(query, 'members')).toBe(kept);
    expect('members' in projectAttributes(group, query)).toBe(kept);
  });
});
