import { EqualityFilter } from 'ldapts';
import { type Dn, formatDn } from '../../core/ldap/dn.ts';
import { ScimError } from '../../core/scim/errors.ts';
import { type Directory, DirectoryError } from './directory.ts';
import { addIfMissing, ensureContainer, stateContainer } from './state.ts';

const NO_SUCH_OBJECT = 32;

/**
 * Allocates unique POSIX numbers from a counter entry per attribute (`cn=uidNumber,ou=scim-ldap,<base>`),
 * incremented atomically by the directory (RFC 4525 with RFC 4527 post-read): safe with several listeners at
 * once. A number already held by an entry is skipped, and no number is ever handed out twice.
 */
export function createAllocator(directory: Directory, baseDN: Dn) {
  const container = stateContainer(baseDN);
  const base = formatDn(baseDN);

  async function ensureCounter(attribute: string, min: number): Promise<void> {
    await ensureContainer(directory, container, baseDN);
    await addIfMissing(directory, [[{ type: 'cn', value: attribute }], ...container], {
      objectClass: ['organizationalRole', 'extensibleObject'],
      cn: [attribute],
      [attribute]: [String(min - 1)],
    });
  }

  async function inUse(attribute: string, value: number, counterDn: string): Promise<boolean> {
    const holders = await directory.search(base, {
      filter: new EqualityFilter({ attribute, value: String(value) }),
      attributes: ['1.1'],
    });
    return holders.some((entry) => entry.dn.toLowerCase() !== counterDn.toLowerCase());
  }

  return async function allocate(attribute: string, min: number, max: number): Promise<number> {
    const counterDn = formatDn([[{ type: 'cn', value: attribute }], ...container]);
    for (;;) {
      let next: number;
      try {
        next = await directory.increment(counterDn, attribute);
      } catch (error) {
        if (error instanceof DirectoryError && error.code === NO_SUCH_OBJECT) {
          await ensureCounter(attribute, min);
          continue;
        }
        throw error;
      }
      if (next < min) {
        // The range moved up since the counter was created: jump to it (never down).
        await directory
          .modify(counterDn, [{ operation: 'replace', attribute, values: [String(min - 1)] }])
          .catch(() => undefined);
        continue;
      }
      if (next > max) {
        throw new ScimError({ status: 500 }, `${attribute}: the range [${min}, ${max}] is exhausted`);
      }
      if (!(await inUse(attribute, next, counterDn))) return next;
    }
  };
}

export type Allocate = ReturnType<typeof createAllocator>;
