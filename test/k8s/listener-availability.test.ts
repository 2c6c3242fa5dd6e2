import type { ChildProcess } from 'node:child_process';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { argoCdHealth } from '../support/argocd.ts';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { createTestConnector, spawnOperator } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

// The test control plane has no kubelet or deployment controller, so the test writes the listener
// Deployment's status through its status subresource, as the deployment controller does when pods come up
// or go away. The operator resyncs only hourly here: what it reports, it learnt by watching.
describe('connector status follows its listener Deployment', () => {
  const kc = testKubeConfig();
  const custom = kc.makeApiClient(CustomObjectsApi);
  let namespace: string;
  let slapd: Slapd;
  let operator: ChildProcess;

  const connector = async () =>
    (await custom.getNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      name: 'ldap',
    })) as {
      status?: { conditions?: { type: string; status: string; reason: string }[] };
    };
  const condition = async (type: string) => {
    const found = (await connector()).status?.conditions?.find((c) => c.type === type);
    return found && `${found.status}/${found.reason}`;
  };
  // Both replicas (the default) updated; `available` of them available.
  const setDeploymentStatus = (available: number) =>
    kubectl(
      ...['patch', 'deployment', 'ldap-scim', '-n', namespace, '--subresource=status', '--type=merge'],
      '-p',
      JSON.stringify({
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: available,
          availableReplicas: available,
          conditions: [
            {
              type: 'Available',
              status: available > 0 ? 'True' : 'False',
              reason: available > 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
              message: 'written by the test, as the deployment controller would',
            },
          ],
        },
      }),
    );

  beforeAll(async () => {
    slapd = await startSlapd();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'availability');
    await createTestConnector(kc, namespace, slapd);
    ({ process: operator } = await spawnOperator(inject('kubeconfig'), [
      ...['--namespace', namespace, '--resync-seconds', '3600', '--image', 'x'],
    ]));
  });
  afterAll(async () => {
    operator?.kill('SIGTERM');
    await slapd?.stop();
  });

  it('turns ListenerAvailable and Ready True when the Deployment becomes available', async () => {
    await expect.poll(() => condition('DirectoryReachable'), { timeout: 30_000 }).toBe('True/BindSucceeded');
    expect(await condition('ListenerAvailable')).toBe('False/Deploying');
    expect(await condition('Ready')).toBe('False/NotReady');
    await setDeploymentStatus(2);
    await expect.poll(() => condition('Ready'), { timeout: 10_000, interval: 100 }).toBe('True/Ready');
    expect(await condition('ListenerAvailable')).toBe('True/Available');
    expect(await condition('Reconciling')).toBe('False/Reconciled');
    expect(await kubectl('get', 'ldapconnectors', '-n', namespace)).toMatch(/\nldap\s+True\s+Reachable\s/);
    expect((await argoCdHealth('LdapConnector', await connector())).status).toBe('Healthy');
  });

  it('turns them False again when the Deployment loses its replicas', async () => {
    await setDeploymentStatus(0);
    await expect
      .poll(() => condition('ListenerAvailable'), { timeout: 10_000, interval: 100 })
      .toBe('False/Deploying');
    expect(await condition('Ready')).toBe('False/NotReady');
    expect(await condition('Reconciling')).toBe('True/Progressing');
    expect(await kubectl('get', 'ldapconnectors', '-n', namespace)).toMatch(/\nldap\s+False\s+Reachable\s/);
  });

  it('puts back a listener Deployment someone deleted, without waiting for the resync', async () => {
    const uid = () =>
      kubectl('get', 'deployment', 'ldap-scim', '-n', namespace, '-o', 'jsonpath={.metadata.uid}').catch(
        () => '',
      );
    const deleted = await uid();
    expect(deleted).not.toBe('');
    await kubectl('delete', 'deployment', 'ldap-scim', '-n', namespace);
    await expect
      .poll(async () => ((current) => current !== '' && current !== deleted)(await uid()), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(true);
  });
});
