import { type Dn, formatDn } from '../../core/ldap/dn.ts';
import { type Directory, DirectoryError } from './directory.ts';

const ALREADY_EXISTS = 68;

/** Where the listener keeps its own state in the directory: `ou=scim-ldap,<baseDN>`. */
export function stateContainer(baseDN: Dn): Dn {
  return [[{ type: 'ou', value: 'scim-ldap' }], ...baseDN];
}

/** Adds an entry unless it exists already (another listener may add it at the same moment). */
export async function addIfMissing(
  directory: Directory,
  dn: Dn,
  attributes: Record<string, string[]>,
): Promise<void> {
  try {
    await directory.add(formatDn(dn), attributes, ['1.1']);
  } catch (error) {
    if (!(error instanceof DirectoryError && error.code === ALREADY_EXISTS)) throw error;
  }
}

/** Creates the organizational units of `dn` below `baseDN` that are missing, top down. */
export async function ensureContainer(directory: Directory, dn: Dn, baseDN: Dn): Promise<void> {
  for (let depth = dn.length - baseDN.length - 1; depth >= 0; depth--) {
    const unit = dn.slice(depth);
    const ou = unit[0]?.[0]?.value ?? '';
    await addIfMissing(directory, unit, { objectClass: ['organizationalUnit'], ou: [ou] });
  }
}
