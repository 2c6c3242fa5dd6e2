import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from '../../log.ts';

export interface LeaderElectionOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is valid without renewal. */
  leaseSeconds?: number;
  logger: Logger;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void;
}

function expired(lease: V1Lease, now: Date): boolean {
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  return renewed + (lease.spec?.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews the lease every
 * third of its duration; anyone may take it over once it expired. Writes carry the resourceVersion read, so two
 * candidates never both win.
 */
export function electLeader(options: LeaderElectionOptions) {
  const api = options.kc.makeApiClient(CoordinationV1Api);
  const seconds = options.leaseSeconds ?? 15;
  const { namespace, name, identity, logger } = options;
  let leading = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const spec = (lease?: V1Lease) => {
    const holding = lease?.spec?.holderIdentity === identity;
    return {
      holderIdentity: identity,
      leaseDurationSeconds: seconds,
      renewTime: new V1MicroTime(),
      acquireTime: (holding ? lease?.spec?.acquireTime : undefined) ?? new V1MicroTime(),
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (holding ? 0 : 1),
    };
  };

  async function tryAcquireOrRenew(): Promise<boolean> {
    let lease: V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
    if (!lease) {
      await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: spec() } });
      return true;
    }
    if (lease.spec?.holderIdentity !== identity && !expired(lease, new Date())) return false;
    await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec(lease) } });
    return true;
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    let won = false;
    try {
      won = await tryAcquireOrRenew();
    } catch (error) {
      // A conflict means another candidate wrote first; anything else counts as not (or no longer) leading.
      if (!(error instanceof ApiException && error.code === 409))
        logger.warn({ err: { message: (error as Error).message } }, 'leader election failed');
    }
    if (won && !leading) {
      leading = true;
      logger.info({ identity }, 'became leader');
      await options.onStartedLeading();
    } else if (!won && leading) {
      leading = false;
      logger.warn({ identity }, 'lost leadership');
      options.onStoppedLeading();
    }
    if (!stopped) timer = setTimeout(() => void loop(), (seconds * 1000) / 3);
  }

  void loop();
  return {
    get leading(): boolean {
      return leading;
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      if (!leading) return;
      leading = false;
      // Hand over at once: an expired lease lets the next candidate take it without waiting.
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity === identity) {
          await api.replaceNamespacedLease({
            name,
            namespace,
            body: { ...lease, spec: { ...lease.spec, renewTime: new V1MicroTime(0) } },
          });
        }
      } catch {
        // Leaving without a handover only delays the next leader by one lease duration.
      }
    },
  };
}
