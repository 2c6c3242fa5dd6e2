import { describe, expect, it } from 'vitest';
import { type Condition, setCondition } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T01:00:00Z');

describe('setCondition', () => {
  const ready: Condition = {
    type: 'Ready',
    status: 'True',
    reason: 'Ready',
    message: 'ok',
    lastTransitionTime: t0.toISOString(),
    observedGeneration: 1,
  };

  it.each([
    {
      reason: 'keeps the transition time when only the message changes',
      desired: { type: 'Ready', status: 'True' as const, reason: 'Ready', message: 'still ok' },
      time: t0.toISOString(),
    },
    {
      reason: 'moves the transition time when the status flips',
      desired: { type: 'Ready', status: 'False' as const, reason: 'NotReady', message: 'down' },
      time: t1.toISOString(),
    },
  ])('$reason', ({ desired, time }) => {
    const [next] = setCondition([ready], desired, t1, 2);
    expect(next).toEqual({ ...desired, lastTransitionTime: time, observedGeneration: 2 });
  });

  it('adds new types in a stable order', () => {
    const conditions = setCondition(
      [ready],
      { type: 'DirectoryReachable', status: 'True', reason: 'BindSucceeded', message: '' },
      t1,
      1,
    );
    expect(conditions.map((c) => c.type)).toEqual(['DirectoryReachable', 'Ready']);
  });
});
