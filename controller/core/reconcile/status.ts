import { type Condition, ConditionType, type Desired, Reason, setCondition } from './conditions.ts';
import { type ListenerRollout, progressConditions } from './progress.ts';

export interface CertificateInfo {
  notBefore: string;
  notAfter: string;
  /** Two thirds into the lifetime, as cert-manager renews. */
  renewalTime: string;
  dnsNames: string[];
  fingerprint: string;
}

/** What the Generic LDAP connector's wizard shows on its Global page, from the Root DSE. */
export interface DirectoryInfo {
  vendorName?: string | undefined;
  vendorVersion?: string | undefined;
  namingContexts: string[];
  supportedControls: string[];
  supportedSASLMechanisms: string[];
}

/** Users and groups in the directory, and when the listener last wrote to it. */
export interface Provisioned {
  users: number;
  groups: number;
  lastExport?: string;
}

export interface ConnectorStatus {
  observedGeneration: number;
  conditions: Condition[];
  directory?: DirectoryInfo & { state: string };
  certificate?: CertificateInfo;
  /** Users and groups in the directory, counted when it was last reachable. */
  provisioning?: Provisioned;
}

export interface Observations {
  generation: number;
  /** The first problem of the connector's mappings and Secrets, or null. */
  configProblem: {
    reason: typeof Reason.InvalidMapping | typeof Reason.MissingSecret;
    message: string;
  } | null;
  directory:
    | { ok: true; info: DirectoryInfo; provisioned: Provisioned }
    | { ok: false; reason: typeof Reason.BindFailed | typeof Reason.Unreachable; message: string };
  listenerAvailable: boolean;
  /** The listener Deployment's available and desired replicas, when it exists. */
  listenerReplicas?: { available: number; desired: number } | undefined;
  /** The listener Deployment's rollout; without it, the listener counts as rolled out once available. */
  listenerRollout?: ListenerRollout | undefined;
  certificate?: (CertificateInfo & { userSupplied: boolean }) | undefined;
  /** Set when this pass issued or renewed the generated certificate. */
  certificateRenewed?: boolean;
}

const EXPIRING_SOON_MS = 7 * 24 * 3600 * 1000;

export function renewalTime(notBefore: Date, notAfter: Date): Date {
  return new Date(notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
}

/** What to do with the generated certificate: issue one, renew it (past its renewal time), or keep it. */
export function certificateAction(
  certificate: CertificateInfo | undefined,
  now: Date,
): 'issue' | 'renew' | 'keep' {
  if (!certificate) return 'issue';
  return now.getTime() >= new Date(certificate.renewalTime).getTime() ? 'renew' : 'keep';
}

function certificateCondition(obs: Observations, now: Date): Desired {
  const type = ConditionType.CertificateReady;
  const certificate = obs.certificate;
  if (!certificate)
    return { type, status: 'False', reason: Reason.Renewing, message: 'no serving certificate yet' };
  const left = new Date(certificate.notAfter).getTime() - now.getTime();
  if (left <= 0)
    return {
      type,
      status: 'False',
      reason: Reason.Expired,
      message: `the certificate expired at ${certificate.notAfter}`,
    };
  if (certificate.userSupplied && left < EXPIRING_SOON_MS) {
    return {
      type,
      status: 'True',
      reason: Reason.ExpiringSoon,
      message: `the certificate expires at ${certificate.notAfter}; renew its Secret`,
    };
  }
  if (obs.certificateRenewed)
    return {
      type,
      status: 'True',
      reason: Reason.Issued,
      message: `issued; valid until ${certificate.notAfter}`,
    };
  return {
    type,
    status: 'True',
    reason: certificate.userSupplied ? Reason.UserSupplied : Reason.Issued,
    message: `valid until ${certificate.notAfter}`,
  };
}

/** The connector's status after one pass: pure, so it can be compared with the last one and written only if it changed. */
export function connectorStatus(
  previous: Partial<ConnectorStatus> | undefined,
  obs: Observations,
  now: Date,
): ConnectorStatus {
  const desired: Desired[] = [
    obs.configProblem
      ? { type: ConditionType.MappingValid, status: 'False', ...obs.configProblem }
      : {
          type: ConditionType.MappingValid,
          status: 'True',
          reason: Reason.Valid,
          message: 'every AttributeMapping loads',
        },
    obs.directory.ok
      ? {
          type: ConditionType.DirectoryReachable,
          status: 'True',
          reason: Reason.BindSucceeded,
          message: 'bound to the directory',
        }
      : {
          type: ConditionType.DirectoryReachable,
          status: 'False',
          reason: obs.directory.reason,
          message: obs.directory.message,
        },
    obs.listenerAvailable
      ? {
          type: ConditionType.ListenerAvailable,
          status: 'True',
          reason: Reason.Available,
          message: obs.listenerReplicas
            ? `${obs.listenerReplicas.available} of ${obs.listenerReplicas.desired} listener replicas available`
            : 'the listener Deployment is available',
        }
      : {
          type: ConditionType.ListenerAvailable,
          status: 'False',
          reason: Reason.Deploying,
          message: 'the listener Deployment has no available replica yet',
        },
    certificateCondition(obs, now),
  ];
  desired.push(
    ...progressConditions(desired, {
      listenerAvailable: obs.listenerAvailable,
      listenerRollout: obs.listenerRollout,
      userSuppliedCertificate: obs.certificate?.userSupplied ?? false,
    }),
  );
  const failing = desired
    .filter((d) => d.type !== ConditionType.Reconciling && d.type !== ConditionType.Stalled)
    .filter((d) => d.status !== 'True')
    .map((d) => d.type);
  desired.push(
    failing.length
      ? {
          type: ConditionType.Ready,
          status: 'False',
          reason: Reason.NotReady,
          message: `not ready: ${failing.join(', ')}`,
        }
      : {
          type: ConditionType.Ready,
          status: 'True',
          reason: Reason.Ready,
          message: 'the SCIM endpoint is serving',
        },
  );
  let conditions = previous?.conditions ?? [];
  for (const d of desired) conditions = setCondition(conditions, d, now, obs.generation);
  const status: ConnectorStatus = { observedGeneration: obs.generation, conditions };
  // The last known directory facts stay while it is unreachable; the state says why.
  const info = obs.directory.ok
    ? obs.directory.info
    : (previous?.directory ?? { namingContexts: [], supportedControls: [], supportedSASLMechanisms: [] });
  status.directory = { ...info, state: obs.directory.ok ? 'Reachable' : obs.directory.reason };
  const provisioning = obs.directory.ok ? obs.directory.provisioned : previous?.provisioning;
  if (provisioning) status.provisioning = provisioning;
  if (obs.certificate) {
    const { userSupplied: _, ...certificate } = obs.certificate;
    status.certificate = certificate;
  }
  return status;
}

/** A Kubernetes Event to record: something happened to the connector. */
export interface ConnectorEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Events for what changed between two statuses: the listener set up, a certificate issued, the directory lost or back. */
export function connectorEvents(
  previous: Partial<ConnectorStatus> | undefined,
  next: ConnectorStatus,
  certificateRenewed: boolean,
): ConnectorEvent[] {
  const was = (type: string) => previous?.conditions?.find((c) => c.type === type);
  const is = (type: string) => next.conditions.find((c) => c.type === type);
  const events: ConnectorEvent[] = [];
  if (!previous?.conditions?.length)
    events.push({
      type: 'Normal',
      reason: 'Created',
      message: 'created the listener ConfigMap, Deployment and Service',
    });
  if (certificateRenewed && next.certificate) {
    events.push({
      type: 'Normal',
      reason: previous?.certificate ? 'Renewed' : 'Issued',
      message: `serving certificate valid until ${next.certificate.notAfter}`,
    });
  }
  const directory = is('DirectoryReachable');
  const before = was('DirectoryReachable')?.status;
  if (directory?.status === 'False' && before !== 'False')
    events.push({ type: 'Warning', reason: 'DirectoryUnreachable', message: directory.message });
  if (directory?.status === 'True' && before === 'False')
    events.push({ type: 'Normal', reason: 'DirectoryReachable', message: directory.message });
  const mapping = is('MappingValid');
  if (mapping?.status === 'False' && was('MappingValid')?.status !== 'False')
    events.push({ type: 'Warning', reason: 'InvalidMapping', message: mapping.message });
  return events;
}
