import type { AttributeMapping, LdapConnector } from '../../config/types.ts';
import { formatDn, parseDn } from '../ldap/dn.ts';

/** The container new groups go to: spec.group.container, or ou=groups under the baseDN. */
export function groupContainer(connector: LdapConnector): string {
  return (
    connector.spec.group.container ??
    formatDn([[{ type: 'ou', value: 'groups' }], ...parseDn(connector.spec.baseDN)])
  );
}

function expressionString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * The Group mapping a connector uses when no AttributeMapping for groups names it: cn from displayName (so a
 * rename renames the entry), the entry under the group container, and for POSIX styles a gidNumber from
 * spec.group.gidNumber.
 */
export function defaultGroupMapping(connector: LdapConnector): AttributeMapping {
  const { min, max } = connector.spec.group.gidNumber;
  return {
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'AttributeMapping',
    metadata: { name: `${connector.metadata.name}-default-groups` },
    spec: {
      connectorRef: { name: connector.metadata.name },
      object: 'Group',
      mappings: [
        {
          target: '-dn-',
          expression: `Join("", "cn=", [displayName], ",", ${expressionString(groupContainer(connector))})`,
          apply: 'OnCreate',
        },
        { target: 'cn', source: 'displayName', match: 1, apply: 'Always' },
        // groupOfNames alone is not a POSIX group: no gidNumber.
        ...(connector.spec.group.style === 'groupOfNames'
          ? []
          : [
              {
                target: 'gidNumber',
                allocate: { min: min ?? 10000, max: max ?? 60000 },
                apply: 'Always' as const,
              },
            ]),
      ],
    },
  };
}
