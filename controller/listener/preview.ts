import { connectors, mappingsFor } from '../config/load.ts';
import type { ScimLdapResource } from '../config/types.ts';
import { ConfigError } from '../config/validate.ts';
import { diffAttributes } from '../core/ldap/diff.ts';
import { formatDn } from '../core/ldap/dn.ts';
import type { LdapAttributes, LdapEntry } from '../core/ldap/entry.ts';
import { formatEntryLdif, formatModifyLdif } from '../core/ldap/ldif.ts';
import type { EvaluationContext } from '../core/mapping/expression/functions.ts';
import { compileMappingSet } from '../core/mapping/mapping-set.ts';
import { toLdap } from '../core/mapping/to-ldap.ts';

export interface PreviewInput {
  resources: readonly ScimLdapResource[];
  /** Which LdapConnector, when the files declare several. */
  connector?: string | undefined;
  user: unknown;
  /** The entry as the directory holds it: preview the update instead of the create. */
  existing?: LdapEntry | undefined;
  ctx: EvaluationContext;
}

// Passwords are written, never shown.
const SECRET_ATTRIBUTES = new Set(['userpassword']);

function pickConnector(resources: readonly ScimLdapResource[], name: string | undefined) {
  const all = connectors(resources);
  const chosen = name === undefined && all.length === 1 ? all[0] : all.find((c) => c.metadata.name === name);
  if (chosen) return chosen;
  const names = all.map((c) => c.metadata.name).join(', ') || 'none';
  const message =
    name === undefined
      ? `exactly one LdapConnector is needed (found: ${names}); choose with --connector`
      : `no LdapConnector named "${name}" (found: ${names})`;
  throw new ConfigError('InvalidSpec', 'preview', [{ path: '', message }]);
}

function withoutSecrets(attributes: LdapAttributes): { shown: LdapAttributes; hidden: string[] } {
  const shown: LdapAttributes = {};
  const hidden: string[] = [];
  for (const [name, values] of Object.entries(attributes)) {
    if (SECRET_ATTRIBUTES.has(name.toLowerCase())) hidden.push(name);
    else shown[name] = values;
  }
  return { shown, hidden };
}

/** The LDIF the listener would send for a SCIM user, without contacting any directory. */
export function renderPreview(input: PreviewInput): string {
  const connector = pickConnector(input.resources, input.connector);
  const set = compileMappingSet(connector, mappingsFor(input.resources, connector.metadata.name));
  const notes: string[] = [];
  if (input.existing) {
    const desired = toLdap(set, input.user, 'update', input.ctx);
    const { shown, hidden } = withoutSecrets(desired.attributes);
    const modifications = diffAttributes(shown, input.existing.attributes);
    for (const name of hidden) notes.push(`# ${name}: replaced (value not shown)`);
    if (desired.dn && formatDn(desired.dn).toLowerCase() !== input.existing.dn.toLowerCase()) {
      notes.push(`# the entry would be renamed to ${formatDn(desired.dn)}`);
    }
    const body = modifications.length
      ? formatModifyLdif(input.existing.dn, modifications)
      : `# no changes to ${input.existing.dn}\n`;
    return notes.length ? `${body}${notes.join('\n')}\n` : body;
  }
  const desired = toLdap(set, input.user, 'create', input.ctx);
  const { shown, hidden } = withoutSecrets(desired.attributes);
  for (const { target, candidates } of desired.unique) {
    shown[target] = candidates.slice(0, 1);
    notes.push(`# ${target}: the first of ${candidates.join(', ')} that the directory does not hold yet`);
  }
  for (const { target, min, max } of desired.allocate)
    notes.push(`# ${target}: allocated by the listener, unique in [${min}, ${max}]`);
  for (const name of hidden) notes.push(`# ${name}: set (value not shown)`);
  const body = formatEntryLdif(formatDn(desired.dn ?? []), shown);
  return notes.length ? `${body}${notes.join('\n')}\n` : body;
}
