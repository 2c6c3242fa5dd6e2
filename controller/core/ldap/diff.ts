import { type LdapAttributes, valuesOf } from './entry.ts';

/** One LDAP modification, as plain data (the LDAP adapter turns it into an ldapts Change). */
export interface Modification {
  operation: 'add' | 'delete' | 'replace';
  attribute: string;
  values: string[];
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((v) => set.has(v));
}

/**
 * The modifications that turn `current` into `desired`. Only attributes named in `desired` are touched; an empty
 * list there deletes the attribute. Attribute names compare case-insensitively.
 */
export function diffAttributes(desired: LdapAttributes, current: LdapAttributes): Modification[] {
  const modifications: Modification[] = [];
  for (const [attribute, values] of Object.entries(desired)) {
    const existing = valuesOf(current, attribute);
    if (values.length === 0) {
      if (existing.length) modifications.push({ operation: 'delete', attribute, values: [] });
    } else if (!sameValues(values, existing)) {
      modifications.push({ operation: 'replace', attribute, values });
    }
  }
  return modifications;
}

/** Attribute names a set of modifications touches: safe to log, unlike the values. */
export function changedAttributeNames(modifications: readonly Modification[]): string[] {
  return [...new Set(modifications.map((m) => m.attribute))].sort();
}

/** The attributes an entry holds after the modifications: for checking a plan before it is written. */
export function applyModifications(
  attributes: LdapAttributes,
  modifications: readonly Modification[],
): LdapAttributes {
  const out: LdapAttributes = {};
  for (const [name, values] of Object.entries(attributes)) out[name] = [...values];
  const keyOf = (attribute: string) =>
    Object.keys(out).find((k) => k.toLowerCase() === attribute.toLowerCase()) ?? attribute;
  for (const { operation, attribute, values } of modifications) {
    const key = keyOf(attribute);
    const existing = out[key] ?? [];
    if (operation === 'replace') out[key] = [...values];
    else if (operation === 'add') out[key] = [...existing, ...values.filter((v) => !existing.includes(v))];
    else out[key] = values.length === 0 ? [] : existing.filter((v) => !values.includes(v));
    if ((out[key] ?? []).length === 0) delete out[key];
  }
  return out;
}
