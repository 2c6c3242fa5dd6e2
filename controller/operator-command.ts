import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from './log.ts';
import { startOperator } from './operator/controller.ts';

export const OPERATOR_USAGE = `Usage: scim-ldap operator [--namespace <ns>] [--image <listener image>] [--resync-seconds <n>] [--certificate-days <n>]

Reconciles LdapConnectors and AttributeMappings into running SCIM listeners. Uses KUBECONFIG, or the pod's
service account in a cluster. The listener image defaults to $SCIM_LDAP_IMAGE, else scim-ldap-operator:<version>.
Generated serving certificates last --certificate-days (90) and are renewed two thirds into their lifetime.
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
  let values: {
    namespace?: string;
    image?: string;
    'resync-seconds'?: string;
    'certificate-days'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        namespace: { type: 'string' },
        image: { type: 'string' },
        'resync-seconds': { type: 'string' },
        'certificate-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    err(`scim-ldap operator: ${(error as Error).message}\n\n${OPERATOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(OPERATOR_USAGE);
    return 0;
  }
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const logger = createLogger();
  const operator = await startOperator({
    kc,
    namespace: values.namespace,
    image: values.image ?? process.env['SCIM_LDAP_IMAGE'] ?? `scim-ldap-operator:${version()}`,
    logger,
    ...(values['resync-seconds'] ? { resyncMs: Number(values['resync-seconds']) * 1000 } : {}),
    ...(values['certificate-days']
      ? { certificateLifetimeMs: Number(values['certificate-days']) * 24 * 3600 * 1000 }
      : {}),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  logger.info('shutting down');
  await operator.stop();
  return 0;
}
