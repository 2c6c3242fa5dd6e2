import type { Directory } from '../adapters/ldap/directory.ts';
import { DirectoryError } from '../adapters/ldap/directory.ts';
import { addIfMissing, ensureContainer, stateContainer } from '../adapters/ldap/state.ts';
import { type Dn, formatDn } from '../core/ldap/dn.ts';

const NO_SUCH_OBJECT = 32;

/** Where the time of the last write to the directory is kept, for the operator's LAST EXPORT column. */
export function exportMarkDn(baseDN: Dn): Dn {
  return [[{ type: 'cn', value: 'last-export' }], ...stateContainer(baseDN)];
}

/**
 * Records in the directory when the listener last wrote to it: at once after a quiet spell, then at most once
 * per interval, so a burst of thousands of creates costs one extra write per interval.
 */
export function createExportMark(
  directory: Directory,
  baseDN: Dn,
  intervalMs = 30_000,
  onError: (error: unknown) => void = () => undefined,
) {
  const dn = exportMarkDn(baseDN);
  let lastWrite = 0;
  let pending: NodeJS.Timeout | undefined;

  async function write(): Promise<void> {
    pending = undefined;
    lastWrite = Date.now();
    const value = new Date(lastWrite).toISOString();
    try {
      await directory.modify(formatDn(dn), [
        { operation: 'replace', attribute: 'description', values: [value] },
      ]);
    } catch (error) {
      if (!(error instanceof DirectoryError && error.code === NO_SUCH_OBJECT)) return onError(error);
      // Creating the container can fail too (no write access there, a missing parent): reported, never thrown.
      try {
        await ensureContainer(directory, stateContainer(baseDN), baseDN);
        await addIfMissing(directory, dn, {
          objectClass: ['organizationalRole'],
          cn: ['last-export'],
          description: [value],
        });
      } catch (creation) {
        onError(creation);
      }
    }
  }

  // Runs after a request has been answered: nothing may escape it as an unhandled rejection.
  const run = () => {
    write().catch(onError);
  };

  return {
    touch(): void {
      if (pending) return;
      const wait = lastWrite + intervalMs - Date.now();
      if (wait <= 0) run();
      else pending = setTimeout(run, wait).unref();
    },
    stop(): void {
      clearTimeout(pending);
    },
  };
}
