import { describe, expect, it } from 'vitest';
import { rolloutPending } from './progress.ts';

const done = { generation: 2, observedGeneration: 2, desired: 2, replicas: 2, updated: 2, available: 2 };

describe('rolloutPending', () => {
  it.each([
    { rollout: { ...done, observedGeneration: 1 }, expected: /not observed yet/ },
    { rollout: { ...done, updated: 1 }, expected: /^1 of 2 listener replicas updated$/ },
    { rollout: { ...done, replicas: 4 }, expected: /^2 old listener replicas terminating$/ },
    { rollout: { ...done, available: 1 }, expected: /^1 of 2 listener replicas available$/ },
    { rollout: done, expected: null },
  ])('says what the rollout waits for: $expected', ({ rollout, expected }) => {
    const pending = rolloutPending(rollout);
    if (expected) expect(pending).toMatch(expected);
    else expect(pending).toBeNull();
  });
});
