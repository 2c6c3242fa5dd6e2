import { describe, expect, it } from 'vitest';
import { formatDn } from '../ldap/dn.ts';
import { defaultGroupMapping, groupContainer } from './group-defaults.ts';
import { connector, mapping, testContext } from './mapping.fixtures.ts';
import { compileMappingSet } from './mapping-set.ts';
import { toLdap } from './to-ldap.ts';

describe('group mappings', () => {
  it.each([
    {
      style: 'posixGroup',
      objectClass: ['posixGroup'],
      allocate: [{ target: 'gidNumber', min: 10000, max: 60000 }],
    },
    { style: 'groupOfNames', objectClass: ['groupOfNames'], allocate: [] },
    {
      style: 'rfc2307bis',
      objectClass: ['groupOfNames', 'posixGroup'],
      allocate: [{ target: 'gidNumber', min: 10000, max: 60000 }],
    },
  ])(
    'default $style groups: cn from displayName under ou=groups, object classes and gidNumber per style',
    ({ style, objectClass, allocate }) => {
      const c = connector({ group: { style } });
      const set = compileMappingSet(c, [defaultGroupMapping(c)], 'Group');
      const desired = toLdap(set, { displayName: 'Ops, "Night" Shift' }, 'create', testContext);
      expect(formatDn(desired.dn ?? [])).toBe('cn=Ops\\, \\"Night\\" Shift,ou=groups,dc=contoso,dc=lab');
      expect(desired.attributes).toEqual({ objectClass, cn: ['Ops, "Night" Shift'] });
      expect(desired.allocate).toEqual(allocate);
    },
  );

  it('uses the configured container, even one needing escapes inside the expression', () => {
    const c = connector({ group: { container: 'ou=Linux\\, Unix,dc=contoso,dc=lab' } });
    expect(groupContainer(c)).toBe('ou=Linux\\, Unix,dc=contoso,dc=lab');
    const set = compileMappingSet(c, [defaultGroupMapping(c)], 'Group');
    const dn = toLdap(set, { displayName: 'a' }, 'create', testContext).dn ?? [];
    expect(dn[1]).toEqual([{ type: 'ou', value: 'Linux, Unix' }]);
  });

  it('accepts Group AttributeMappings over group attributes, and refuses user attributes there', () => {
    const groupMapping = (rules: object[]) => ({
      ...mapping(rules as never, 'groups'),
      spec: { ...mapping(rules as never, 'groups').spec, object: 'Group' as const },
    });
    const ok = compileMappingSet(
      connector(),
      [
        groupMapping([
          { target: '-dn-', expression: 'Join("", "cn=", [displayName], ",dc=contoso,dc=lab")' },
          { target: 'description', source: 'externalId' },
        ]),
      ],
      'Group',
    );
    expect(
      toLdap(ok, { displayName: 'g', externalId: 'x1' }, 'create', testContext).attributes['description'],
    ).toEqual(['x1']);
    expect(() =>
      compileMappingSet(
        connector(),
        [
          groupMapping([
            { target: '-dn-', constant: 'cn=g,dc=contoso,dc=lab' },
            { target: 'mail', source: 'userName' },
          ]),
        ],
        'Group',
      ),
    ).toThrow('unknown SCIM attribute "userName"');
  });
});
