import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { reuseConnections } from './adapters/k8s/client.ts';
import { electLeader } from './adapters/k8s/lease.ts';
import { commandArgs } from './command-args.ts';
import { createLogger } from './log.ts';
import { startOperator } from './operator/controller.ts';
import { createOperatorMetrics, type OperatorMetrics } from './operator/metrics.ts';

export const OPERATOR_USAGE = `Usage: scim-ldap operator [--namespace <ns>] [--image <listener image>] [--resync-seconds <n>] [--certificate-days <n>]
                          [--health-port <n>] [--no-leader-elect] [--lease-namespace <ns>]

Reconciles LdapConnectors and AttributeMappings into running SCIM listeners. Uses KUBECONFIG, or the pod's
service account in a cluster. The listener image defaults to $SCIM_LDAP_IMAGE, else scim-ldap-operator:<version>.
Generated serving certificates last --certificate-days (90) and are renewed two thirds into their lifetime.
Replicas elect a leader on the Lease scim-ldap-operator (in --lease-namespace, $POD_NAMESPACE or default);
only the leader reconciles. /healthz, /readyz and /metrics are served on --health-port (8081).
`;

function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

/** `scim-ldap operator`: runs until SIGTERM or SIGINT. */
export async function operatorCommand(
  args: string[],
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const values = commandArgs(
    'operator',
    OPERATOR_USAGE,
    args,
    {
      namespace: { type: 'string' },
      image: { type: 'string' },
      'resync-seconds': { type: 'string' },
      'certificate-days': { type: 'string' },
      'health-port': { type: 'string' },
      'no-leader-elect': { type: 'boolean' },
      'lease-namespace': { type: 'string' },
    },
    out,
    err,
    {
      'resync-seconds': { min: 1 },
      // Fractions of a day are allowed (the chart's certificateDays is a number); a century at most.
      'certificate-days': { min: 0, max: 36500, fraction: true },
      'health-port': { min: 1, max: 65535 },
    },
  );
  if (typeof values === 'number') return values;
  const kc = reuseConnections(new KubeConfig());
  kc.loadFromDefault();
  const logger = createLogger();
  const metrics = createOperatorMetrics();
  let operator: Awaited<ReturnType<typeof startOperator>> | undefined;
  let election: ReturnType<typeof electLeader> | undefined;
  let starting: Promise<void> | undefined;
  const start = () =>
    (starting ??= (async () => {
      operator = await startOperator({
        kc,
        namespace: values.namespace,
        image: values.image ?? process.env['SCIM_LDAP_IMAGE'] ?? `scim-ldap-operator:${version()}`,
        logger,
        metrics,
        ...(values['resync-seconds'] ? { resyncMs: values['resync-seconds'] * 1000 } : {}),
        ...(values['certificate-days']
          ? { certificateLifetimeMs: values['certificate-days'] * 24 * 3600 * 1000 }
          : {}),
      });
    })());
  let stopping: (() => void) | undefined;
  const done = new Promise<number>((resolve) => {
    stopping = () => resolve(0);
    process.once('SIGTERM', () => resolve(0));
    process.once('SIGINT', () => resolve(0));
  });
  let lostLeadership = false;
  if (values['no-leader-elect']) await start();
  else {
    election = electLeader({
      kc,
      namespace: values['lease-namespace'] ?? process.env['POD_NAMESPACE'] ?? values.namespace ?? 'default',
      name: 'scim-ldap-operator',
      identity: `${hostname()}-${process.pid}`,
      logger,
      onStartedLeading: start,
      // A leader that lost its lease stops at once, as client-go's do; its pod restarts as a candidate.
      onStoppedLeading: () => {
        lostLeadership = true;
        stopping?.();
      },
    });
  }
  const health = await serveHealth(values['health-port'] ?? 8081, metrics, () =>
    !election || election.leading ? operator?.watching() === true : true,
  );
  const code = await done;
  logger.info('shutting down');
  await health.close();
  // The work first, the lease last: reconciles still running finish while this replica holds the lease.
  await starting?.catch(() => undefined);
  await operator?.stop();
  await election?.stop();
  if (lostLeadership) return 1;
  return code;
}

/** /healthz, /readyz (ready once reconciling, or standing by as a candidate) and /metrics. */
async function serveHealth(
  port: number,
  metrics: OperatorMetrics,
  ready: () => boolean,
): Promise<{ close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    if (request.url === '/metrics') {
      response
        .writeHead(200, { 'content-type': metrics.registry.contentType })
        .end(await metrics.registry.metrics());
    } else if (request.url === '/healthz') {
      response.writeHead(200).end('ok');
    } else if (request.url === '/readyz') {
      const ok = ready();
      response.writeHead(ok ? 200 : 503).end(ok ? 'ready' : 'starting');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
