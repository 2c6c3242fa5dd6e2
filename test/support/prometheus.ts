import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump, loadAll } from 'js-yaml';
import { helmBin, repoRoot } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, waitUntilReady } from './process.ts';

const run = promisify(execFile);

/** Debian's promtool ($PROMTOOL overrides). */
export function promtoolBin(): string {
  return process.env['PROMTOOL'] ?? 'promtool';
}

/** Debian's prometheus ($PROMETHEUS overrides). */
export function prometheusBin(): string {
  return process.env['PROMETHEUS'] ?? 'prometheus';
}

export interface AlertRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Monitoring {
  /** The PrometheusRule's spec: what a rules file holds. */
  rules: { groups: { name: string; rules: AlertRule[] }[] };
  dashboard: { panels: { title: string; targets: { expr: string }[] }[] };
}

/** The chart's PrometheusRule and dashboard as `helm template scim` renders them with the monitoring values. */
export async function renderMonitoring(): Promise<Monitoring> {
  const { stdout } = await run(
    helmBin(),
    [
      'template',
      'scim',
      join(repoRoot, 'charts', 'scim-ldap-operator'),
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'metrics.dashboard.enabled=true',
    ],
    { maxBuffer: 16 << 20 },
  );
  const docs = loadAll(stdout) as ({ kind: string; spec?: unknown; data?: Record<string, string> } | null)[];
  const rule = docs.find((d) => d?.kind === 'PrometheusRule');
  const configMap = docs.find((d) => d?.kind === 'ConfigMap');
  if (!rule || !configMap) throw new Error('the chart rendered no PrometheusRule or no dashboard ConfigMap');
  return {
    rules: rule.spec as Monitoring['rules'],
    dashboard: JSON.parse(Object.values(configMap.data ?? {})[0] ?? '{}') as Monitoring['dashboard'],
  };
}

/** Writes the rules to a rules file in `dir`, as `rules.yaml`. */
export async function writeRulesFile(dir: string, rules: Monitoring['rules']): Promise<string> {
  const path = join(dir, 'rules.yaml');
  await writeFile(path, dump(rules, { lineWidth: -1 }));
  return path;
}

export interface RunningPrometheus {
  url: string;
  /** GET on the HTTP API; throws unless Prometheus answers status "success". */
  api<T = unknown>(path: string, params?: Record<string, string | string[]>): Promise<T>;
  stop(): Promise<void>;
}

/** A Prometheus on a free loopback port with its own storage, scraping `scrapeConfigs` every second. */
export async function startPrometheus(scrapeConfigs: unknown[]): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: scrapeConfigs }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startProcess(
    prometheusBin(),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    join(dir, 'prometheus.log'),
  );
  await waitUntilReady(server, 'prometheus', async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  return {
    url,
    async api<T>(path: string, params: Record<string, string | string[]> = {}): Promise<T> {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
      const body = (await (await fetch(`${url}${path}?${query}`)).json()) as {
        status: string;
        data: T;
        error?: string;
      };
      if (body.status !== 'success') throw new Error(`${path} ${query}: ${body.error}`);
      return body.data;
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
