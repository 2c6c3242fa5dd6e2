import type { Directory } from '../adapters/ldap/directory.ts';
import { readSubschema } from '../adapters/ldap/subschema.ts';
import { parseDn } from '../core/ldap/dn.ts';
import { type LdapEntry, valuesOf } from '../core/ldap/entry.ts';
import { mustAttributes } from '../core/ldap/schema.ts';

/**
 * What the directory requires of an entry (lower case): the MUSTs of its object classes, from the subschema read
 * once (again after a failed read; none while it cannot be read, and the directory's own refusal still stands),
 * and the attributes naming it.
 */
export function directoryRequirements(directory: Directory): (entry: LdapEntry) => Promise<Set<string>> {
  let objectClasses: Promise<string[]> | undefined;
  return async (entry) => {
    objectClasses ??= readSubschema(directory).then(
      (schema) => schema.objectClasses,
      () => {
        objectClasses = undefined;
        return [];
      },
    );
    const required = mustAttributes(valuesOf(entry.attributes, 'objectClass'), await objectClasses);
    for (const ava of parseDn(entry.dn)[0] ?? []) required.add(ava.type.toLowerCase());
    return required;
  };
}
