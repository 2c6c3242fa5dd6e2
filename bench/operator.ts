// The operator against its own kube-apiserver and one slapd: latency from creating an LdapConnector (with its
// AttributeMapping) to its first status, against the API server's own create round trip in the same run; then
// 200 connectors, the time until all have a status, and the operator's memory.
// Run: node bench/operator.ts [connectors]
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startControlPlane } from '../test/support/controlplane.ts';
import {
  createConnectorSecrets,
  directorySpec,
  spawnOperator,
  testConnector,
  testMapping,
} from '../test/support/operator.ts';
import { startSlapd } from '../test/support/slapd.ts';
import { recordFigures } from './report.ts';

const total = Number(process.argv[2] ?? 200);
const SAMPLES = 20;
const root = join(import.meta.dirname, '..');
const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };
const namespace = 'default';
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

const plane = await startControlPlane();
const slapd = await startSlapd();
const kc = new KubeConfig();
kc.loadFromFile(plane.kubeconfigPath);
const custom = kc.makeApiClient(CustomObjectsApi);
const run = promisify(execFile);
await run(join(plane.binDir, 'kubectl'), [
  '--kubeconfig',
  plane.kubeconfigPath,
  'apply',
  '--server-side',
  '-f',
  join(root, 'crds'),
]);
await run(join(plane.binDir, 'kubectl'), [
  '--kubeconfig',
  plane.kubeconfigPath,
  'wait',
  '--for=condition=Established',
  'crd/ldapconnectors.scim-ldap.io',
  'crd/attributemappings.scim-ldap.io',
]);
await createConnectorSecrets(kc, namespace, slapd.adminPassword);

const create = async (name: string) => {
  await custom.createNamespacedCustomObject({
    ...GROUP,
    plural: 'ldapconnectors',
    namespace,
    body: testConnector(name, directorySpec(slapd)),
  });
  await custom.createNamespacedCustomObject({
    ...GROUP,
    plural: 'attributemappings',
    namespace,
    body: testMapping(name),
  });
};
const hasStatus = async (name: string) =>
  Boolean(
    (
      (await custom.getNamespacedCustomObject({ ...GROUP, plural: 'ldapconnectors', namespace, name })) as {
        status?: { conditions?: unknown[] };
      }
    ).status?.conditions?.length,
  );

// Baseline: the API server's create round trip for a connector and its mapping, nothing watching.
const baseline: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const start = performance.now();
  await create(`baseline-${i}`);
  baseline.push(performance.now() - start);
}
for (let i = 0; i < SAMPLES; i++) {
  await custom.deleteNamespacedCustomObject({
    ...GROUP,
    plural: 'ldapconnectors',
    namespace,
    name: `baseline-${i}`,
  });
  await custom.deleteNamespacedCustomObject({
    ...GROUP,
    plural: 'attributemappings',
    namespace,
    name: `baseline-${i}-users`,
  });
}

const { process: operator, health: healthPort } = await spawnOperator(plane.kubeconfigPath, [
  ...['--namespace', namespace, '--no-leader-elect', '--image', 'x', '--resync-seconds', '3600'],
]);
// Timed from the moment it serves: its caches are filled and its watches open.
while (
  !(await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await new Promise((r) => setTimeout(r, 50));

const latencies: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const start = performance.now();
  await create(`c${i}`);
  while (!(await hasStatus(`c${i}`))) await new Promise((r) => setTimeout(r, 20));
  latencies.push(performance.now() - start);
}
const start = performance.now();
for (let i = SAMPLES; i < total; i++) await create(`c${i}`);
for (let i = SAMPLES; i < total; i++)
  while (!(await hasStatus(`c${i}`))) await new Promise((r) => setTimeout(r, 100));
const allSeconds = (performance.now() - start) / 1000;
const rss =
  Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${operator.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
const heapMiB = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? 0) / 1024 / 1024;

operator.kill('SIGTERM');
await slapd.stop();
await plane.stop();
process.stdout.write(
  [
    `Node ${process.version}; ${total} LdapConnectors, each with an AttributeMapping, one slapd`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| create → first status, p50 / p99 of ${SAMPLES} | ${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)} ms |`,
    `| API server create round trip (baseline), p50 | ${percentile(baseline, 50).toFixed(0)} ms |`,
    `| ${total - SAMPLES} more connectors created at once → all with a status | ${allSeconds.toFixed(1)} s |`,
    `| operator RSS / JavaScript heap used, with ${total} connectors | ${rss.toFixed(0)} / ${heapMiB.toFixed(0)} MiB |`,
    '',
  ].join('\n'),
);
await recordFigures({
  firstStatusP50Ms: percentile(latencies, 50),
  firstStatusP99Ms: percentile(latencies, 99),
  apiCreateP50Ms: percentile(baseline, 50),
  allConnectorsSeconds: allSeconds,
  operatorRssMiB: rss,
  operatorHeapMiB: heapMiB,
});
process.exit(0);
