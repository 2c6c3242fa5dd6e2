import { type ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/controlplane.ts';
import { createConnectorSecrets, directorySpec, spawnOperator, testConnector } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const run = promisify(execFile);
const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

interface Condition {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}

// Its own control plane, since these tests restart the API server, and crash it with etcd, under a running
// operator.
describe('operator across API server restarts and an etcd crash', () => {
  let plane: ControlPlane;
  let kc: KubeConfig;
  let operator: ChildProcess;
  let slapd: Slapd;
  const namespace = 'default';

  const reconciled = (name: string) =>
    kc
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ name: `${name}-scim`, namespace })
      .then(
        () => true,
        () => false,
      );

  beforeAll(async () => {
    [plane, slapd] = await Promise.all([startControlPlane(), startSlapd()]);
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    await createConnectorSecrets(kc, namespace, slapd.adminPassword);
    const kubectl = join(plane.binDir, 'kubectl');
    await run(kubectl, [
      '--kubeconfig',
      plane.kubeconfigPath,
      'apply',
      '--server-side',
      '-f',
      join(repoRoot, 'crds'),
    ]);
    await run(kubectl, [
      '--kubeconfig',
      plane.kubeconfigPath,
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/ldapconnectors.scim-ldap.io',
      'crd/attributemappings.scim-ldap.io',
    ]);
    // A resync period longer than the test: what catches up after the restart is the restarted watch.
    operator = (
      await spawnOperator(plane.kubeconfigPath, [
        '--namespace',
        namespace,
        '--no-leader-elect',
        '--resync-seconds',
        '3600',
        '--image',
        'x',
      ])
    ).process;
  }, 180_000);
  afterAll(async () => {
    operator?.kill('SIGKILL');
    await plane?.stop();
    await slapd?.stop();
  });

  it('reconciles a connector created after the API server came back, without an operator restart', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: testConnector('before'),
    });
    await expect.poll(() => reconciled('before'), { timeout: 30_000 }).toBe(true);
    await plane.restartApiserver();
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: testConnector('after'),
    });
    await expect.poll(() => reconciled('after'), { timeout: 60_000, interval: 500 }).toBe(true);
  }, 180_000);

  it('finishes the reconciles a crash of etcd and the API server interrupted, with the right status', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const names = Array.from({ length: 40 }, (_, i) => `crash-${i}`);
    const port = new URL(slapd.ldapUrl).port;
    const probesInFlight = async () =>
      (await run('ss', ['-H', '-t', '-n', 'state', 'established', 'dport', '=', `:${port}`])).stdout
        .trim()
        .split('\n')
        .filter(Boolean).length;
    // slapd stopped (SIGSTOP): the kernel still accepts connections, so every reconcile's directory probe
    // connects and then waits for an answer. The crash comes while reconciles are in flight, provably.
    process.kill(slapd.pid, 'SIGSTOP');
    try {
      await Promise.all(
        names.map((name) =>
          custom.createNamespacedCustomObject({
            ...GROUP,
            plural: 'ldapconnectors',
            namespace,
            body: testConnector(name, directorySpec(slapd)),
          }),
        ),
      );
      await expect.poll(probesInFlight, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
      expect(
        (await kc.makeApiClient(CoreV1Api).listNamespacedService({ namespace })).items.filter((s) =>
          s.metadata?.name?.startsWith('crash-'),
        ),
      ).toEqual([]);
      await plane.crash();
    } finally {
      process.kill(slapd.pid, 'SIGCONT');
    }
    // The probes get their answers while the API is gone; the operator must carry on once it is back.
    await plane.recover();

    const conditions = async (name: string) => {
      const object = (await custom.getNamespacedCustomObject({
        ...GROUP,
        plural: 'ldapconnectors',
        namespace,
        name,
      })) as { metadata: { generation: number }; status?: { conditions?: Condition[] } };
      return Object.fromEntries(
        (object.status?.conditions ?? []).map((c) => [
          c.type,
          `${c.status}/${c.reason}${c.observedGeneration === object.metadata.generation ? '' : ' (stale)'}`,
        ]),
      );
    };
    for (const name of names) {
      await expect
        .poll(() => conditions(name), { timeout: 60_000, interval: 250 })
        .toMatchObject({ DirectoryReachable: 'True/BindSucceeded', CertificateReady: 'True/Issued' });
      expect(await reconciled(name)).toBe(true);
    }
    // Caught up by itself: the same operator process throughout.
    expect(operator.exitCode).toBeNull();
    expect(operator.signalCode).toBeNull();
  }, 180_000);
});
