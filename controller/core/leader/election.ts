/** The fields of a Lease's spec that leader election reads; times as the API serialises them. */
export interface LeaseRecord {
  holderIdentity?: string | undefined;
  leaseDurationSeconds?: number | undefined;
  renewTime?: string | undefined;
  acquireTime?: string | undefined;
  leaseTransitions?: number | undefined;
}

/** What a candidate last saw of a lease, and when it first saw that version, by its own clock. */
export interface Observation {
  record: string;
  holder: string;
  durationMs: number;
  /** Local time (ms) at which this version of the record was first seen. */
  seenAt: number;
}

export const DEFAULT_LEASE_SECONDS = 15;

/**
 * Records a read of the lease. A record unchanged since the last read keeps the time it was first seen: the
 * holder's own times are never compared with our clock, so clock skew between replicas cannot make a live
 * lease look expired (or a dead one look alive).
 */
export function observe(previous: Observation | undefined, lease: LeaseRecord, now: number): Observation {
  const durationSeconds = lease.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS;
  const record = JSON.stringify([
    lease.holderIdentity ?? '',
    durationSeconds,
    lease.renewTime ?? '',
    lease.acquireTime ?? '',
    lease.leaseTransitions ?? 0,
  ]);
  if (previous?.record === record) return previous;
  return { record, holder: lease.holderIdentity ?? '', durationMs: durationSeconds * 1000, seenAt: now };
}

export type Decision = 'renew' | 'acquire' | 'wait';

/**
 * What a candidate does with the lease it observed: renew its own, take a released one or one whose record
 * has not changed for a whole lease duration by its own clock, or wait.
 */
export function decide(identity: string, observation: Observation, now: number): Decision {
  if (observation.holder === identity) return 'renew';
  if (observation.holder === '') return 'acquire';
  return now - observation.seenAt >= observation.durationMs ? 'acquire' : 'wait';
}

/** A leader stays leader until its renew deadline has passed since its last successful renewal. */
export function stillLeading(lastRenewedAt: number, now: number, renewDeadlineMs: number): boolean {
  return now - lastRenewedAt < renewDeadlineMs;
}
