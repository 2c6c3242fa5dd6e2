import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kstatus } from '../support/kstatus.ts';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { createTestConnector, spawnOperator } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };
type Condition = { type: string; status: string; reason: string; observedGeneration?: number };
type Resource = {
  metadata: { generation: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
};

// What Flux, kubectl-style tools and cli-utils see: kstatus itself (tools/kstatus) judging the objects the
// operator writes. No deployment controller runs here, so the test writes the listener Deployment's status
// as that controller would.
describe('kstatus reads the operator status', () => {
  const kc = testKubeConfig();
  const custom = kc.makeApiClient(CustomObjectsApi);
  let namespace: string;
  let slapd: Slapd;
  let operator: ChildProcess | undefined;

  const get = async (plural: 'ldapconnectors' | 'attributemappings', name: string) =>
    (await custom.getNamespacedCustomObject({ ...GROUP, plural, namespace, name })) as Resource;
  const connector = () => get('ldapconnectors', 'ldap');
  const mapping = () => get('attributemappings', 'ldap-users');
  const verdict = async (read: () => Promise<Resource>) => (await kstatus(await read())).status;
  const condition = async (read: () => Promise<Resource>, type: string) => {
    const found = (await read()).status?.conditions?.find((c) => c.type === type);
    return found && `${found.status}/${found.reason}`;
  };
  const startOperator = async () => {
    ({ process: operator } = await spawnOperator(inject('kubeconfig'), [
      ...['--namespace', namespace, '--resync-seconds', '3600', '--image', 'x'],
    ]));
  };
  const stopOperator = async () => {
    const running = operator;
    operator = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };
  /**
   * The Deployment rolled out: its current spec observed, every replica updated and available. Or `stuck`: one
   * replica of the new spec never got ready and the controller gave up, while the old ones serve.
   */
  const rollOut = async (stuck = false) => {
    const [generation = 0, replicas = 0] = (
      await kubectl(
        ...['get', 'deployment', 'ldap-scim', '-n', namespace],
        ...['-o', 'jsonpath={.metadata.generation} {.spec.replicas}'],
      )
    )
      .split(' ')
      .map(Number);
    await kubectl(
      ...['patch', 'deployment', 'ldap-scim', '-n', namespace, '--subresource=status', '--type=merge'],
      '-p',
      JSON.stringify({
        status: {
          observedGeneration: generation,
          replicas,
          updatedReplicas: stuck ? 1 : replicas,
          readyReplicas: stuck ? replicas - 1 : replicas,
          availableReplicas: stuck ? replicas - 1 : replicas,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'by the test' },
            stuck
              ? {
                  type: 'Progressing',
                  status: 'False',
                  reason: 'ProgressDeadlineExceeded',
                  message: 'by the test',
                }
              : {
                  type: 'Progressing',
                  status: 'True',
                  reason: 'NewReplicaSetAvailable',
                  message: 'by the test',
                },
          ],
        },
      }),
    );
  };
  const patchMapping = (expression: string) =>
    kubectl(
      ...['patch', 'attributemapping', 'ldap-users', '-n', namespace, '--type=json'],
      '-p',
      JSON.stringify([{ op: 'replace', path: '/spec/mappings/4/expression', value: expression }]),
    );

  beforeAll(async () => {
    slapd = await startSlapd();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'kstatus');
    await createTestConnector(kc, namespace, slapd);
    await startOperator();
  });
  afterAll(async () => {
    await stopOperator();
    await slapd?.stop();
  });

  it('is InProgress while the listener is not available, and Current once Ready', async () => {
    await expect
      .poll(() => condition(connector, 'DirectoryReachable'), { timeout: 30_000 })
      .toBe('True/BindSucceeded');
    expect(await condition(connector, 'Reconciling')).toBe('True/Progressing');
    expect(await verdict(connector)).toBe('InProgress');
    await expect.poll(() => verdict(mapping), { timeout: 10_000 }).toBe('Current');
    await rollOut();
    await expect.poll(() => verdict(connector), { timeout: 10_000, interval: 100 }).toBe('Current');
    expect(await condition(connector, 'Ready')).toBe('True/Ready');
    // Every condition says which generation it describes.
    for (const read of [connector, mapping]) {
      const { metadata, status } = await read();
      expect(status?.conditions?.map((c) => c.observedGeneration)).toEqual(
        status?.conditions?.map(() => metadata.generation),
      );
    }
  });

  it('is InProgress for a generation the operator has not observed, then Failed on a mapping that does not load', async () => {
    await stopOperator();
    await kubectl(
      ...['patch', 'ldapconnector', 'ldap', '-n', namespace, '--type=merge'],
      ...['-p', JSON.stringify({ spec: { scim: { replicas: 3 } } })],
    );
    await patchMapping('ToLower(Wrd([userName], 1, "@"))');
    // The status still says Ready, of the generation before: kstatus does not take it for the new one.
    expect(await condition(connector, 'Ready')).toBe('True/Ready');
    expect(await kstatus(await connector())).toEqual({
      status: 'InProgress',
      message: 'LdapConnector generation is 2, but latest observed generation is 1',
    });
    expect(await verdict(mapping)).toBe('InProgress');

    await startOperator();
    await expect.poll(() => verdict(mapping), { timeout: 30_000, interval: 100 }).toBe('Failed');
    expect(await condition(mapping, 'Stalled')).toBe('True/InvalidMapping');
    const stalled = await kstatus(await connector());
    expect(stalled.status).toBe('Failed');
    expect(stalled.message).toMatch(/^MappingValid: /);
    expect(stalled.message).toContain(
      'AttributeMapping/ldap-users spec.mappings[4].expression: unknown function "Wrd"',
    );
  });

  it('is InProgress while a new listener spec rolls out, though the old replicas keep it Ready', async () => {
    await patchMapping('ToLower(Word([userName], 1, "@"))');
    await expect.poll(() => verdict(mapping), { timeout: 30_000, interval: 100 }).toBe('Current');
    // Three replicas now wanted; the two of the last rollout are still available.
    await expect.poll(() => condition(connector, 'Stalled'), { timeout: 10_000 }).toBe('False/NotStalled');
    expect(await condition(connector, 'Ready')).toBe('True/Ready');
    expect(await condition(connector, 'Reconciling')).toBe('True/Progressing');
    expect(await verdict(connector)).toBe('InProgress');
    await rollOut();
    await expect.poll(() => verdict(connector), { timeout: 10_000, interval: 100 }).toBe('Current');
  });

  it('is Failed when the deployment controller gives up on the rollout, though the old replicas keep it Ready', async () => {
    await rollOut(true);
    await expect
      .poll(() => condition(connector, 'Stalled'), { timeout: 10_000, interval: 100 })
      .toBe('True/ProgressDeadlineExceeded');
    expect(await condition(connector, 'Ready')).toBe('True/Ready');
    expect(await kstatus(await connector())).toEqual({
      status: 'Failed',
      message: 'the listener Deployment made no progress within its deadline',
    });
    await rollOut();
    await expect.poll(() => verdict(connector), { timeout: 10_000, interval: 100 }).toBe('Current');
  });
});
