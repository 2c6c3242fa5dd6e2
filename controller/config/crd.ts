import { dump } from 'js-yaml';
import {
  attributeMappingSpec,
  attributeMappingStatus,
  GROUP,
  ldapConnectorSpec,
  ldapConnectorStatus,
  VERSION,
} from './schema.ts';

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

interface Kind {
  kind: string;
  plural: string;
  shortName: string;
  description: string;
  spec: object;
  status: object;
  columns: PrinterColumn[];
}

const readyColumn = (name: string): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${name === 'VALID' ? 'Valid' : 'Ready'}")].status`,
});

const KINDS: Kind[] = [
  {
    kind: 'LdapConnector',
    plural: 'ldapconnectors',
    shortName: 'ldapc',
    description: 'An LDAP directory that Microsoft Entra ID provisions users into through a SCIM listener.',
    spec: ldapConnectorSpec,
    status: ldapConnectorStatus,
    columns: [
      readyColumn('READY'),
      { name: 'DIRECTORY', type: 'string', jsonPath: '.status.directory.state' },
      { name: 'USERS', type: 'integer', jsonPath: '.status.provisioning.users' },
      { name: 'LAST EXPORT', type: 'string', jsonPath: '.status.provisioning.lastExport' },
      // A string: date columns print <invalid> for times in the future.
      { name: 'CERT EXPIRES', type: 'string', jsonPath: '.status.certificate.notAfter' },
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  {
    kind: 'AttributeMapping',
    plural: 'attributemappings',
    shortName: 'attrmap',
    description:
      'How SCIM attributes map to LDAP attributes for one LdapConnector, in Entra expression syntax.',
    spec: attributeMappingSpec,
    status: attributeMappingStatus,
    columns: [
      { name: 'CONNECTOR', type: 'string', jsonPath: '.spec.connectorRef.name' },
      { name: 'OBJECT', type: 'string', jsonPath: '.spec.object' },
      { name: 'MAPPINGS', type: 'integer', jsonPath: '.status.mappings' },
      readyColumn('VALID'),
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
];

/** Kubernetes rejects `additionalProperties: false` in structural schemas; unknown fields are pruned instead. */
function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = key === 'default' || key === 'enum' ? value : structural(value);
  }
  return out;
}

function crd(kind: Kind): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.kind.toLowerCase(),
        shortNames: [kind.shortName],
        categories: ['scim-ldap'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.columns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: kind.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: structural(kind.spec),
                status: kind.status,
              },
            },
          },
        },
      ],
    },
  };
}

const HEADER = '# Generated from controller/config/schema.ts by `npm run gen`. Do not edit.\n';

/** Every generated file, by path relative to the repository root. */
export function crdFiles(): Record<string, string> {
  return Object.fromEntries(
    KINDS.map((kind) => [
      `crds/${GROUP}_${kind.plural}.yaml`,
      HEADER + dump(crd(kind), { lineWidth: -1, noRefs: true, sortKeys: false }),
    ]),
  );
}
