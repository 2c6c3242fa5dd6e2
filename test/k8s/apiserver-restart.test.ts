import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/controlplane.ts';
import { repoRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);
const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

// Its own control plane, since this test restarts the API server under a running operator.
describe('operator across an API server restart', () => {
  let plane: ControlPlane;
  let kc: KubeConfig;
  let operator: ChildProcess;
  const namespace = 'default';

  const connector = (name: string) => ({
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'LdapConnector',
    metadata: { name },
    spec: {
      server: { host: '127.0.0.1', port: 1, security: 'None' },
      bind: { dn: 'cn=admin,dc=example,dc=org', passwordSecretRef: { name: 'bind' } },
      baseDN: 'dc=example,dc=org',
      scim: { tokenSecretRef: { name: 'token' } },
    },
  });
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
    operator = spawn(
      process.execPath,
      [
        join(repoRoot, 'controller', 'cli.ts'),
        'operator',
        '--namespace',
        namespace,
        '--no-leader-elect',
        '--health-port',
        String(await freePort()),
        '--resync-seconds',
        '3600',
        '--image',
        'x',
      ],
      {
        env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
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
      body: connector('before'),
    });
    await expect.poll(() => reconciled('before'), { timeout: 30_000 }).toBe(true);
    await plane.restartApiserver();
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: connector('after'),
    });
    await expect.poll(() => reconciled('after'), { timeout: 60_000, interval: 500 }).toBe(true);
  }, 180_000);
});
