import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyCrds, createTestNamespace, testKubeConfig } from '../support/kube.ts';
import { createConnectorSecrets, spawnOperator, testConnector } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

// A leader asked to stop finishes the reconcile it is running, still holding the lease, then releases the
// lease and exits on its own (every informer and timer stopped).
describe('operator stop', () => {
  let kc: KubeConfig;
  let namespace: string;
  // A directory that accepts connections and never answers: a reconcile that binds to it waits.
  const held = new Set<Socket>();
  const silent = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });

  beforeAll(async () => {
    kc = testKubeConfig();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'stop');
    await createConnectorSecrets(kc, namespace, 'secret');
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    for (const socket of held) socket.destroy();
    silent.close();
  });

  it('finishes the reconcile in flight before it releases the lease, then exits 0', async () => {
    const lease = () =>
      kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'scim-ldap-operator', namespace })
        .then((l) => l.spec);
    const operator = await spawnOperator(inject('kubeconfig'), [
      '--namespace',
      namespace,
      '--lease-namespace',
      namespace,
      '--image',
      'x',
    ]);
    const exited = once(operator.process, 'exit');
    try {
      await expect
        .poll(
          () =>
            lease().then(
              (s) => s?.holderIdentity,
              () => undefined,
            ),
          { timeout: 30_000 },
        )
        .toMatch(new RegExp(`-${operator.process.pid}$`));
      const leader = (await lease())?.holderIdentity;
      const port = (silent.address() as { port: number }).port;
      const connected = once(silent, 'connection');
      await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        ...GROUP,
        plural: 'ldapconnectors',
        namespace,
        body: testConnector('slow', { server: { host: '127.0.0.1', port, security: 'None' } }),
      });
      await connected;
      operator.process.kill('SIGTERM');
      // The reconcile waits on the directory: the leader keeps, and renews, its lease meanwhile.
      await sleep(3000);
      const during = await lease();
      expect(during?.holderIdentity).toBe(leader);
      // Renewed every 2 s; a released lease has no holder.
      expect(Date.now() - new Date(String(during?.renewTime)).getTime()).toBeLessThan(8000);
      expect(operator.process.exitCode).toBeNull();
      // The directory hangs up: the reconcile ends, writing the connector's status, and only then is the
      // lease released.
      for (const socket of held) socket.destroy();
      const [code] = await Promise.race([
        exited,
        sleep(30_000).then(() => {
          throw new Error('the operator did not exit within 30 s of its reconcile ending');
        }),
      ]);
      expect(code).toBe(0);
      expect((await lease())?.holderIdentity).toBeUndefined();
      const connector = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        ...GROUP,
        plural: 'ldapconnectors',
        namespace,
        name: 'slow',
      })) as { status?: { conditions?: { type: string; status: string }[] } };
      expect(connector.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'DirectoryReachable', status: 'False' }),
      );
    } finally {
      operator.process.kill('SIGKILL');
    }
  });
});
