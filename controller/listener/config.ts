import type { DirectoryOptions } from '../adapters/ldap/directory.ts';
import {
  mappingsFor,
  parseDocuments,
  type SourceDocument,
  type SourceText,
  sortManifests,
  validateDocument,
} from '../config/load.ts';
import type { LdapConnector, ScimLdapResource } from '../config/types.ts';
import { ConfigError, type ConfigProblem } from '../config/validate.ts';
import { defaultGroupMapping } from '../core/mapping/group-defaults.ts';
import { compileMappingSet, type MappingSet } from '../core/mapping/mapping-set.ts';

/** Everything the listener needs for one connector, with its secrets resolved. */
export interface ConnectorConfig {
  name: string;
  set: MappingSet;
  /** Group mappings: the connector's Group AttributeMappings, or the default ones. */
  groups: MappingSet;
  directory: DirectoryOptions;
  token: string;
  /** The serving certificate from scim.tls.secretName, if one is named. */
  tls?: { cert: string; key: string };
  port: number;
}

type Secrets = Map<string, Record<string, string>>;
/** Secrets mounted as files (`<dir>/<secret>/<key>`, as the operator mounts them), by name. */
export type MountedSecrets = ReadonlyMap<string, Readonly<Record<string, string>>>;

const MIN_TOKEN_LENGTH = 12;

function secretsFrom(docs: readonly SourceDocument[]): Secrets {
  const secrets: Secrets = new Map();
  for (const entry of docs) {
    const doc = entry.doc as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown };
      data?: unknown;
      stringData?: unknown;
    };
    const name = doc.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      throw new ConfigError('InvalidSpec', `${entry.where}: Secret`, [
        { path: 'metadata.name', message: 'is required' },
      ]);
    }
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries((doc.data ?? {}) as Record<string, unknown>)) {
      values[key] = Buffer.from(String(value), 'base64').toString('utf8');
    }
    for (const [key, value] of Object.entries((doc.stringData ?? {}) as Record<string, unknown>))
      values[key] = String(value);
    secrets.set(name, values);
  }
  return secrets;
}

function secretReader(secrets: Secrets, problems: ConfigProblem[]) {
  return (path: string, ref: { name: string; key: string } | undefined): string | undefined => {
    if (!ref) return undefined;
    const value = secrets.get(ref.name)?.[ref.key];
    if (value === undefined) problems.push({ path, message: `Secret ${ref.name} has no key ${ref.key}` });
    return value;
  };
}

/** How to reach and bind to a connector's directory, with its Secrets resolved; problems name the field. */
export function directoryOptions(
  connector: LdapConnector,
  secrets: MountedSecrets,
  problems: ConfigProblem[] = [],
): DirectoryOptions {
  const { spec } = connector;
  const secret = secretReader(new Map(secrets) as Secrets, problems);
  const keyPair = (path: string, name: string) => ({
    cert: secret(path, { name, key: 'tls.crt' }) ?? '',
    key: secret(path, { name, key: 'tls.key' }) ?? '',
  });
  const bind: DirectoryOptions['bind'] =
    spec.bind.method === 'Simple'
      ? {
          method: 'Simple',
          dn: spec.bind.dn ?? '',
          password: secret('spec.bind.passwordSecretRef', spec.bind.passwordSecretRef) ?? '',
        }
      : { method: 'SaslExternal' };
  const scheme = spec.server.security === 'LDAPS' ? 'ldaps' : 'ldap';
  const host = spec.server.host.includes(':') ? `[${spec.server.host}]` : spec.server.host;
  return {
    url: `${scheme}://${host}:${spec.server.port}`,
    ca: secret('spec.server.caSecretRef', spec.server.caSecretRef),
    startTls: spec.server.security === 'StartTLS',
    clientCert: spec.bind.clientCertSecretRef
      ? keyPair('spec.bind.clientCertSecretRef', spec.bind.clientCertSecretRef.name)
      : undefined,
    bind,
    connectTimeoutMs: spec.server.connectTimeoutSeconds * 1000,
    operationTimeoutMs: 30_000,
  };
}

function resolveConnector(
  connector: LdapConnector,
  resources: readonly ScimLdapResource[],
  secrets: Secrets,
): ConnectorConfig {
  const problems: ConfigProblem[] = [];
  const { spec } = connector;
  const secret = secretReader(secrets, problems);
  const token = secret('spec.scim.tokenSecretRef', spec.scim.tokenSecretRef) ?? '';
  if (token && token.length < MIN_TOKEN_LENGTH) {
    problems.push({
      path: 'spec.scim.tokenSecretRef',
      message: `the token must have at least ${MIN_TOKEN_LENGTH} characters`,
    });
  }
  const directory = directoryOptions(connector, secrets, problems);
  const tlsName = spec.scim.tls.secretName;
  const tls = tlsName
    ? {
        cert: secret('spec.scim.tls.secretName', { name: tlsName, key: 'tls.crt' }) ?? '',
        key: secret('spec.scim.tls.secretName', { name: tlsName, key: 'tls.key' }) ?? '',
      }
    : undefined;
  let set: MappingSet | undefined;
  let groups: MappingSet | undefined;
  try {
    set = compileMappingSet(connector, mappingsFor(resources, connector.metadata.name));
    const groupMappings = mappingsFor(resources, connector.metadata.name, 'Group');
    groups = compileMappingSet(
      connector,
      groupMappings.length ? groupMappings : [defaultGroupMapping(connector)],
      'Group',
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (set && !set.dn) {
    problems.push({
      path: 'AttributeMapping',
      message: `no AttributeMapping for users references LdapConnector ${connector.metadata.name}`,
    });
  }
  if (problems.length || !set || !groups)
    throw new ConfigError('InvalidSpec', `LdapConnector/${connector.metadata.name}`, problems);
  return {
    name: connector.metadata.name,
    set,
    groups,
    token,
    port: spec.scim.port,
    ...(tls ? { tls } : {}),
    directory,
  };
}

/**
 * The listener's configuration from the same manifests a user would `kubectl apply`: LdapConnectors,
 * AttributeMappings and v1 Secrets (`data` or `stringData`), and which other manifests it skipped (other kinds
 * of the same folder: a Namespace, a SealedSecret, a kustomization.yaml). Every error names the file, document
 * and field.
 */
export function listenerManifests(
  sources: readonly SourceText[],
  mounted: MountedSecrets = new Map(),
): { configs: ConnectorConfig[]; skipped: string[] } {
  const sorted = sortManifests(parseDocuments(sources), { secrets: true });
  const secrets = secretsFrom(sorted.secrets);
  for (const [name, values] of mounted) secrets.set(name, { ...values, ...secrets.get(name) });
  const resources = sorted.resources.map(validateDocument);
  const connectors = resources.filter((r): r is LdapConnector => r.kind === 'LdapConnector');
  if (connectors.length === 0)
    throw new ConfigError('InvalidSpec', 'listener', [
      { path: '', message: 'no LdapConnector in the given files' },
    ]);
  return { configs: connectors.map((c) => resolveConnector(c, resources, secrets)), skipped: sorted.skipped };
}

/** The connectors alone: the operator checks a connector's configuration as a listener would load it. */
export function loadListenerConfig(
  sources: readonly SourceText[],
  mounted: MountedSecrets = new Map(),
): ConnectorConfig[] {
  return listenerManifests(sources, mounted).configs;
}
