import { describe, expect, it } from 'vitest';
import { resourceMeta, withLocation } from './meta.ts';

describe('resourceMeta', () => {
  it.each([
    {
      reason: 'reads created and lastModified from the operational timestamps',
      attributes: { createTimestamp: ['20260102030405Z'], modifyTimestamp: ['20260203040506Z'] },
      meta: { resourceType: 'Group', created: '2026-01-02T03:04:05Z', lastModified: '2026-02-03T04:05:06Z' },
    },
    { reason: 'leaves out timestamps the entry lacks', attributes: {}, meta: { resourceType: 'Group' } },
  ])('$reason', ({ attributes, meta }) => {
    expect(resourceMeta('Group', attributes)).toEqual(meta);
  });
});

describe('withLocation', () => {
  it.each([
    {
      reason: 'adds the path the resource is served at, keeping the rest of meta',
      resource: { id: 'a1', meta: { resourceType: 'User' } },
      root: '/ecma2host_ldap/scim',
      location: '/ecma2host_ldap/scim/Users/a1',
    },
    {
      reason: 'percent-encodes a DN id',
      resource: { id: 'uid=a,dc=x' },
      root: '/scim',
      location: '/scim/Users/uid%3Da%2Cdc%3Dx',
    },
  ])('$reason', ({ resource, root, location }) => {
    expect(withLocation(resource, root, 'Users')['meta']).toEqual({ ...resource.meta, location });
  });
});
