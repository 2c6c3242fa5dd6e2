import { ConditionType, type Desired, Reason } from './conditions.ts';

/** A Deployment's spec generation and replica counts, as its controller reports them. */
export interface ListenerRollout {
  generation: number;
  observedGeneration: number;
  desired: number;
  /** All replicas, old ones still terminating included. */
  replicas: number;
  updated: number;
  available: number;
  /** The deployment controller gave up on the rollout (Progressing False, ProgressDeadlineExceeded). */
  deadlineExceeded?: boolean;
}

/** What the listener Deployment's rollout still waits for (the order kstatus checks a Deployment in), or null. */
export function rolloutPending(rollout: ListenerRollout): string | null {
  if (rollout.observedGeneration < rollout.generation)
    return 'the listener Deployment has a spec its controller has not observed yet';
  if (rollout.updated < rollout.desired)
    return `${rollout.updated} of ${rollout.desired} listener replicas updated`;
  if (rollout.replicas > rollout.desired)
    return `${rollout.replicas - rollout.desired} old listener replicas terminating`;
  if (rollout.available < rollout.desired)
    return `${rollout.available} of ${rollout.desired} listener replicas available`;
  return null;
}

/** Reasons only a change by the user clears: the operator retries the others (an unreachable directory). */
const STALLED_REASONS: ReadonlySet<string> = new Set([
  Reason.InvalidMapping,
  Reason.MissingSecret,
  Reason.BindFailed,
]);

/**
 * kstatus's Reconciling and Stalled, from the other conditions: Stalled when one fails for a reason the user must
 * fix (or a certificate the user supplied expired) or the listener's rollout passed its deadline, otherwise Reconciling while the listener rolls out or its
 * certificate is being issued. At most one of them is True.
 */
export function progressConditions(
  conditions: readonly Desired[],
  obs: {
    listenerAvailable: boolean;
    listenerRollout?: ListenerRollout | undefined;
    userSuppliedCertificate: boolean;
  },
): Desired[] {
  const failed = conditions.find(
    (d) =>
      d.status === 'False' &&
      (STALLED_REASONS.has(d.reason) || (d.reason === Reason.Expired && obs.userSuppliedCertificate)),
  );
  const stalled = failed
    ? { reason: failed.reason, message: `${failed.type}: ${failed.message}` }
    : obs.listenerRollout?.deadlineExceeded
      ? {
          reason: Reason.ProgressDeadlineExceeded,
          message: 'the listener Deployment made no progress within its deadline',
        }
      : null;
  const rollout = obs.listenerRollout
    ? rolloutPending(obs.listenerRollout)
    : obs.listenerAvailable
      ? null
      : 'the listener Deployment has no available replica yet';
  const certificate = conditions.find((d) => d.type === ConditionType.CertificateReady);
  const progress = stalled
    ? null
    : (rollout ?? (certificate?.status === 'True' ? null : 'the serving certificate is being issued'));
  return [
    stalled
      ? {
          type: ConditionType.Stalled,
          status: 'True',
          reason: stalled.reason,
          message: stalled.message,
        }
      : {
          type: ConditionType.Stalled,
          status: 'False',
          reason: Reason.NotStalled,
          message: 'nothing waits for a change by the user',
        },
    progress
      ? { type: ConditionType.Reconciling, status: 'True', reason: Reason.Progressing, message: progress }
      : {
          type: ConditionType.Reconciling,
          status: 'False',
          reason: Reason.Reconciled,
          message: stalled ? 'stalled: see Stalled' : 'the listener runs this generation',
        },
  ];
}
