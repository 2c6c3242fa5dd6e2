import { type ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/controlplane.ts';
import { spawnOperator, testConnector } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';

const run = promisify(execFile);
const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

// Its own control plane, since this test restarts the API server under a running operator.
describe('operator across an API server restart', () => {
  let plane: ControlPlane;
  let kc: KubeConfig;
  let operator: ChildProcess;
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
    plane = await startControlPlane();
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
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
});
