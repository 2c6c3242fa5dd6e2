import type { DesiredEntry } from './to-ldap.ts';

/** Whether the directory already holds `value` in `attribute` (an LDAP search, injected by the listener). */
export type IsTaken = (attribute: string, value: string) => Promise<boolean>;

export class NoUniqueValueError extends Error {
  public readonly target: string;

  public constructor(target: string, candidates: readonly string[]) {
    super(`${target}: every SelectUniqueValue candidate is taken (${candidates.length} tried)`);
    this.name = 'NoUniqueValueError';
    this.target = target;
  }
}

/**
 * Resolves SelectUniqueValue results: each target gets the first candidate the directory does not hold yet,
 * checked in order, as Entra does. Throws NoUniqueValueError when every candidate is taken.
 */
export async function chooseUniqueValues(desired: DesiredEntry, isTaken: IsTaken): Promise<DesiredEntry> {
  const attributes = { ...desired.attributes };
  for (const { target, candidates } of desired.unique) {
    let chosen: string | undefined;
    for (const candidate of candidates) {
      if (!(await isTaken(target, candidate))) {
        chosen = candidate;
        break;
      }
    }
    if (chosen === undefined) throw new NoUniqueValueError(target, candidates);
    attributes[target] = [chosen];
  }
  return { ...desired, attributes, unique: [] };
}
