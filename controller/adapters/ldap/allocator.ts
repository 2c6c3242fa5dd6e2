import { EqualityFilter } from 'ldapts';
import { type Dn, formatDn, isWithin, parseDn } from '../../core/ldap/dn.ts';
import { ScimError } from '../../core/scim/errors.ts';
import { type Directory, DirectoryError } from './directory.ts';
import { addIfMissing, ensureContainer, stateContainer } from './state.ts';

const NO_SUCH_OBJECT = 32;

/**
 * Allocates unique POSIX numbers from a counter entry per attribute and range
 * (`cn=uidNumber 10000-60000,ou=scim-ldap,<base>`): users' private gidNumbers and groups' gidNumbers may come
 * from different ranges of one attribute, and neither must push the other's counter out of range. Counters are
 * incremented atomically by the directory (RFC 4525 with RFC 4527 post-read): safe with several listeners at
 * once. A number already held by an entry is skipped, and no number is ever handed out twice.
 */
export function createAllocator(
  directory: Directory,
  baseDN: Dn,
  /** After each allocation (or refusal): how many numbers of the range are still above the counter. */
  onRemaining: (attribute: string, min: number, max: number, remaining: number) => void = () => undefined,
) {
  const container = stateContainer(baseDN);
  const base = formatDn(baseDN);

  const counterName = (attribute: string, min: number, max: number) => `${attribute} ${min}-${max}`;

  async function ensureCounter(attribute: string, min: number, max: number): Promise<void> {
    await ensureContainer(directory, container, baseDN);
    const cn = counterName(attribute, min, max);
    await addIfMissing(directory, [[{ type: 'cn', value: cn }], ...container], {
      objectClass: ['organizationalRole', 'extensibleObject'],
      cn: [cn],
      [attribute]: [String(min - 1)],
    });
  }

  /** Held by a directory entry; the counters themselves (which hold numbers too) do not count. */
  async function inUse(attribute: string, value: number): Promise<boolean> {
    const holders = await directory.search(base, {
      filter: new EqualityFilter({ attribute, value: String(value) }),
      attributes: ['1.1'],
    });
    return holders.some((entry) => !isWithin(parseDn(entry.dn), container));
  }

  return async function allocate(attribute: string, min: number, max: number): Promise<number> {
    const counterDn = formatDn([[{ type: 'cn', value: counterName(attribute, min, max) }], ...container]);
    for (;;) {
      let next: number;
      try {
        next = await directory.increment(counterDn, attribute);
      } catch (error) {
        if (error instanceof DirectoryError && error.code === NO_SUCH_OBJECT) {
          await ensureCounter(attribute, min, max);
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
        onRemaining(attribute, min, max, 0);
        throw new ScimError({ status: 500 }, `${attribute}: the range [${min}, ${max}] is exhausted`);
      }
      if (!(await inUse(attribute, next))) {
        onRemaining(attribute, min, max, max - next);
        return next;
      }
    }
  };
}

export type Allocate = ReturnType<typeof createAllocator>;
