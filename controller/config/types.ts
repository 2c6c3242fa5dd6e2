import type { FromSchema } from 'json-schema-to-ts';
import type { API_VERSION, attributeMappingSpec, ldapConnectorSpec } from './schema.ts';

/** Types derived from the one schema; defaults are filled in by validation, so defaulted fields are present. */
export type LdapConnectorSpec = FromSchema<typeof ldapConnectorSpec>;
export type AttributeMappingSpec = FromSchema<typeof attributeMappingSpec>;
export type MappingRule = AttributeMappingSpec['mappings'][number];

export interface ObjectMeta {
  name: string;
  namespace?: string;
  [key: string]: unknown;
}

export interface LdapConnector {
  apiVersion: typeof API_VERSION;
  kind: 'LdapConnector';
  metadata: ObjectMeta;
  spec: LdapConnectorSpec;
}

export interface AttributeMapping {
  apiVersion: typeof API_VERSION;
  kind: 'AttributeMapping';
  metadata: ObjectMeta;
  spec: AttributeMappingSpec;
}

export type ScimLdapResource = LdapConnector | AttributeMapping;
