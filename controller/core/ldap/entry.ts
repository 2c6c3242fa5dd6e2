/** LDAP attributes as plain data: name → values (strings). */
export type LdapAttributes = Record<string, string[]>;

export interface LdapEntry {
  dn: string;
  attributes: LdapAttributes;
}

/** The values of an attribute, its name matched case-insensitively. */
export function valuesOf(attributes: LdapAttributes, name: string): string[] {
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(attributes)) if (key.toLowerCase() === lower) return values;
  return [];
}
