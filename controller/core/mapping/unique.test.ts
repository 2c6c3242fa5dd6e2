import { describe, expect, it } from 'vitest';
import type { DesiredEntry } from './to-ldap.ts';
import { chooseUniqueValues, NoUniqueValueError } from './unique.ts';

const desired = (candidates: string[]): DesiredEntry => ({
  attributes: { cn: ['x'] },
  allocate: [],
  unique: [{ target: 'mail', candidates }],
});

describe('chooseUniqueValues', () => {
  it.each([
    { reason: 'the first candidate when it is free', taken: [], expected: 'a@x' },
    { reason: 'the next free candidate, in order', taken: ['a@x', 'b@x'], expected: 'c@x' },
  ])('picks $reason', async ({ taken, expected }) => {
    const asked: string[] = [];
    const result = await chooseUniqueValues(desired(['a@x', 'b@x', 'c@x']), async (_attribute, value) => {
      asked.push(value);
      return taken.includes(value);
    });
    expect(result.attributes).toEqual({ cn: ['x'], mail: [expected] });
    expect(result.unique).toEqual([]);
    expect(asked).toEqual([...taken, expected]);
  });

  it('fails, naming the target, when every candidate is taken', async () => {
    await expect(chooseUniqueValues(desired(['a@x']), async () => true)).rejects.toBeInstanceOf(
      NoUniqueValueError,
    );
  });
});
