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
