import { commandArgs } from './command-args.ts';
import { skippedNote } from './config/load.ts';
import { ConfigError } from './config/validate.ts';
import { startListener } from './listener/server.ts';
import { createLogger } from './log.ts';

export const LISTENER_USAGE = `Usage: scim-ldap listener -f <file or dir> [-f ...] [--secrets <dir>] [--host <addr>] [--port <n>] [--insecure-http]
                          [--metrics-port <n>]

Serves SCIM 2.0 for the LdapConnectors, AttributeMappings and Secrets in the files, at /ecma2host_<connector>/scim
(and /scim when there is one connector). HTTPS unless --insecure-http, which is allowed on loopback only.
--secrets names a folder of mounted Secrets, <dir>/<secret>/<key>, as the operator mounts them.
--metrics-port serves Prometheus /metrics over plain HTTP on its own port (not on the SCIM port); without it,
metrics are not served.
`;

/** `scim-ldap listener`: runs until SIGTERM or SIGINT; exit 1 on invalid configuration, 2 on bad usage. */
export async function listenerCommand(
  args: string[],
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const values = commandArgs(
    'listener',
    LISTENER_USAGE,
    args,
    {
      file: { type: 'string', short: 'f', multiple: true },
      secrets: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'insecure-http': { type: 'boolean' },
      'metrics-port': { type: 'string' },
    },
    out,
    err,
    { port: { min: 1, max: 65535 }, 'metrics-port': { min: 1, max: 65535 } },
  );
  if (typeof values === 'number') return values;
  const { port } = values;
  const metricsPort = values['metrics-port'];
  if (!values.file?.length) {
    err(`scim-ldap listener: -f is required\n\n${LISTENER_USAGE}`);
    return 2;
  }
  const logger = createLogger();
  try {
    const listener = await startListener({
      files: values.file,
      secretsDir: values.secrets,
      host: values.host ?? '0.0.0.0',
      port,
      insecureHttp: values['insecure-http'] === true,
      metricsPort,
      logger,
      onSkipped: (skipped) => err(skippedNote('listener', skipped)),
    });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    logger.info('shutting down');
    await listener.close();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`scim-ldap listener: ${error.message}\n`);
      return 1;
    }
    err(`scim-ldap listener: ${(error as Error).message}\n`);
    return 1;
  }
}
