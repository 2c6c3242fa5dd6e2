import { describe, expect, it } from 'vitest';
import { decide, type LeaseRecord, observe, stillLeading } from './election.ts';

const held: LeaseRecord = {
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  renewTime: '2026-12-01T10:00:00.000000Z',
  acquireTime: '2026-12-01T09:00:00.000000Z',
  leaseTransitions: 3,
};

describe('observe', () => {
  it.each([
    { reason: 'a first read is seen now', previous: undefined, lease: held, seenAt: 5_000 },
    {
      reason: 'an unchanged record keeps the time it was first seen',
      previous: observe(undefined, held, 1_000),
      lease: { ...held },
      seenAt: 1_000,
    },
    {
      reason: 'a renewal is a change, seen now',
      previous: observe(undefined, held, 1_000),
      lease: { ...held, renewTime: '2026-12-01T10:00:02.000000Z' },
      seenAt: 5_000,
    },
    {
      reason: 'a new holder is a change, seen now',
      previous: observe(undefined, held, 1_000),
      lease: { ...held, holderIdentity: 'third' },
      seenAt: 5_000,
    },
    {
      reason: 'a release is a change, seen now',
      previous: observe(undefined, held, 1_000),
      lease: { ...held, holderIdentity: undefined },
      seenAt: 5_000,
    },
  ])('$reason', ({ previous, lease, seenAt }) => {
    expect(observe(previous, lease, 5_000).seenAt).toBe(seenAt);
  });

  it('takes the lease duration from the record, 15 s when it names none', () => {
    expect(observe(undefined, { ...held, leaseDurationSeconds: 4 }, 0).durationMs).toBe(4_000);
    expect(observe(undefined, { holderIdentity: 'other' }, 0).durationMs).toBe(15_000);
  });
});

describe('decide', () => {
  const seen = (lease: LeaseRecord, at: number) => observe(undefined, lease, at);
  it.each([
    { reason: 'its own lease is renewed', identity: 'other', lease: held, seenAt: 0, now: 1, want: 'renew' },
    {
      reason: 'a released lease is taken at once',
      identity: 'me',
      lease: { ...held, holderIdentity: '' },
      seenAt: 0,
      now: 0,
      want: 'acquire',
    },
    {
      reason: 'a lease nobody holds is taken at once',
      identity: 'me',
      lease: { leaseDurationSeconds: 15 },
      seenAt: 0,
      now: 0,
      want: 'acquire',
    },
    {
      reason: "another holder's lease is left alone while it changed within a lease duration",
      identity: 'me',
      lease: held,
      seenAt: 10_000,
      now: 24_999,
      want: 'wait',
    },
    {
      reason: "another holder's lease is taken once it has not changed for a lease duration",
      identity: 'me',
      lease: held,
      seenAt: 10_000,
      now: 25_000,
      want: 'acquire',
    },
    {
      reason: 'a renewTime far in the future (a skewed clock) does not hold the lease longer',
      identity: 'me',
      lease: { ...held, renewTime: '2099-01-01T00:00:00.000000Z' },
      seenAt: 10_000,
      now: 25_000,
      want: 'acquire',
    },
    {
      reason: 'a renewTime far in the past (a skewed clock) does not free the lease sooner',
      identity: 'me',
      lease: { ...held, renewTime: '2000-01-01T00:00:00.000000Z' },
      seenAt: 10_000,
      now: 10_001,
      want: 'wait',
    },
  ])('$reason', ({ identity, lease, seenAt, now, want }) => {
    expect(decide(identity, seen(lease, seenAt), now)).toBe(want);
  });
});

describe('stillLeading', () => {
  it.each([
    { reason: 'just renewed', last: 1_000, now: 1_000, want: true },
    { reason: 'a failed renewal within the renew deadline', last: 1_000, now: 10_999, want: true },
    { reason: 'no renewal for the renew deadline', last: 1_000, now: 11_000, want: false },
  ])('$reason: $want', ({ last, now, want }) => {
    expect(stillLeading(last, now, 10_000)).toBe(want);
  });
});
