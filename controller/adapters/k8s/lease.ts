import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
  V1MicroTime,
} from '@kubernetes/client-node';
import {
  DEFAULT_LEASE_SECONDS,
  decide,
  type LeaseRecord,
  type Observation,
  observe,
  stillLeading,
} from '../../core/leader/election.ts';
import type { Logger } from '../../log.ts';

export interface LeaderElectionOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is valid without renewal (15 s, as client-go). */
  leaseSeconds?: number;
  /** A leader that has not renewed for this long stops leading (10 s). */
  renewDeadlineSeconds?: number;
  /** How often the leader renews and a candidate tries (2 s). */
  retryPeriodSeconds?: number;
  logger: Logger;
  /** Called once on winning the lease; renewals go on while it runs. */
  onStartedLeading: () => void | Promise<void>;
  /** Called once on losing the lease (or when onStartedLeading fails); the elector is done then. */
  onStoppedLeading: () => void;
}

/** The record the API returned, with its times as the strings it serialised them to. */
function recordOf(spec: V1LeaseSpec | undefined): LeaseRecord {
  // Reads give the times as strings (typed Date); written ones are V1MicroTime.
  const time = (t: Date | string | undefined) =>
    t === undefined ? undefined : typeof t === 'string' ? t : t.toISOString();
  return {
    holderIdentity: spec?.holderIdentity,
    leaseDurationSeconds: spec?.leaseDurationSeconds,
    renewTime: time(spec?.renewTime),
    acquireTime: time(spec?.acquireTime),
    leaseTransitions: spec?.leaseTransitions,
  };
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it. Expiry is judged by this replica's
 * clock: a lease whose record has not changed for its duration since this replica first saw it may be taken.
 * The leader renews every retry period on its own timer, keeps leading through failed renewals until its
 * renew deadline, and on stop() releases the lease (an empty holder) so that the next candidate takes it at
 * once. Writes carry the resourceVersion read, so two candidates never both win.
 */
export function electLeader(options: LeaderElectionOptions) {
  const api = options.kc.makeApiClient(CoordinationV1Api);
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const renewDeadlineMs = (options.renewDeadlineSeconds ?? 10) * 1000;
  const retryMs = (options.retryPeriodSeconds ?? 2) * 1000;
  const { namespace, name, identity, logger } = options;
  let leading = false;
  let stopped = false;
  let lastRenewedAt = 0;
  let observation: Observation | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;

  const spec = (lease?: V1Lease): V1LeaseSpec => {
    const holding = lease?.spec?.holderIdentity === identity;
    return {
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      renewTime: new V1MicroTime(),
      acquireTime: (holding ? lease?.spec?.acquireTime : undefined) ?? new V1MicroTime(),
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (holding ? 0 : 1),
    };
  };

  async function read(): Promise<V1Lease | undefined> {
    try {
      return await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /** One read and, when ours to take or renew, one write; true when this replica holds the lease after it. */
  async function acquireOrRenew(): Promise<boolean> {
    const lease = await read();
    if (!lease) {
      const created = await api.createNamespacedLease({
        namespace,
        body: { metadata: { name, namespace }, spec: spec() },
      });
      observation = observe(observation, recordOf(created.spec), Date.now());
      return true;
    }
    observation = observe(observation, recordOf(lease.spec), Date.now());
    if (decide(identity, observation, Date.now()) === 'wait') return false;
    const written = await api.replaceNamespacedLease({
      name,
      namespace,
      body: { ...lease, spec: spec(lease) },
    });
    observation = observe(observation, recordOf(written.spec), Date.now());
    return true;
  }

  function lose(why: string): void {
    if (!leading) return;
    leading = false;
    stopped = true;
    clearTimeout(timer);
    logger.warn({ identity, why }, 'lost leadership');
    options.onStoppedLeading();
  }

  function start(): void {
    leading = true;
    logger.info({ identity }, 'became leader');
    // Not awaited: start-up work (cache sync, first reconciles) must not hold up the renewals.
    void (async () => {
      try {
        await options.onStartedLeading();
      } catch (error) {
        logger.error({ err: { message: (error as Error).message } }, 'starting as leader failed');
        lose('start failed');
      }
    })();
  }

  async function tryOnce(): Promise<void> {
    try {
      const holds = await acquireOrRenew();
      if (stopped) return;
      if (holds) {
        lastRenewedAt = Date.now();
        if (!leading) start();
      } else if (leading) {
        lose(`the lease is held by ${observation?.holder}`);
      }
    } catch (error) {
      // A conflict means another writer came first; like an unreachable API server, it is retried, and a
      // leader keeps leading until its renew deadline.
      if (error instanceof ApiException && error.code === 409)
        logger.debug({ identity }, 'leader election: lease written by someone else first; retrying');
      else logger.warn({ err: { message: (error as Error).message } }, 'leader election: lease not renewed');
    }
  }

  function tick(): void {
    if (stopped) return;
    // One request at a time; a hung one is given up after the renew deadline so that the next can go.
    if (!attempt) {
      let giveUp: NodeJS.Timeout | undefined;
      attempt = Promise.race([
        tryOnce(),
        new Promise<void>((resolve) => {
          giveUp = setTimeout(resolve, renewDeadlineMs).unref();
        }),
      ]).finally(() => {
        clearTimeout(giveUp);
        attempt = undefined;
      });
    }
    if (leading && !stillLeading(lastRenewedAt, Date.now(), renewDeadlineMs))
      lose(`not renewed for ${renewDeadlineMs / 1000} s`);
    if (!stopped) timer = setTimeout(tick, retryMs);
  }

  tick();
  return {
    get leading(): boolean {
      return leading;
    },
    /** Stops trying; a leader releases the lease. Call it after the leader's work has stopped. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      // Also when a write that won the lease was still in flight as stop() began.
      leading = false;
      try {
        const lease = await read();
        if (lease?.spec?.holderIdentity === identity) {
          const { holderIdentity: _released, ...rest } = lease.spec;
          await api.replaceNamespacedLease({
            name,
            namespace,
            body: { ...lease, spec: { ...rest, leaseDurationSeconds: 1, renewTime: new V1MicroTime() } },
          });
          logger.info({ identity }, 'released the lease');
        }
      } catch {
        // Leaving without a release only delays the next leader by one lease duration.
      }
    },
  };
}
