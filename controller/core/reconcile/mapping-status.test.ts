import { describe, expect, it } from 'vitest';
import { type MappingObservations, mappingStatus } from './mapping-status.ts';

const now = new Date('2026-06-01T00:00:00Z');
const loads: MappingObservations = {
  name: 'users',
  generation: 4,
  connectorRef: 'contoso',
  connector: 'contoso',
  problem: null,
  mappings: 3,
};
const summary = (obs: MappingObservations) =>
  mappingStatus(undefined, obs, now).conditions.map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('mappingStatus', () => {
  it.each([
    {
      reason: 'a mapping that loads',
      obs: loads,
      expected: ['Ready=True/Ready', 'Stalled=False/NotStalled', 'Valid=True/Valid'],
    },
    {
      reason: 'a problem of its own',
      obs: { ...loads, problem: 'AttributeMapping/users spec.mappings[1].source: unknown function' },
      expected: ['Ready=False/InvalidMapping', 'Stalled=True/InvalidMapping', 'Valid=False/InvalidMapping'],
    },
    {
      reason: "another mapping's problem",
      obs: { ...loads, problem: 'AttributeMapping/groups spec.mappings[0].target: unknown attribute' },
      expected: ['Ready=True/Ready', 'Stalled=False/NotStalled', 'Valid=True/Valid'],
    },
    {
      reason: 'no connector yet (waited for)',
      obs: { ...loads, connector: undefined },
      expected: ['Ready=False/NoConnector', 'Stalled=False/NotStalled', 'Valid=False/NoConnector'],
    },
  ])('reports $reason', ({ obs, expected }) => {
    expect(summary(obs)).toEqual(expected);
  });

  it('names its own problem and the generation on every condition', () => {
    const status = mappingStatus(
      undefined,
      { ...loads, problem: 'AttributeMapping/users spec.mappings[1].source: x\nAttributeMapping/groups y' },
      now,
    );
    expect(status).toMatchObject({ observedGeneration: 4, connector: 'contoso', mappings: 3 });
    expect(status.conditions.find((c) => c.type === 'Stalled')?.message).toBe(
      'AttributeMapping/users spec.mappings[1].source: x',
    );
    expect(status.conditions.every((c) => c.observedGeneration === 4)).toBe(true);
    expect(mappingStatus(undefined, { ...loads, connector: undefined }, now).connector).toBeUndefined();
  });
});
