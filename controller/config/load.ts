import { load, loadAll, YAMLException } from 'js-yaml';
import type { AttributeMapping, LdapConnector, ScimLdapResource } from './types.ts';
import { ConfigError, validateResource } from './validate.ts';

export interface SourceText {
  /** Where the text came from, for error messages (a file path). */
  name: string;
  text: string;
}

/** One YAML document of a source, with where it came from. */
export interface SourceDocument {
  doc: unknown;
  /** `file.yaml`, or `file.yaml (document 2)` when the file holds several. */
  where: string;
}

/** Splits sources into their YAML documents (empty ones skipped); broken YAML names the file, line and column. */
export function parseDocuments(sources: readonly SourceText[]): SourceDocument[] {
  const out: SourceDocument[] = [];
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
      out.push({ doc, where: documents.length > 1 ? `${source.name} (document ${index + 1})` : source.name });
    });
  }
  return out;
}

/** Validates a document as a scim-ldap.io resource; errors name the file and document first. */
export function validateDocument({ doc, where }: SourceDocument): ScimLdapResource {
  try {
    return validateResource(doc);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.code, `${where}: ${error.subject}`, error.problems);
  }
}

/** Parses YAML (several documents per text allowed) and validates every scim-ldap.io resource in it. */
export function loadResources(sources: readonly SourceText[]): ScimLdapResource[] {
  return parseDocuments(sources).map(validateDocument);
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

export function mappingsFor(
  resources: readonly ScimLdapResource[],
  connector: string,
  object: 'User' | 'Group' = 'User',
): AttributeMapping[] {
  return resources.filter(
    (r): r is AttributeMapping =>
      r.kind === 'AttributeMapping' && r.spec.connectorRef.name === connector && r.spec.object === object,
  );
}
