import { load, loadAll, YAMLException } from 'js-yaml';
import type { AttributeMapping, LdapConnector, ScimLdapResource } from './types.ts';
import { ConfigError, validateResource } from './validate.ts';

export interface SourceText {
  /** Where the text came from, for error messages (a file path). */
  name: string;
  text: string;
}

/** Parses YAML (several documents per text allowed) and validates every scim-ldap.io resource in it. */
export function loadResources(sources: readonly SourceText[]): ScimLdapResource[] {
  const resources: ScimLdapResource[] = [];
  for (const source of sources) {
    let documents: unknown[];
    try {
      documents = loadAll(source.text);
    } catch (error) {
      if (!(error instanceof YAMLException)) throw error;
      const at = error.mark
        ? `line ${error.mark.line + 1}, column ${error.mark.column + 1}`
        : 'unknown position';
      throw new ConfigError('InvalidYaml', source.name, [{ path: '', message: `${error.reason} at ${at}` }]);
    }
    documents.forEach((doc, index) => {
      if (doc === null || doc === undefined) return;
      try {
        resources.push(validateResource(doc));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const where = documents.length > 1 ? `${source.name} (document ${index + 1})` : source.name;
        throw new ConfigError(error.code, `${where}: ${error.subject}`, error.problems);
      }
    });
  }
  return resources;
}

/** Parses a JSON or YAML document (a SCIM resource file, for instance). */
export function parseDocument(source: SourceText): unknown {
  try {
    return load(source.text);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    throw new ConfigError('InvalidYaml', source.name, [{ path: '', message: error.reason }]);
  }
}

export function connectors(resources: readonly ScimLdapResource[]): LdapConnector[] {
  return resources.filter((r): r is LdapConnector => r.kind === 'LdapConnector');
}

export function mappingsFor(resources: readonly ScimLdapResource[], connector: string): AttributeMapping[] {
  return resources.filter(
    (r): r is AttributeMapping =>
      r.kind === 'AttributeMapping' && r.spec.connectorRef.name === connector && r.spec.object === 'User',
  );
}
