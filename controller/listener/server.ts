import { isIP } from 'node:net';
import { basename, extname, relative } from 'node:path';
import { createSecureContext } from 'node:tls';
import { watch } from 'chokidar';
import type { FastifyInstance } from 'fastify';
import { buildApp, type ConnectorEndpoint } from '../adapters/http/app.ts';
import { type MetricsServer, serveMetrics } from '../adapters/http/metrics-server.ts';
import { createAllocator } from '../adapters/ldap/allocator.ts';
import { type Directory, DirectoryError, openDirectory } from '../adapters/ldap/directory.ts';
import { readSubschema, type Subschema } from '../adapters/ldap/subschema.ts';
import { ConfigError } from '../config/validate.ts';
import { mustAttributes } from '../core/ldap/schema.ts';
import type { MappingSet } from '../core/mapping/mapping-set.ts';
import { attributeUses } from '../core/mapping/uses.ts';
import { type ConnectorSchema, caseExactAttributes, directoryAttributes } from '../core/scim/discovery.ts';
import type { Logger } from '../log.ts';
import type { ConnectorConfig } from './config.ts';
import { systemContext } from './context.ts';
import { createExportMark } from './export-mark.ts';
import type { ListenerIncidentCode } from './failures.ts';
import { readListenerFiles } from './files.ts';
import { createGroupService } from './groups.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { certificateFingerprint, selfSignedCertificate } from './tls.ts';
import { createUserService, type UserEvent } from './users.ts';

export interface ListenerOptions {
  files: readonly string[];
  /** A folder of mounted Secrets: `<dir>/<secret name>/<key>` files. */
  secretsDir?: string | undefined;
  host: string;
  /** Default: the first connector's spec.scim.port. */
  port?: number | undefined;
  insecureHttp?: boolean;
  /** Serve /metrics over plain HTTP on this port (0: any free one); unset: not served. */
  metricsPort?: number | undefined;
  logger: Logger;
  /** Reload when the files change (default true). */
  watch?: boolean;
  /** Told, once at start, the manifests of other kinds in the files (`Kind/name` each). */
  onSkipped?: (skipped: string[]) => void;
}

export interface RunningListener {
  url: string;
  /** Where /metrics is served, when a metrics port was given. */
  metricsUrl?: string;
  app: FastifyInstance;
  /** The serving certificate (PEM) and its SHA-256 fingerprint (HTTPS only). */
  certificate?: string;
  fingerprint?: string;
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

interface Runtime {
  endpoints: ConnectorEndpoint[];
  directories: Directory[];
  marks: { stop(): void }[];
  tls?: { cert: string; key: string } | undefined;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Whether a changed path can change what the listener loads: a YAML file or a Kubernetes `..data` swap in a
 * watched folder, a file named on the command line, anything in the Secrets folder. Other files (a log written
 * beside the manifests, an editor's backup) would otherwise reload, and so reset, the running configuration.
 */
function changesConfiguration(path: string, options: ListenerOptions): boolean {
  const within = (dir: string) => relative(dir, path) !== '' && !relative(dir, path).startsWith('..');
  if (options.secretsDir && (path === options.secretsDir || within(options.secretsDir))) return true;
  if (options.files.includes(path)) return true;
  return /\.ya?ml$/.test(path) || basename(path).startsWith('..') || !extname(path);
}

/** A failure's log fields: its message and, where there is one, its code; never values it might carry. */
function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof DirectoryError) return { message: error.message, ldapCode: error.code };
  if (error instanceof ConfigError) return { message: error.message, configCode: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}

function runtimeFor(configs: readonly ConnectorConfig[], metrics: Metrics, logger: Logger): Runtime {
  const directories: Directory[] = [];
  const marks: ReturnType<typeof createExportMark>[] = [];
  const endpoints = configs.map((config): ConnectorEndpoint => {
    const raw = openDirectory(config.directory);
    const directory = metrics.instrument(config.name, raw);
    directories.push(directory);
    const allocate = createAllocator(directory, config.set.baseDN, metrics.allocationRemaining(config.name));
    // Bookkeeping, not provisioning: its writes stay out of the LDAP operation metrics.
    const mark = createExportMark(raw, config.set.baseDN, undefined, (error) => {
      metrics.exportMarkFailed(config.name);
      const code: ListenerIncidentCode = 'ExportMarkFailed';
      logger.warn(
        { code, connector: config.name, err: errorFields(error) },
        'could not record the last export',
      );
    });
    marks.push(mark);
    const counted = (record: (event: UserEvent) => void) => (event: UserEvent) => {
      record(event);
      mark.touch();
    };
    const groups = createGroupService({
      set: config.groups,
      users: config.set,
      directory,
      allocate,
      ctx: systemContext(),
      onEvent: counted(metrics.groupEvent(config.name)),
    });
    const users = createUserService({
      set: config.set,
      directory,
      allocate,
      ctx: systemContext(),
      onEvent: counted(metrics.userEvent(config.name)),
      memberships: groups.userChanged,
    });
    let discovery: Promise<ConnectorSchema> | undefined;
    return {
      name: config.name,
      token: config.token,
      users,
      groups,
      discovery: () => {
        const described = (schema: Subschema): ConnectorSchema => {
          const caseExact = caseExactAttributes(schema.attributeTypes);
          const uses = (set: MappingSet) =>
            attributeUses(set, { must: mustAttributes(set.objectClasses, schema.objectClasses), caseExact });
          return {
            users: uses(config.set),
            groups: uses(config.groups),
            directory: directoryAttributes(
              config.set.connector.spec.user.attributes,
              schema.attributeTypes,
              config.set.matching.map((m) => m.target),
            ),
          };
        };
        discovery ??= readSubschema(directory).then(described, () => {
          // Read again next time: the directory may be back, and its subschema decides the shapes.
          discovery = undefined;
          return described({ objectClasses: [], attributeTypes: [] });
        });
        return discovery;
      },
    };
  });
  return { endpoints, directories, marks, tls: configs.find((c) => c.tls)?.tls };
}

// Requests already running on a replaced configuration finish on its connections before they close.
const RETIRE_AFTER_MS = 30_000;

/** Loads the files, serves SCIM over HTTPS (or loopback HTTP), and follows changes to the files. */
export async function startListener(options: ListenerOptions): Promise<RunningListener> {
  const { logger } = options;
  if (options.insecureHttp && !isLoopback(options.host)) {
    throw new Error(`--insecure-http serves plain HTTP only on a loopback address, not ${options.host}`);
  }
  const { configs, skipped } = await readListenerFiles(options.files, options.secretsDir);
  options.onSkipped?.(skipped);
  const metrics = createMetrics();
  let runtime = runtimeFor(configs, metrics, logger);
  metrics.configLoaded();

  let https: { cert: string; key: string } | undefined;
  let fingerprint: string | undefined;
  if (!options.insecureHttp) {
    https = runtime.tls ?? (await selfSignedCertificate([options.host, 'localhost', '127.0.0.1']));
    fingerprint = certificateFingerprint(https.cert);
    logger.info({ fingerprint, selfSigned: !runtime.tls }, 'serving certificate');
  }

  const app = buildApp({
    connectors: () => runtime.endpoints,
    logger,
    metrics,
    https,
    ready: async () =>
      (await Promise.allSettled(runtime.directories.map((d) => d.ping()))).every(
        (r) => r.status === 'fulfilled',
      ),
  });
  function rejected(code: ListenerIncidentCode, error: unknown): false {
    metrics.reloadFailed(code);
    logger.error(
      { code, err: errorFields(error) },
      'configuration change rejected; keeping the last good configuration',
    );
    return false;
  }

  /** Applies the files as they are now; on any failure the running configuration and certificate stay. */
  async function reload(): Promise<boolean> {
    let configs: ConnectorConfig[];
    try {
      ({ configs } = await readListenerFiles(options.files, options.secretsDir));
    } catch (error) {
      return rejected('ConfigRejected', error);
    }
    const tls = https ? configs.find((c) => c.tls)?.tls : undefined;
    const newCertificate = tls && (tls.cert !== https?.cert || tls.key !== https?.key) ? tls : undefined;
    if (newCertificate) {
      // Checked before anything is swapped: a certificate that does not parse, or a key that does not match it.
      try {
        createSecureContext(newCertificate);
      } catch (error) {
        return rejected('ServingCertificateRejected', error);
      }
    }
    const previous = runtime;
    runtime = runtimeFor(configs, metrics, logger);
    if (newCertificate) {
      https = newCertificate;
      (app.server as import('node:https').Server).setSecureContext(newCertificate);
      logger.info(
        { fingerprint: certificateFingerprint(newCertificate.cert) },
        'serving certificate replaced',
      );
    }
    setTimeout(() => {
      for (const mark of previous.marks) mark.stop();
      void Promise.all(previous.directories.map((d) => d.close()));
    }, RETIRE_AFTER_MS).unref();
    metrics.configLoaded();
    logger.info({ connectors: runtime.endpoints.map((e) => e.name) }, 'configuration reloaded');
    return true;
  }

  let timer: NodeJS.Timeout | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reload().catch((error: unknown) => rejected('ConfigRejected', error));
    }, 200);
  };
  const watcher =
    options.watch === false
      ? undefined
      : watch([...options.files, ...(options.secretsDir ? [options.secretsDir] : [])], {
          ignoreInitial: true,
          followSymlinks: true,
          awaitWriteFinish: { stabilityThreshold: 100 },
        })
          .on('all', (_event, path) => {
            if (changesConfiguration(path, options)) reloadSoon();
          })
          // A watch error (a symlink loop, the inotify limit) would end the process unhandled: it is logged
          // and counted, and the files are read again in case it hid a change.
          .on('error', (error: unknown) => {
            metrics.reloadFailed('WatchFailed');
            logger.error(
              { code: 'WatchFailed', err: errorFields(error) },
              'watching the configuration files failed; reading them again',
            );
            reloadSoon();
          });

  // Serving only once the watcher sees changes, so that no change made after start is missed.
  if (watcher) await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  const port = options.port ?? configs[0]?.port ?? 8585;
  await app.listen({ host: options.host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${options.insecureHttp ? 'http' : 'https'}://${host}:${actualPort}`;
  logger.info({ url, connectors: configs.map((c) => `/ecma2host_${c.name}/scim`) }, 'listening');
  let metricsServer: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    try {
      metricsServer = await serveMetrics(metrics.registry, options.host, options.metricsPort);
    } catch (error) {
      await watcher?.close();
      await app.close();
      throw error;
    }
    logger.info({ url: metricsServer.url }, 'serving metrics');
  }

  return {
    url,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    app,
    ...(https && fingerprint ? { certificate: https.cert, fingerprint } : {}),
    reload,
    async close() {
      clearTimeout(timer);
      await watcher?.close();
      await app.close();
      await metricsServer?.close();
      for (const mark of runtime.marks) mark.stop();
      await Promise.all(runtime.directories.map((d) => d.close()));
    },
  };
}
