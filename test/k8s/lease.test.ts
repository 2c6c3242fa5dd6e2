import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { electLeader, type LeaderElectionOptions } from '../../controller/adapters/k8s/lease.ts';
import { createTestNamespace, testKubeConfig } from '../support/kube.ts';

const LEASE = 'scim-ldap-operator';
// Short times, so that a test waits seconds: valid 2 s, renew deadline 1.5 s, a try every 0.2 s.
const TIMES = { leaseSeconds: 2, renewDeadlineSeconds: 1.5, retryPeriodSeconds: 0.2 };

/** A TCP proxy to the API server that the test can take down (refusing and cutting connections) and back up. */
async function apiServerProxy(
  upstream: URL,
): Promise<{ url: string; down(): void; up(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const remote = connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(remote).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    down() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    up() {
      refusing = false;
    },
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe('leader election on a Lease', () => {
  let kc: KubeConfig;
  let namespace: string;
  const electors: ReturnType<typeof electLeader>[] = [];
  const leases = () => kc.makeApiClient(CoordinationV1Api);
  const lease = () => leases().readNamespacedLease({ name: LEASE, namespace });

  /** An elector with the short times; `events` records what it was told. */
  function elector(identity: string, options: Partial<LeaderElectionOptions> = {}) {
    const events: string[] = [];
    const election = electLeader({
      kc,
      namespace,
      name: LEASE,
      identity,
      logger: pino({ level: 'silent' }),
      onStartedLeading: () => {
        events.push('started');
      },
      onStoppedLeading: () => {
        events.push('stopped');
      },
      ...TIMES,
      ...options,
    });
    electors.push(election);
    return { election, events };
  }

  beforeAll(async () => {
    kc = testKubeConfig();
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop();
  });
  afterAll(async () => {
    for (const e of electors) await e.stop();
  });

  // Each test gets its own namespace, so its own Lease.
  const fresh = async () => {
    namespace = await createTestNamespace(kc, 'lease');
  };

  it.each([
    { reason: 'a renewTime far in the future', renewTime: new V1MicroTime(Date.now() + 3600_000) },
    { reason: 'a renewTime far in the past', renewTime: new V1MicroTime(Date.now() - 3600_000) },
  ])(
    "takes another holder's lease with $reason only after a lease duration without change, by its own clock",
    async ({ renewTime }) => {
      await fresh();
      await leases().createNamespacedLease({
        namespace,
        body: {
          metadata: { name: LEASE, namespace },
          spec: { holderIdentity: 'other', leaseDurationSeconds: 2, renewTime, acquireTime: renewTime },
        },
      });
      const started = Date.now();
      const { election } = elector('candidate');
      await sleep(1200);
      expect(election.leading).toBe(false);
      expect((await lease()).spec?.holderIdentity).toBe('other');
      await expect.poll(() => election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect((await lease()).spec).toMatchObject({ holderIdentity: 'candidate', leaseTransitions: 1 });
    },
  );

  it('renews while the start-up work it was given is still running', async () => {
    await fresh();
    // A start-up that never ends (caches that never sync, say).
    const { election } = elector('slow-starter', {
      onStartedLeading: () => new Promise<void>(() => undefined),
    });
    await expect.poll(() => election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
    const first = String((await lease()).spec?.renewTime);
    await sleep(1000);
    const later = (await lease()).spec;
    expect(later?.holderIdentity).toBe('slow-starter');
    expect(String(later?.renewTime)).not.toBe(first);
    expect(election.leading).toBe(true);
  });

  it('keeps leading through an API server outage shorter than its renew deadline, and stops after a longer one', async () => {
    await fresh();
    const admin = testKubeConfig();
    const cluster = admin.getCurrentCluster();
    if (!cluster) throw new Error('the test kubeconfig has no cluster');
    const proxy = await apiServerProxy(new URL(cluster.server));
    try {
      const viaProxy = new KubeConfig();
      viaProxy.loadFromOptions({
        clusters: [{ ...cluster, server: proxy.url }],
        users: admin.users,
        contexts: admin.contexts,
        currentContext: admin.currentContext,
      });
      // A renew deadline of 4 s leaves a loaded machine time to renew once the API server is back.
      const { election, events } = elector('flaky', {
        kc: viaProxy,
        leaseSeconds: 6,
        renewDeadlineSeconds: 4,
      });
      await expect.poll(() => election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
      proxy.down();
      await sleep(1500); // several failed renewals, within the deadline
      proxy.up();
      await sleep(2000);
      expect(election.leading).toBe(true);
      expect(events).toEqual(['started']);
      const down = Date.now();
      proxy.down();
      await expect.poll(() => events, { timeout: 15_000, interval: 50 }).toEqual(['started', 'stopped']);
      expect(Date.now() - down).toBeGreaterThanOrEqual(2000);
      expect(election.leading).toBe(false);
    } finally {
      proxy.close();
    }
  });

  it('keeps leading through lease write conflicts within its renew deadline', async () => {
    await fresh();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const { election, events } = elector('contended', { logger, leaseSeconds: 6, renewDeadlineSeconds: 4 });
    await expect.poll(() => election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
    // Another writer (a label, say) updates the Lease without pause for 2 s: the leader's writes, which carry
    // the resourceVersion it read, meet conflicts.
    const until = Date.now() + 2000;
    for (let n = 0; Date.now() < until; n++) {
      const current = await lease();
      current.metadata = { ...current.metadata, labels: { touched: String(n) } };
      await leases()
        .replaceNamespacedLease({ name: LEASE, namespace, body: current })
        .catch(() => undefined);
    }
    expect(lines.filter((line) => line.includes('written by someone else first')).length).toBeGreaterThan(0);
    expect(election.leading).toBe(true);
    const renewed = String((await lease()).spec?.renewTime);
    await expect
      .poll(async () => String((await lease()).spec?.renewTime), { timeout: 5_000 })
      .not.toBe(renewed);
    expect(events).toEqual(['started']);
  });

  it('releases the lease on stop, so that the next candidate takes it without waiting', async () => {
    await fresh();
    const first = elector('first', { leaseSeconds: 30 });
    await expect.poll(() => first.election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
    const second = elector('second', { leaseSeconds: 30 });
    await sleep(500);
    expect(second.election.leading).toBe(false);
    const stopped = Date.now();
    await first.election.stop();
    expect((await lease()).spec?.holderIdentity).toBeUndefined();
    await expect.poll(() => second.election.leading, { timeout: 10_000, interval: 50 }).toBe(true);
    expect(Date.now() - stopped).toBeLessThan(5_000);
  });
});
