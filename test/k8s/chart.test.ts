import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { dump, load, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LISTENER_SELECTOR } from '../../controller/core/reconcile/children.ts';
import { argoCdHealth } from '../support/argocd.ts';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { spawnOperator, testConnector } from '../support/operator.ts';
import { helmBin, repoRoot } from '../support/paths.ts';

const run = promisify(execFile);
const CHART = join(repoRoot, 'charts', 'scim-ldap-operator');
const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };

async function helm(...args: string[]): Promise<string> {
  return (await run(helmBin(), args, { maxBuffer: 16 << 20 })).stdout;
}

/** kubectl reading manifests from stdin; its warnings (stderr) follow its output. */
function kubectlStdin(input: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(inject('kubeBinDir'), 'kubectl'),
      ['--kubeconfig', inject('kubeconfig'), ...args],
      (error, stdout, stderr) =>
        error ? reject(new Error(`${stderr}${stdout}`)) : resolve(`${stdout}${stderr}`),
    );
    child.stdin?.end(input);
  });
}

describe('Helm chart', () => {
  let kc: KubeConfig;
  let namespace: string;
  const temp: string[] = [];

  beforeAll(async () => {
    kc = testKubeConfig();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'chart');
    // Pod Security admission warns about every workload below the "restricted" standard.
    await kubectl('label', 'namespace', namespace, 'pod-security.kubernetes.io/warn=restricted');
  });
  afterAll(async () => {
    for (const dir of temp) await rm(dir, { recursive: true, force: true });
  });

  it('lints clean in strict mode', async () => {
    expect(await helm('lint', '--strict', CHART)).toContain('0 chart(s) failed');
  });

  it.each([
    { reason: 'default values', set: [] },
    {
      reason: 'namespaced, one replica, no metrics',
      set: ['namespaced=true', 'replicaCount=1', 'metrics.enabled=false'],
    },
  ])(
    'renders manifests the API server accepts, at the restricted Pod Security level ($reason)',
    async ({ set }) => {
      const manifests = await helm(
        'template',
        'scim',
        CHART,
        '--namespace',
        namespace,
        ...set.flatMap((s) => ['--set', s]),
      );
      const out = await kubectlStdin(manifests, 'apply', '--dry-run=server', '-n', namespace, '-f', '-');
      expect(out).toContain('deployment.apps/scim created (server dry run)');
      expect(out).not.toContain('PodSecurity');
    },
  );

  it.each([
    { reason: 'cluster-wide', set: [], namespaceSelector: { any: true } },
    { reason: 'namespaced', set: ['namespaced=true'], namespaceSelector: { matchNames: ['scim-ldap'] } },
  ])(
    "scrapes every listener's metrics port with a ServiceMonitor when asked ($reason)",
    async ({ set, namespaceSelector }) => {
      const rendered = await helm(
        'template',
        'scim',
        CHART,
        '--namespace',
        'scim-ldap',
        '--set',
        'metrics.serviceMonitor.enabled=true',
        ...set.flatMap((s) => ['--set', s]),
      );
      const monitors = (
        loadAll(rendered) as ({ kind?: string; metadata: { name: string }; spec: unknown } | null)[]
      ).filter((doc) => doc?.kind === 'ServiceMonitor');
      expect(monitors.find((m) => m?.metadata.name === 'scim-listeners')?.spec).toEqual({
        namespaceSelector,
        // The labels the operator puts on every listener Service.
        selector: {
          matchLabels: Object.fromEntries(LISTENER_SELECTOR.split(',').map((pair) => pair.split('='))),
        },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      });
      // The operator's per-connector series keep their connector's namespace label.
      expect(monitors.find((m) => m?.metadata.name === 'scim')?.spec).toMatchObject({
        endpoints: [{ port: 'http-metrics', honorLabels: true }],
      });
    },
  );

  it('renders the monitors, the alert rules and the dashboard with the monitoring values, and none of them without', async () => {
    const kinds = async (...set: string[]) =>
      (
        loadAll(await helm('template', 'scim', CHART, ...set.flatMap((s) => ['--set', s]))) as ({
          kind: string;
          metadata: { name: string; labels?: Record<string, string> };
          data?: Record<string, string>;
          spec?: { groups?: { rules: { alert: string; annotations: Record<string, string> }[] }[] };
        } | null)[]
      ).filter((doc) => doc !== null);
    const off = await kinds();
    expect(off.filter((d) => ['ServiceMonitor', 'PrometheusRule', 'ConfigMap'].includes(d.kind))).toEqual([]);

    const on = await kinds(
      'metrics.serviceMonitor.enabled=true',
      'metrics.serviceMonitor.labels.release=prom',
      'metrics.prometheusRule.enabled=true',
      'metrics.prometheusRule.labels.release=prom',
      'metrics.dashboard.enabled=true',
    );
    const named = (kind: string) => on.filter((d) => d.kind === kind).map((d) => d.metadata.name);
    expect(named('ServiceMonitor')).toEqual(['scim', 'scim-listeners']);
    expect(named('PrometheusRule')).toEqual(['scim']);
    expect(named('ConfigMap')).toEqual(['scim-dashboard']);
    for (const d of on.filter((d) => ['ServiceMonitor', 'PrometheusRule'].includes(d.kind)))
      expect(d.metadata.labels?.['release']).toBe('prom');

    const rules = on.find((d) => d.kind === 'PrometheusRule')?.spec?.groups?.flatMap((g) => g.rules) ?? [];
    const operations = await readFile(join(repoRoot, 'docs', 'operations.md'), 'utf8');
    for (const rule of rules) {
      // Each runbook is a section of docs/operations.md, headed by the alert's name.
      expect(rule.annotations['runbook_url']).toMatch(/\/docs\/operations\.md#/);
      expect(rule.annotations['runbook_url']?.split('#')[1]).toBe(rule.alert.toLowerCase());
      expect(operations).toContain(`### ${rule.alert}\n`);
    }

    const dashboard = on.find((d) => d.kind === 'ConfigMap');
    expect(dashboard?.metadata.labels?.['grafana_dashboard']).toBe('1');
    const json = JSON.parse(dashboard?.data?.['scim-ldap.json'] ?? '{}') as {
      uid: string;
      panels: unknown[];
    };
    expect(json.uid).toBe('scim-ldap');
    expect(json.panels.length).toBeGreaterThan(5);
  });

  it('refuses values outside its schema', async () => {
    await expect(helm('template', 'scim', CHART, '--set', 'replicaCount=0')).rejects.toThrow(/replicaCount/);
  });

  it('helm install with the monitoring values creates the monitors, the alert rules and the dashboard', async () => {
    await applyCrds(join(repoRoot, 'test', 'data', 'crds', 'monitoring.yaml'), [
      'servicemonitors.monitoring.coreos.com',
      'prometheusrules.monitoring.coreos.com',
    ]);
    const monitoring = await createTestNamespace(kc, 'chart-monitoring');
    await helm(
      'install',
      'mon',
      CHART,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      monitoring,
      ...['crds.enabled=false', 'metrics.serviceMonitor.enabled=true', 'metrics.prometheusRule.enabled=true']
        .concat('metrics.dashboard.enabled=true')
        .flatMap((value) => ['--set', value]),
    );
    const created = await kubectl(
      'get',
      'servicemonitors,prometheusrules,configmaps',
      '-n',
      monitoring,
      '-l',
      'app.kubernetes.io/instance=mon',
      '-o',
      'name',
    );
    expect(created.trim().split('\n').sort()).toEqual([
      'configmap/mon-dashboard',
      'prometheusrule.monitoring.coreos.com/mon',
      'servicemonitor.monitoring.coreos.com/mon',
      'servicemonitor.monitoring.coreos.com/mon-listeners',
    ]);
    expect(
      await kubectl(
        'get',
        'configmap',
        'mon-dashboard',
        '-n',
        monitoring,
        '-o',
        'jsonpath={.metadata.labels.grafana_dashboard}',
      ),
    ).toBe('1');
  });

  it('installs into the API server, and grants exactly what the operator needs: it reconciles as the chart ServiceAccount, and may not delete', async () => {
    // The CRDs are applied already (by this suite, without Helm's ownership labels), so the release leaves them out.
    const kubeconfigArgs = ['--kubeconfig', inject('kubeconfig'), '--namespace', namespace];
    await helm('install', 'scim', CHART, ...kubeconfigArgs, '--set', 'crds.enabled=false');
    expect(await helm('status', 'scim', ...kubeconfigArgs)).toMatch(/^STATUS: deployed$/m);
    expect(
      await kubectl(
        'get',
        'clusterrole,clusterrolebinding',
        '-l',
        'app.kubernetes.io/instance=scim',
        '-o',
        'name',
      ),
    ).toBe('clusterrole.rbac.authorization.k8s.io/scim\nclusterrolebinding.rbac.authorization.k8s.io/scim\n');
    const account = `system:serviceaccount:${namespace}:scim`;
    expect(
      (
        await kubectl(
          'auth',
          'can-i',
          'patch',
          'ldapconnectors.scim-ldap.io',
          '--subresource=status',
          '--as',
          account,
          '-n',
          namespace,
        )
      ).trim(),
    ).toBe('yes');
    // It watches the listener Deployments it owns, so their availability reaches the connector's status.
    expect(
      (await kubectl('auth', 'can-i', 'watch', 'deployments.apps', '--as', account, '-n', namespace)).trim(),
    ).toBe('yes');
    await expect(
      kubectl('auth', 'can-i', 'delete', 'configmaps', '--as', account, '-n', namespace),
    ).rejects.toThrow(/no/);

    // The operator as that ServiceAccount: a kubeconfig with its token only.
    const token = (await kubectl('create', 'token', 'scim', '-n', namespace)).trim();
    const admin = load(await readFile(inject('kubeconfig'), 'utf8')) as { clusters: unknown[] };
    const dir = await mkdtemp(join(tmpdir(), 'chart-'));
    temp.push(dir);
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: admin.clusters,
        users: [{ name: 'sa', user: { token } }],
        contexts: [{ name: 'sa', context: { cluster: 'test', user: 'sa' } }],
        'current-context': 'sa',
      }),
    );
    const operator = await spawnOperator(kubeconfig, [
      '--lease-namespace',
      namespace,
      '--image',
      'x',
      '--resync-seconds',
      '2',
    ]);
    try {
      const crs = kc.makeApiClient(CustomObjectsApi);
      const ref = { ...GROUP, plural: 'ldapconnectors', namespace };
      await crs.createNamespacedCustomObject({ ...ref, body: testConnector('rbac') });
      const connector = () =>
        crs.getNamespacedCustomObject({ ...ref, name: 'rbac' }) as Promise<{
          status?: { conditions?: unknown[] };
        }>;
      await expect
        .poll(async () => (await connector()).status?.conditions?.length, { timeout: 30_000 })
        .toBe(7);
      const lease = ['lease', 'scim-ldap-operator', '-n', namespace, '-o', 'jsonpath={.spec.holderIdentity}'];
      expect(await kubectl('get', ...lease)).toMatch(/-\d+$/);

      // The listener it created meets the restricted standard too.
      const listener = await kubectl('get', 'deployment', 'rbac-scim', '-n', namespace, '-o', 'yaml');
      expect(await kubectlStdin(listener, 'apply', '--dry-run=server', '-f', '-')).not.toContain(
        'PodSecurity',
      );
      // Argo CD's view of what the operator wrote: the listener cannot become available here (no kubelet).
      expect(await argoCdHealth('LdapConnector', await connector())).toEqual({
        status: 'Progressing',
        message: expect.stringMatching(/^not ready: .*ListenerAvailable/),
      });
    } finally {
      operator.process.kill('SIGTERM');
    }
  });
});
