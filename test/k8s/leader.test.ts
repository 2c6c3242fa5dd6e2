import type { ChildProcess } from 'node:child_process';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyCrds, createTestNamespace, testKubeConfig } from '../support/kube.ts';
import { spawnOperator, testConnector } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

// Two operator replicas: one leads and reconciles; when it leaves, the other takes over.
describe('operator leader election', () => {
  let kc: KubeConfig;
  let namespace: string;
  const replicas: { process: ChildProcess; health: number }[] = [];

  const holder = async () =>
    (
      await kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'scim-ldap-operator', namespace })
        .catch(() => undefined)
    )?.spec?.holderIdentity;
  const hasChildren = (name: string) =>
    kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: `${name}-scim`, namespace })
      .then(
        () => true,
        () => false,
      );

  beforeAll(async () => {
    kc = testKubeConfig();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'leader');
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await spawnOperator(inject('kubeconfig'), [
          '--namespace',
          namespace,
          '--lease-namespace',
          namespace,
          '--image',
          'x',
        ]),
      );
    }
  });
  afterAll(() => {
    for (const r of replicas) r.process.kill('SIGKILL');
  });

  it('elects one leader, which reconciles; the other stands by, ready', async () => {
    await expect.poll(holder, { timeout: 30_000 }).toMatch(/-\d+$/);
    const current = await holder();
    expect(replicas.filter((r) => current?.endsWith(`-${r.process.pid}`))).toHaveLength(1);
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: testConnector('first'),
    });
    await expect.poll(() => hasChildren('first'), { timeout: 30_000 }).toBe(true);
    // The standby may still be starting its health server on a loaded machine.
    const ready = (port: number) =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
    for (const r of replicas) await expect.poll(() => ready(r.health), { timeout: 30_000 }).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${replicas[0]?.health}/metrics`)).text()).toContain(
      'scim_ldap_operator_',
    );
  });

  it('hands over to the other replica when the leader stops', async () => {
    const leader = await holder();
    const leading = replicas.find((r) => leader?.endsWith(`-${r.process.pid}`));
    expect(leading).toBeDefined();
    leading?.process.kill('SIGTERM');
    await expect.poll(holder, { timeout: 30_000 }).not.toBe(leader);
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: testConnector('second'),
    });
    await expect.poll(() => hasChildren('second'), { timeout: 30_000 }).toBe(true);
  });
});
