import { isDeepStrictEqual } from 'node:util';
import {
  AppsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  makeInformer,
  type V1Deployment,
} from '@kubernetes/client-node';
import { apply, type Kube, kubeClients, patchStatus } from '../adapters/k8s/client.ts';
import { createWorkQueue } from '../adapters/k8s/workqueue.ts';
import { GROUP, VERSION } from '../config/schema.ts';
import type { AttributeMapping, LdapConnector } from '../config/types.ts';
import { ConfigError, validateResource } from '../config/validate.ts';
import {
  childName,
  LISTENER_SELECTOR,
  renderChildren,
  renderTlsSecret,
  serviceDnsNames,
} from '../core/reconcile/children.ts';
import type { Condition } from '../core/reconcile/conditions.ts';
import { mappingStatus } from '../core/reconcile/mapping-status.ts';
import {
  type ConnectorEvent,
  certificateAction,
  connectorEvents,
  connectorStatus,
} from '../core/reconcile/status.ts';
import { selfSignedCertificate } from '../listener/tls.ts';
import type { Logger } from '../log.ts';
import { certificateInfo, gather, listenerRollout } from './gather.ts';
import type { OperatorMetrics } from './metrics.ts';

export interface OperatorOptions {
  kc: KubeConfig;
  /** Watch one namespace (namespaced install), or all. */
  namespace?: string | undefined;
  /** The image the listener Deployments run: the operator's own. */
  image: string;
  logger: Logger;
  /** Every connector is reconciled again this often: directory checks and certificate renewal. */
  resyncMs?: number;
  /** Lifetime of generated serving certificates. */
  certificateLifetimeMs?: number;
  metrics?: OperatorMetrics;
  now?: () => Date;
}

const WATCH_GRACE_MS = 60_000;

type Resource = {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; generation?: number };
  status?: Record<string, unknown>;
};

const key = (namespace: string | undefined, name: string | undefined) =>
  `${namespace ?? 'default'}/${name ?? ''}`;

/** Records a Kubernetes Event on the connector; an Event that cannot be written is not worth failing for. */
async function record(kube: Kube, connector: LdapConnector, event: ConnectorEvent, at: Date): Promise<void> {
  const namespace = connector.metadata.namespace ?? 'default';
  const { name } = connector.metadata;
  await kube.core
    .createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${name}.`, namespace },
        involvedObject: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'LdapConnector',
          name,
          namespace,
          uid: String(connector.metadata['uid'] ?? ''),
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: 'scim-ldap-operator' },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      },
    })
    .catch(() => undefined);
}

/** Watches LdapConnectors and AttributeMappings and reconciles each connector: gather → plan → apply → status. */
export async function startOperator(options: OperatorOptions) {
  const { kc, logger } = options;
  const now = options.now ?? (() => new Date());
  const kube: Kube = kubeClients(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const path = (plural: string) =>
    `/apis/${GROUP}/${VERSION}${options.namespace ? `/namespaces/${options.namespace}` : ''}/${plural}`;
  const lister = (plural: string) => () =>
    (options.namespace
      ? custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: options.namespace,
          plural,
        })
      : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })) as never;
  const connectors = makeInformer<Resource & LdapConnector>(
    kc,
    path('ldapconnectors'),
    lister('ldapconnectors'),
  );
  const mappings = makeInformer<Resource & AttributeMapping>(
    kc,
    path('attributemappings'),
    lister('attributemappings'),
  );
  // The listener Deployments, so that a connector's status follows its listener becoming available (or not)
  // when it happens rather than at the next resync.
  const apps = kc.makeApiClient(AppsV1Api);
  const deployments = makeInformer<V1Deployment>(
    kc,
    `/apis/apps/v1${options.namespace ? `/namespaces/${options.namespace}` : ''}/deployments`,
    () =>
      (options.namespace
        ? apps.listNamespacedDeployment({ namespace: options.namespace, labelSelector: LISTENER_SELECTOR })
        : apps.listDeploymentForAllNamespaces({ labelSelector: LISTENER_SELECTOR })) as never,
    LISTENER_SELECTOR,
  );

  const metrics = options.metrics;
  const queue = createWorkQueue({
    process: async (k) => {
      const end = metrics?.duration.startTimer();
      await reconcile(k);
      end?.();
      metrics?.reconciles.inc({ result: 'success' });
    },
    onError: (k, error) => {
      metrics?.reconciles.inc({ result: 'error' });
      logger.warn({ connector: k, err: { message: (error as Error).message } }, 'reconcile failed; retrying');
    },
  });

  async function reconcile(connectorKey: string): Promise<void> {
    const [namespace, name] = connectorKey.split('/') as [string, string];
    const cached = connectors.get(name, namespace);
    const connectorMappings = mappings.list(namespace).filter((m) => m.spec?.connectorRef?.name === name);
    if (!cached) {
      // A deleted connector's series go too: a listener removed on purpose is not a listener down.
      for (const gauge of [
        metrics?.certificateExpiry,
        metrics?.directoryReachable,
        metrics?.listenerReplicasAvailable,
      ])
        gauge?.remove({ namespace, connector: name });
      for (const object of ['users', 'groups'])
        metrics?.directoryEntries.remove({ namespace, connector: name, object });
      await mappingStatuses(connectorMappings, undefined, null);
      return;
    }
    const start = Date.now();
    let connector: LdapConnector;
    try {
      connector = validateResource(structuredClone(cached)) as LdapConnector;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.warn({ connector: connectorKey }, 'connector fails validation');
      return;
    }
    const valid: AttributeMapping[] = [];
    for (const mapping of connectorMappings) {
      try {
        valid.push(validateResource(structuredClone(mapping)) as AttributeMapping);
      } catch {
        // Reported in the mapping's own status by the listener configuration check below.
      }
    }
    const gathered = await gather(kube, connector, valid, deployments.get(childName(connector), namespace));
    const labels = { namespace, connector: name };
    const { directory, listenerReplicas } = gathered.observations;
    metrics?.directoryReachable.set(labels, directory.ok ? 1 : 0);
    metrics?.listenerReplicasAvailable.set(labels, listenerReplicas?.available ?? 0);
    if (directory.ok)
      for (const object of ['users', 'groups'] as const)
        metrics?.directoryEntries.set({ ...labels, object }, directory.provisioned[object]);

    // Plan and apply: the children, and a generated certificate when one is due.
    let renewed = false;
    if (!gathered.tls.userSupplied && certificateAction(gathered.tls.certificate, now()) !== 'keep') {
      const lifetime = options.certificateLifetimeMs ?? 90 * 24 * 3600 * 1000;
      const issued = await selfSignedCertificate(serviceDnsNames(connector), lifetime);
      await apply(kube, renderTlsSecret(connector, issued));
      gathered.observations.certificate = { ...certificateInfo(issued.cert), userSupplied: false };
      renewed = true;
      logger.info(
        { connector: connectorKey, notAfter: gathered.observations.certificate.notAfter },
        'serving certificate issued',
      );
    }
    for (const child of renderChildren(connector, valid, options.image)) {
      const applied = await apply(kube, child);
      // The Deployment as just applied: a new spec is rolling out even though the watch has not seen it yet.
      if (applied.kind === 'Deployment')
        gathered.observations.listenerRollout = listenerRollout(applied as V1Deployment);
    }

    const previous = cached.status as Parameters<typeof connectorStatus>[0];
    const status = connectorStatus(
      previous,
      { ...gathered.observations, certificateRenewed: renewed },
      now(),
    );
    if (status.certificate) {
      metrics?.certificateExpiry.set(
        { namespace, connector: name },
        new Date(status.certificate.notAfter).getTime() / 1000,
      );
    }
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(status)), previous ?? {})) {
      const written = await patchStatus(
        kube,
        { group: GROUP, version: VERSION, plural: 'ldapconnectors', namespace, name },
        status,
      );
      if (!written) queue.add(connectorKey);
      else
        for (const event of connectorEvents(previous, status, renewed))
          await record(kube, connector, event, now());
    }
    await mappingStatuses(connectorMappings, name, gathered.observations.configProblem?.message ?? null);
    logger.debug({ connector: connectorKey, ms: Date.now() - start }, 'reconciled');
  }

  /** Each AttributeMapping's status: its own problems, named by position, or the connector's verdict. */
  async function mappingStatuses(
    list: readonly (Resource & AttributeMapping)[],
    connector: string | undefined,
    problem: string | null,
  ): Promise<void> {
    for (const mapping of list) {
      const name = mapping.metadata?.name ?? '';
      const status = mappingStatus(
        mapping.status as { conditions?: Condition[] } | undefined,
        {
          name,
          generation: mapping.metadata?.generation ?? 0,
          connectorRef: mapping.spec?.connectorRef?.name,
          connector,
          problem,
          mappings: mapping.spec?.mappings?.length ?? 0,
        },
        now(),
      );
      if (!isDeepStrictEqual(status, JSON.parse(JSON.stringify(mapping.status ?? {})))) {
        await patchStatus(
          kube,
          {
            group: GROUP,
            version: VERSION,
            plural: 'attributemappings',
            namespace: mapping.metadata?.namespace ?? 'default',
            name,
          },
          status,
        );
      }
    }
  }

  // A failed watch stops the informer (client-node); restart it with a backoff. The watchdog: readiness fails
  // while a watch has been down for longer than WATCH_GRACE_MS.
  const failingSince = new Map<string, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let stopped = false;
  for (const [name, informer] of [
    ['ldapconnectors', connectors],
    ['attributemappings', mappings],
    ['deployments', deployments],
  ] as const) {
    let delay = 1000;
    informer.on('connect', () => {
      delay = 1000;
      failingSince.delete(name);
    });
    informer.on('error', (error: unknown) => {
      if (stopped) return;
      if (!failingSince.has(name)) failingSince.set(name, Date.now());
      logger.warn({ informer: name, err: { message: (error as Error).message } }, 'watch failed; restarting');
      const restart = setTimeout(() => {
        restarts.delete(restart);
        if (!stopped) void informer.start();
      }, delay).unref();
      restarts.add(restart);
      delay = Math.min(delay * 2, 30_000);
    });
  }
  // Both caches are filled before the first reconcile, so a connector never renders without its mappings.
  await connectors.start();
  await mappings.start();
  await deployments.start();
  const enqueueConnector = (c: Resource) => queue.add(key(c.metadata?.namespace, c.metadata?.name));
  const enqueueMapping = (m: Resource & Partial<AttributeMapping>) =>
    queue.add(key(m.metadata?.namespace, m.spec?.connectorRef?.name));
  // Our own status writes are updates too: only a new generation (a spec change) needs a pass.
  const generations = new Map<string, number | undefined>();
  const changed = (kind: string) => (o: Resource) => {
    const k = `${kind}/${key(o.metadata?.namespace, o.metadata?.name)}`;
    const seen = generations.get(k);
    generations.set(k, o.metadata?.generation);
    return seen === undefined || seen !== o.metadata?.generation;
  };
  const connectorChanged = changed('connector');
  const mappingChanged = changed('mapping');
  connectors.on('add', (c) => {
    connectorChanged(c);
    enqueueConnector(c);
  });
  connectors.on('update', (c) => {
    if (connectorChanged(c)) enqueueConnector(c);
  });
  connectors.on('delete', enqueueConnector);
  mappings.on('add', (m) => {
    mappingChanged(m);
    enqueueMapping(m);
  });
  mappings.on('update', (m) => {
    if (mappingChanged(m)) enqueueMapping(m);
  });
  mappings.on('delete', enqueueMapping);
  // A Deployment's status changes often (conditions, timestamps); only its rollout and available replicas are
  // reported. A deleted one is put back at once.
  const available = new Map<string, string>();
  const ownerKey = (d: V1Deployment) => {
    const owner = d.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'LdapConnector');
    return owner && key(d.metadata?.namespace, owner.name);
  };
  const deploymentChanged = (d: V1Deployment) => {
    const k = ownerKey(d);
    if (!k) return;
    const replicas = JSON.stringify(listenerRollout(d));
    if (available.get(k) !== replicas) queue.add(k);
    available.set(k, replicas);
  };
  deployments.on('add', deploymentChanged);
  deployments.on('update', deploymentChanged);
  deployments.on('delete', (d) => {
    const k = ownerKey(d);
    if (!k) return;
    available.delete(k);
    queue.add(k);
  });

  for (const c of connectors.list()) enqueueConnector(c);
  const resync = setInterval(() => {
    for (const c of connectors.list()) enqueueConnector(c);
    metrics?.queueDepth.set(queue.depth);
  }, options.resyncMs ?? 60_000);
  resync.unref();
  logger.info({ namespace: options.namespace ?? '(all)' }, 'operator started');

  return {
    queue,
    /** False while a watch has failed for more than a minute without reconnecting. */
    watching(): boolean {
      return [...failingSince.values()].every((since) => Date.now() - since < WATCH_GRACE_MS);
    },
    /** Stops taking work, waits for the reconciles running, and stops every informer it started. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(resync);
      for (const restart of restarts) clearTimeout(restart);
      await queue.stop();
      await connectors.stop();
      await mappings.stop();
      await deployments.stop();
    },
  };
}
