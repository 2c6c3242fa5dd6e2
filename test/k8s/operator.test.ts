import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { contosoMappings, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { spawnOperator } from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };
type Status = {
  conditions?: { type: string; status: string; reason: string; message: string }[];
  directory?: Record<string, unknown>;
  certificate?: Record<string, unknown>;
};

// The operator as a process against the real kube-apiserver, and a real slapd for the directory checks.
describe('operator', () => {
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let namespace: string;
  let slapd: Slapd;
  let operator: ChildProcess;

  const connector = (port: number) => ({
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'LdapConnector',
    metadata: {
      name: 'ldap',
      labels: { 'app.kubernetes.io/instance': 'argocd-app' },
      annotations: { 'argocd.argoproj.io/tracking-id': 'app:scim-ldap.io/LdapConnector:ns/ldap' },
    },
    spec: {
      server: { host: '127.0.0.1', port, security: 'None' },
      bind: { dn: slapd.adminDN, passwordSecretRef: { name: 'ldap-bind' } },
      baseDN: slapd.baseDN,
      scim: { tokenSecretRef: { name: 'ldap-scim-token' } },
    },
  });
  const mapping = (mappings: unknown[]) => ({
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'AttributeMapping',
    metadata: { name: 'ldap-users' },
    spec: { connectorRef: { name: 'ldap' }, object: 'User', mappings },
  });
  const contoso = () => load(`m:\n${contosoMappings()}`) as { m: unknown[] };
  const status = async (): Promise<Status> =>
    (
      (await custom.getNamespacedCustomObject({
        ...GROUP,
        plural: 'ldapconnectors',
        namespace,
        name: 'ldap',
      })) as { status?: Status }
    ).status ?? {};
  const condition = async (type: string) => (await status()).conditions?.find((c) => c.type === type);
  const patchConnectorSpec = (spec: Record<string, unknown>) =>
    kubectl(
      'patch',
      'ldapconnector',
      'ldap',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ spec }),
    );

  beforeAll(async () => {
    kc = testKubeConfig();
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
    slapd = await startSlapd();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'operator');
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'ldap-bind' }, stringData: { password: slapd.adminPassword } },
    });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'ldap-scim-token' }, stringData: { token: 'operator-test-token-123' } },
    });
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body: connector(Number(new URL(slapd.ldapUrl).port)),
    });
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'attributemappings',
      namespace,
      body: mapping(contoso().m),
    });
    ({ process: operator } = await spawnOperator(inject('kubeconfig'), [
      '--namespace',
      namespace,
      '--resync-seconds',
      '1',
      '--certificate-days',
      '0.0001',
      '--image',
      'scim-ldap-operator:test',
    ]));
  });
  afterAll(async () => {
    operator?.kill('SIGTERM');
    await slapd?.stop();
  });

  it('creates the listener children, owned by the connector, without Argo CD tracking metadata', async () => {
    const owner = (
      (await custom.getNamespacedCustomObject({
        ...GROUP,
        plural: 'ldapconnectors',
        namespace,
        name: 'ldap',
      })) as { metadata: { uid: string } }
    ).metadata.uid;
    // The children are applied one after another: wait for all of them.
    const apps = kc.makeApiClient(AppsV1Api);
    await expect
      .poll(
        () =>
          Promise.all([
            core.readNamespacedConfigMap({ name: 'ldap-scim', namespace }),
            apps.readNamespacedDeployment({ name: 'ldap-scim', namespace }),
            core.readNamespacedService({ name: 'ldap-scim', namespace }),
          ]).then(
            () => true,
            () => false,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    const configMap = await core.readNamespacedConfigMap({ name: 'ldap-scim', namespace });
    expect(configMap.data?.['connector.yaml']).toContain('baseDN: dc=example,dc=org');
    expect(configMap.data?.['mapping-ldap-users.yaml']).toContain('ToLower(Word([userName], 1, "@"))');
    const deployment = await apps.readNamespacedDeployment({ name: 'ldap-scim', namespace });
    const container = deployment.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual([
      'listener',
      '-f',
      '/etc/scim-ldap/config',
      '--secrets',
      '/etc/scim-ldap/secrets',
      '--port',
      '8585',
      '--metrics-port',
      '9090',
    ]);
    expect(container?.ports).toEqual([
      { name: 'scim', containerPort: 8585, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(deployment.spec?.template.spec?.securityContext?.runAsNonRoot).toBe(true);
    const service = await core.readNamespacedService({ name: 'ldap-scim', namespace });
    expect(service.spec?.ports?.map((p) => [p.name, p.port])).toEqual([
      ['scim', 8585],
      ['metrics', 9090],
    ]);
    await expect
      .poll(
        () =>
          core
            .readNamespacedSecret({ name: 'ldap-scim-tls', namespace })
            .then((s) => s.type)
            .catch(() => undefined),
        { timeout: 30_000 },
      )
      .toBe('kubernetes.io/tls');
    for (const child of [configMap, deployment, service]) {
      expect(child.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'LdapConnector', name: 'ldap', uid: owner, controller: true }),
      ]);
      expect(child.metadata?.labels?.['app.kubernetes.io/instance']).toBe('ldap');
      expect(child.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBeUndefined();
    }
  });

  it('reports conditions, the directory and the certificate, and prints them in kubectl get', async () => {
    await expect
      .poll(async () => (await condition('DirectoryReachable'))?.status, { timeout: 30_000 })
      .toBe('True');
    const current = await status();
    const byType = Object.fromEntries(
      (current.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]),
    );
    expect(byType).toEqual({
      CertificateReady: expect.stringMatching(/^True\/Issued$/),
      DirectoryReachable: 'True/BindSucceeded',
      ListenerAvailable: 'False/Deploying',
      MappingValid: 'True/Valid',
      Ready: 'False/NotReady',
      // No deployment controller here: the listener Deployment's spec is never observed.
      Reconciling: 'True/Progressing',
      Stalled: 'False/NotStalled',
    });
    expect(current.directory).toMatchObject({ state: 'Reachable', namingContexts: ['dc=example,dc=org'] });
    // alice, seeded in the test directory.
    expect((current as { provisioning?: unknown }).provisioning).toEqual({ users: 1, groups: 0 });
    expect(current.certificate?.['dnsNames']).toContain(`ldap-scim.${namespace}.svc`);
    const table = await kubectl('get', 'ldapconnectors', '-n', namespace);
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'DIRECTORY',
      'USERS',
      'LAST EXPORT',
      'CERT EXPIRES',
      'AGE',
    ]);
    expect(row).toMatch(/^ldap\s+False\s+Reachable\s+1\s+\d{4}-\d\d-\d\dT\S+\s+\d+s$/);
  });

  it('renews a generated certificate two thirds into its lifetime', async () => {
    const first = (await status()).certificate?.['fingerprint'];
    expect(first).toBeDefined();
    await expect
      .poll(async () => (await status()).certificate?.['fingerprint'], { timeout: 30_000, interval: 500 })
      .not.toBe(first);
  });

  it('carries a mapping edit into the ConfigMap, and reports a broken mapping by position', async () => {
    const edited = [
      ...contoso().m.filter((m) => (m as { target: string }).target !== 'loginShell'),
      { target: 'loginShell', constant: '/bin/zsh' },
    ];
    await custom.replaceNamespacedCustomObject({
      ...GROUP,
      plural: 'attributemappings',
      namespace,
      name: 'ldap-users',
      body: {
        ...mapping(edited),
        metadata: {
          name: 'ldap-users',
          resourceVersion: (
            (await custom.getNamespacedCustomObject({
              ...GROUP,
              plural: 'attributemappings',
              namespace,
              name: 'ldap-users',
            })) as { metadata: { resourceVersion: string } }
          ).metadata.resourceVersion,
        },
      },
    });
    await expect
      .poll(
        async () =>
          (await core.readNamespacedConfigMap({ name: 'ldap-scim', namespace })).data?.[
            'mapping-ldap-users.yaml'
          ],
        { timeout: 30_000 },
      )
      .toContain('/bin/zsh');

    await kubectl(
      'patch',
      'attributemapping',
      'ldap-users',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'replace', path: '/spec/mappings/4/expression', value: 'ToLower(Wrd([userName], 1, "@"))' },
      ]),
    );
    await expect
      .poll(async () => (await condition('MappingValid'))?.status, { timeout: 30_000 })
      .toBe('False');
    expect((await condition('MappingValid'))?.message).toContain(
      'AttributeMapping/ldap-users spec.mappings[4].expression: unknown function "Wrd" (did you mean Word?) at 1:9',
    );
    const table = await kubectl('get', 'attrmap', '-n', namespace);
    expect(table.trim().split('\n')[1]).toMatch(/^ldap-users\s+ldap\s+User\s+10\s+False\s+/);
  });

  it('turns DirectoryReachable False with the reason when the directory address breaks, and True when fixed', async () => {
    const closed = await freePort();
    await patchConnectorSpec({ server: { port: closed } });
    await expect
      .poll(async () => (await condition('DirectoryReachable'))?.reason, { timeout: 30_000 })
      .toBe('Unreachable');
    expect((await condition('DirectoryReachable'))?.message).toContain(
      `cannot reach ldap://127.0.0.1:${closed}`,
    );
    await patchConnectorSpec({ server: { port: Number(new URL(slapd.ldapUrl).port) } });
    await expect
      .poll(async () => (await condition('DirectoryReachable'))?.status, { timeout: 30_000 })
      .toBe('True');
  });

  it('records Events for what happened: setup, certificates, a broken mapping, the directory lost and found', async () => {
    const reasons = async () =>
      (
        await kubectl(
          'get',
          'events',
          '-n',
          namespace,
          '--field-selector',
          'involvedObject.name=ldap',
          '-o',
          'jsonpath={.items[*].reason}',
        )
      ).split(' ');
    await expect
      .poll(reasons, { timeout: 30_000 })
      .toEqual(
        expect.arrayContaining([
          'Created',
          'Issued',
          'Renewed',
          'InvalidMapping',
          'DirectoryUnreachable',
          'DirectoryReachable',
        ]),
      );
  });

  it('shows what a listener process provisions: users in the directory and the last export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'operator-listener-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    const listener = await spawnListener(dir);
    try {
      const created = await fetch(`${listener.url}/scim/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          userName: 'zed@example.org',
          displayName: 'Zed',
          name: { familyName: 'Zed' },
        }),
      });
      expect(created.status).toBe(201);
      await expect
        .poll(async () => ((await status()) as { provisioning?: Record<string, unknown> }).provisioning, {
          timeout: 30_000,
        })
        .toEqual({ users: 2, groups: 0, lastExport: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      const row = (await kubectl('get', 'ldapconnectors', '-n', namespace)).trim().split('\n')[1];
      expect(row).toMatch(
        /^ldap\s+False\s+Reachable\s+2\s+\d{4}-\d\d-\d\dT\S+\s+\d{4}-\d\d-\d\dT\S+\s+\d+s$/,
      );
    } finally {
      await listener.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls the listener when a change needs a new pod: the port is in the pod template', async () => {
    await patchConnectorSpec({ scim: { port: 9443 } });
    const template = async () =>
      (await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'ldap-scim', namespace })).spec
        ?.template.spec?.containers[0];
    await expect
      .poll(async () => (await template())?.ports?.[0]?.containerPort, { timeout: 30_000 })
      .toBe(9443);
    expect((await template())?.args).toContain('9443');
    expect((await core.readNamespacedService({ name: 'ldap-scim', namespace })).spec?.ports?.[0]?.port).toBe(
      9443,
    );
  });
});
