import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { applyCrds, createTestNamespace, testKubeConfig } from '../support/kube.ts';
import { type ListenerProcess, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import {
  createConnectorSecrets,
  directorySpec,
  spawnOperator,
  testConnector,
  testMapping,
} from '../support/operator.ts';
import { repoRoot } from '../support/paths.ts';
import {
  type Monitoring,
  type RunningPrometheus,
  renderMonitoring,
  startPrometheus,
} from '../support/prometheus.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);
// Counters with labels have no series until their first increment, and these count failures this scrape does
// not provoke: they are checked against the metadata of the scrape (their HELP and TYPE lines) instead.
const ONLY_ON_FAILURE = new Set([
  'scim_ldap_export_mark_failures_total',
  'scim_ldap_listener_config_reload_failures_total',
]);

/** The metrics a PromQL query names, the labels its selectors match on, and the labels it groups by. */
function namesIn(query: string) {
  let rest = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const grouping: string[] = [];
  rest = rest.replace(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g, (_, labels: string) => {
    grouping.push(
      ...labels
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    return ' ';
  });
  const matchers: { metric: string; label: string }[] = [];
  rest = rest.replace(
    /([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g,
    (_, metric: string | undefined, inside: string) => {
      for (const m of inside.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g))
        matchers.push({ metric: metric ?? '', label: m[1] ?? '' });
      return ` ${metric ?? ''} `;
    },
  );
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  const metrics = [...rest.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1] ?? ''))
    .map((m) => m[1] ?? '');
  return { metrics: [...new Set(metrics)], matchers, grouping };
}

// A real listener on a real slapd and a real operator on the test kube-apiserver, scraped by a real Prometheus:
// what the chart's alerts and dashboard ask for must be what they export.
describe("the chart's alerts and dashboard against a real scrape", () => {
  let slapd: Slapd;
  let dir: string;
  let listener: ListenerProcess;
  let operator: Awaited<ReturnType<typeof spawnOperator>>;
  let prometheus: RunningPrometheus;
  let monitoring: Monitoring;
  let namespace: string;
  let crs: CustomObjectsApi;
  const operatorMetrics = async () => (await fetch(`http://127.0.0.1:${operator.health}/metrics`)).text();

  beforeAll(async () => {
    monitoring = await renderMonitoring();
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'monitoring-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    listener = await spawnListener(dir);
    const scim = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${listener.url}/ecma2host_ldap/scim${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    // Every provisioning event: create, update, disable, delete; a group; a lookup that finds nothing.
    const created = await scim('POST', '/Users', {
      userName: 'metrics.person@example.org',
      displayName: 'Metrics Person',
      name: { familyName: 'Person' },
    });
    expect(created.status).toBe(201);
    const patch = (operations: unknown[]) =>
      scim('PATCH', `/Users/${created.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: operations,
      });
    expect((await patch([{ op: 'replace', path: 'displayName', value: 'Renamed' }])).status).toBe(204);
    expect((await patch([{ op: 'replace', path: 'active', value: false }])).status).toBe(204);
    expect((await scim('GET', '/Users/does-not-exist')).status).toBe(404);
    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    const group = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Metrics Group',
      members: [],
    });
    expect(group.status).toBe(201);

    const kc = testKubeConfig();
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'monitoring');
    await createConnectorSecrets(kc, namespace, slapd.adminPassword);
    crs = kc.makeApiClient(CustomObjectsApi);
    const create = (plural: string, body: object) =>
      crs.createNamespacedCustomObject({ ...GROUP, plural, namespace, body });
    await create('ldapconnectors', testConnector('reachable', directorySpec(slapd)));
    await create('attributemappings', testMapping('reachable'));
    await create('ldapconnectors', testConnector('unreachable'));
    operator = await spawnOperator(inject('kubeconfig'), [
      '--namespace',
      namespace,
      '--no-leader-elect',
      '--image',
      'x',
      '--resync-seconds',
      '2',
    ]);
    await vi.waitFor(
      async () =>
        expect(await operatorMetrics()).toMatch(
          /scim_ldap_operator_directory_reachable\{[^}]*connector="unreachable"\} 0/,
        ),
      { timeout: 30_000, interval: 200 },
    );

    // The labels a ServiceMonitor gives its targets; the operator's own namespace label wins (honorLabels).
    prometheus = await startPrometheus([
      {
        job_name: 'scim-listeners',
        static_configs: [
          {
            targets: [new URL(listener.metricsUrl).host],
            labels: { namespace, service: 'ldap-scim', pod: 'ldap-scim-0' },
          },
        ],
      },
      {
        job_name: 'scim-metrics',
        honor_labels: true,
        static_configs: [
          {
            targets: [`127.0.0.1:${operator.health}`],
            labels: { namespace: 'scim-ldap', service: 'scim-metrics', pod: 'scim-0' },
          },
        ],
      },
    ]);
    await vi.waitFor(
      async () =>
        expect(await prometheus.api<string[]>('/api/v1/label/__name__/values')).toEqual(
          expect.arrayContaining(['scim_ldap_users_total', 'scim_ldap_operator_directory_entries']),
        ),
      { timeout: 30_000, interval: 200 },
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    operator?.process.kill('SIGTERM');
    await listener?.stop();
    await slapd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exports each connector's directory reachability, listener replicas and entries (gone with the connector), and the allocation headroom", async () => {
    const text = await operatorMetrics();
    const series = (name: string, connector: string) =>
      new RegExp(`^${name}\\{namespace="${namespace}",connector="${connector}"(?:,[^}]*)?\\} (\\S+)$`, 'm');
    expect(text).toMatch(series('scim_ldap_operator_directory_reachable', 'unreachable'));
    await expect
      .poll(
        async () =>
          (await operatorMetrics()).match(series('scim_ldap_operator_directory_reachable', 'reachable'))?.[1],
      )
      .toBe('1');
    expect(text.match(series('scim_ldap_operator_directory_reachable', 'unreachable'))?.[1]).toBe('0');
    // No kubelet runs the listener Deployments here: none is available.
    expect(text.match(series('scim_ldap_operator_listener_replicas_available', 'reachable'))?.[1]).toBe('0');
    expect(
      (await operatorMetrics()).match(
        /^scim_ldap_operator_directory_entries\{[^}]*connector="reachable",object="users"\} (\d+)$/m,
      )?.[1],
    ).toMatch(/^\d+$/);
    expect(text).toMatch(series('scim_ldap_operator_certificate_expiry_timestamp_seconds', 'reachable'));

    // A deleted connector's series go: a listener removed on purpose is not a listener down.
    await crs.deleteNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      name: 'unreachable',
    });
    await vi.waitFor(async () => expect(await operatorMetrics()).not.toContain('connector="unreachable"'), {
      timeout: 30_000,
      interval: 200,
    });

    // One uidNumber handed out from [20000, 60000]: 40000 left of 40001.
    const listenerText = await (await fetch(`${listener.metricsUrl}/metrics`)).text();
    expect(listenerText).toContain(
      'scim_ldap_allocation_remaining{connector="ldap",attribute="uidNumber",range="20000-60000"} 40000',
    );
    expect(listenerText).toContain(
      'scim_ldap_allocation_range_size{connector="ldap",attribute="uidNumber",range="20000-60000"} 40001',
    );
  });

  it('every alert expression and dashboard query parses, and names only metrics and labels of the scrape', async () => {
    const queries = [
      ...monitoring.rules.groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `alert ${r.alert}`, query: r.expr })),
      ),
      ...monitoring.dashboard.panels.flatMap((p) =>
        p.targets.map((t) => ({
          where: `panel "${p.title}"`,
          query: t.expr.replaceAll('$__rate_interval', '1m'),
        })),
      ),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const scraped = new Set(await prometheus.api<string[]>('/api/v1/label/__name__/values'));
    const metadata = await prometheus.api<Record<string, unknown>>('/api/v1/metadata');
    const labelsOf = new Map<string, Set<string>>();
    const labels = async (metric: string) => {
      if (!labelsOf.has(metric)) {
        const series = await prometheus.api<Record<string, string>[]>('/api/v1/series', {
          'match[]': metric,
        });
        labelsOf.set(metric, new Set(series.flatMap((s) => Object.keys(s))));
      }
      return labelsOf.get(metric) ?? new Set<string>();
    };
    const problems: string[] = [];
    for (const { where, query } of queries) {
      await prometheus
        .api('/api/v1/query', { query })
        .catch((error: Error) => problems.push(`${where}: ${error.message}`));
      const { metrics, matchers, grouping } = namesIn(query);
      expect(metrics.length, `${where}: ${query}`).toBeGreaterThan(0);
      for (const metric of metrics) {
        if (ONLY_ON_FAILURE.has(metric)) {
          if (!(metric.replace(/_total$/, '') in metadata || metric in metadata))
            problems.push(`${where}: ${metric} is not exported`);
        } else if (!scraped.has(metric)) problems.push(`${where}: no metric ${metric} in the scrape`);
      }
      for (const { metric, label } of matchers)
        if (!ONLY_ON_FAILURE.has(metric) && !(await labels(metric)).has(label))
          problems.push(`${where}: ${metric} has no label ${label}`);
      const present = new Set<string>();
      for (const metric of metrics) for (const label of await labels(metric)) present.add(label);
      for (const label of grouping)
        if (label !== 'le' && !present.has(label) && !metrics.every((m) => ONLY_ON_FAILURE.has(m)))
          problems.push(`${where}: no metric of it has a label ${label}`);
    }
    expect(problems).toEqual([]);
  });
});
