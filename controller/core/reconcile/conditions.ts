/** A status condition in the standard Kubernetes shape (metav1.Condition). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/**
 * The condition types an LdapConnector (and an AttributeMapping: Valid, Ready, Stalled) reports; Ready
 * summarises the others. Reconciling and Stalled are
 * kstatus's (Flux, kubectl wait, cli-utils): True while the operator works towards the spec, and True when it
 * cannot get there without a change by the user.
 */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  MappingValid: 'MappingValid',
  DirectoryReachable: 'DirectoryReachable',
  ListenerAvailable: 'ListenerAvailable',
  CertificateReady: 'CertificateReady',
  /** An AttributeMapping's: it loads. */
  Valid: 'Valid',
} as const;

/** CamelCase reasons; messages stay stable (no timestamps), so conditions do not flap. */
export const Reason = {
  /** Every condition is True. */
  Ready: 'Ready',
  NotReady: 'NotReady',
  /** Reconciling: the listener is rolling out, or the serving certificate is being issued. */
  Progressing: 'Progressing',
  /** Reconciling False: the listener runs the current generation. */
  Reconciled: 'Reconciled',
  /** Stalled: the deployment controller gave up on the listener's rollout (an image that does not pull, ...). */
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  /** Stalled False. */
  NotStalled: 'NotStalled',
  NoConnector: 'NoConnector',
  Valid: 'Valid',
  InvalidMapping: 'InvalidMapping',
  MissingSecret: 'MissingSecret',
  BindSucceeded: 'BindSucceeded',
  BindFailed: 'BindFailed',
  Unreachable: 'Unreachable',
  Available: 'Available',
  Deploying: 'Deploying',
  Issued: 'Issued',
  Renewing: 'Renewing',
  ExpiringSoon: 'ExpiringSoon',
  Expired: 'Expired',
  UserSupplied: 'UserSupplied',
} as const;

export type Desired = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/**
 * Sets one condition: lastTransitionTime changes only when the status flips; observedGeneration is always the
 * generation just reconciled. Conditions keep a stable order (by type).
 */
export function setCondition(
  conditions: readonly Condition[],
  desired: Desired,
  now: Date,
  generation: number,
): Condition[] {
  const previous = conditions.find((c) => c.type === desired.type);
  const lastTransitionTime =
    previous && previous.status === desired.status ? previous.lastTransitionTime : now.toISOString();
  const next: Condition = { ...desired, lastTransitionTime, observedGeneration: generation };
  return [...conditions.filter((c) => c.type !== desired.type), next].sort((a, b) =>
    a.type.localeCompare(b.type),
  );
}
