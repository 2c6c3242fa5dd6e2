import { load, loadAll, YAMLException } from 'js-yaml';
import { GROUP } from './schema.ts';
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
  /** The source's name: `file.yaml`. */
  file: string;
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
      out.push({
        doc,
        where: documents.length > 1 ? `${source.name} (document ${index + 1})` : source.name,
        file: source.name,
      });
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

/** The documents of a folder a command reads: ours, the Secrets, and what it skipped (`Kind/name` each). */
export interface SortedManifests {
  resources: SourceDocument[];
  secrets: SourceDocument[];
  skipped: string[];
}

const KUSTOMIZATION_FILE = /(^|[/\\])kustomization\.ya?ml$/;

/**
 * Sorts the documents of a folder applied as a whole (with Argo CD or kubectl): scim-ldap.io resources are read
 * and validated; v1 Secrets are read when the command uses them; every other Kubernetes kind (Namespace,
 * SealedSecret, ConfigMap, …) and Kustomize's kustomization.yaml are skipped. A document that names no
 * apiVersion or kind stays with ours, so that a broken connector is reported rather than skipped.
 */
export function sortManifests(docs: readonly SourceDocument[], use: { secrets: boolean }): SortedManifests {
  const sorted: SortedManifests = { resources: [], secrets: [], skipped: [] };
  for (const entry of docs) {
    const doc = (typeof entry.doc === 'object' && entry.doc !== null ? entry.doc : {}) as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown };
    };
    const { apiVersion, kind } = doc;
    const name = typeof doc.metadata?.name === 'string' ? `/${doc.metadata.name}` : '';
    if (apiVersion === 'v1' && kind === 'Secret') {
      if (use.secrets) sorted.secrets.push(entry);
      else sorted.skipped.push(`Secret${name}`);
    } else if (KUSTOMIZATION_FILE.test(entry.file)) {
      sorted.skipped.push(`${typeof kind === 'string' ? kind : 'Kustomization'}${name}`);
    } else if (
      typeof apiVersion === 'string' &&
      typeof kind === 'string' &&
      apiVersion.split('/')[0] !== GROUP
    ) {
      sorted.skipped.push(`${kind}${name}`);
    } else {
      sorted.resources.push(entry);
    }
  }
  return sorted;
}

/** The one line a command prints about the manifests it skipped, or nothing. */
export function skippedNote(command: string, skipped: readonly string[]): string {
  if (skipped.length === 0) return '';
  const count = skipped.length === 1 ? '1 manifest' : `${skipped.length} manifests`;
  return `scim-ldap ${command}: skipped ${count} this command does not use: ${skipped.join(', ')}\n`;
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
