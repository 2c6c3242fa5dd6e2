import { X509Certificate } from 'node:crypto';
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { EqualityFilter } from 'ldapts';
import { isNotFound, type Kube } from '../adapters/k8s/client.ts';
import { type Directory, openDirectory } from '../adapters/ldap/directory.ts';
import type { AttributeMapping, LdapConnector } from '../config/types.ts';
import { ConfigError } from '../config/validate.ts';
import { formatDn, parseDn } from '../core/ldap/dn.ts';
import { referencedSecrets, tlsSecretName } from '../core/reconcile/children.ts';
import { Reason } from '../core/reconcile/conditions.ts';
import type { ListenerRollout } from '../core/reconcile/progress.ts';
import {
  type CertificateInfo,
  type DirectoryInfo,
  type Observations,
  type Provisioned,
  renewalTime,
} from '../core/reconcile/status.ts';
import { directoryOptions, loadListenerConfig } from '../listener/config.ts';
import { exportMarkDn } from '../listener/export-mark.ts';

/** How long the operator waits for the directory when it checks a connector (the listener waits longer). */
const PROBE_TIMEOUT_MS = 10_000;

export function certificateInfo(pem: string): CertificateInfo {
  const certificate = new X509Certificate(pem);
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    renewalTime: renewalTime(notBefore, notAfter).toISOString(),
    dnsNames: (certificate.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
    fingerprint: certificate.fingerprint256,
  };
}

async function readSecret(kube: Kube, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await kube.core.readNamespacedSecret({ name, namespace });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function decoded(secret: V1Secret): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

function manifest(resource: LdapConnector | AttributeMapping): string {
  return dump({
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata: { name: resource.metadata.name },
    spec: resource.spec,
  });
}

/** A listener Deployment's rollout, as its controller reports it (no Deployment: nothing observed yet). */
export function listenerRollout(deployment: V1Deployment | undefined): ListenerRollout {
  return {
    generation: deployment?.metadata?.generation ?? 1,
    observedGeneration: deployment?.status?.observedGeneration ?? 0,
    desired: deployment?.spec?.replicas ?? 1,
    replicas: deployment?.status?.replicas ?? 0,
    updated: deployment?.status?.updatedReplicas ?? 0,
    available: deployment?.status?.availableReplicas ?? 0,
    deadlineExceeded: (deployment?.status?.conditions ?? []).some(
      (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
    ),
  };
}

export interface Gathered {
  observations: Omit<Observations, 'certificateRenewed'>;
  /** The serving certificate's Secret as it is now (undefined: it does not exist yet). */
  tls: { userSupplied: boolean; certificate?: CertificateInfo | undefined };
}

/** Reads everything a reconcile needs, from the API server and the directory: the only I/O before planning. */
export async function gather(
  kube: Kube,
  connector: LdapConnector,
  mappings: readonly AttributeMapping[],
  /** The listener Deployment as the operator's watch last saw it. */
  deployment: V1Deployment | undefined,
): Promise<Gathered> {
  const namespace = connector.metadata.namespace ?? 'default';
  const userSupplied = connector.spec.scim.tls.secretName !== '';
  const secrets = new Map<string, Record<string, string>>();
  const missing: string[] = [];
  for (const { name } of referencedSecrets(connector)) {
    const secret = await readSecret(kube, namespace, name);
    if (secret) secrets.set(name, decoded(secret));
    else if (name !== tlsSecretName(connector) || userSupplied) missing.push(name);
  }
  const tlsPem = secrets.get(tlsSecretName(connector))?.['tls.crt'];
  const certificate = tlsPem ? certificateInfo(tlsPem) : undefined;

  let configProblem: Observations['configProblem'] = null;
  let directory: Observations['directory'] = {
    ok: false,
    reason: Reason.Unreachable,
    message: 'not checked: a Secret is missing',
  };
  if (missing.length) {
    configProblem = { reason: Reason.MissingSecret, message: `missing Secret ${missing.join(', ')}` };
  } else {
    // The same resolution the listener does, so the operator reports what the listener will meet.
    const sources = [connector, ...mappings].map((r) => ({
      name: `${r.kind}/${r.metadata.name}`,
      text: manifest(r),
    }));
    const withoutTls = new Map(
      [...secrets].filter(([name]) => name !== tlsSecretName(connector) || userSupplied),
    );
    try {
      loadListenerConfig(sources, withoutTls);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      configProblem = { reason: Reason.InvalidMapping, message: error.message };
    }
    // The directory is checked whatever the mappings say: reaching it needs only the connector and its Secrets.
    directory = await probeDirectory(directoryOptions(connector, secrets), connector);
  }
  return {
    observations: {
      generation: Number(connector.metadata['generation'] ?? 0),
      configProblem,
      directory,
      listenerAvailable: (deployment?.status?.availableReplicas ?? 0) > 0,
      listenerReplicas: {
        available: deployment?.status?.availableReplicas ?? 0,
        desired: deployment?.spec?.replicas ?? connector.spec.scim.replicas,
      },
      listenerRollout: listenerRollout(deployment),
      certificate: certificate ? { ...certificate, userSupplied } : undefined,
    },
    tls: { userSupplied, certificate },
  };
}

/**
 * What the listener provisioned, from the directory: entries of the connector's user and group classes below its
 * base, and when the listener last wrote (the mark it keeps under ou=scim-ldap).
 */
async function provisioned(directory: Directory, connector: LdapConnector): Promise<Provisioned> {
  const count = async (objectClass: string) =>
    (
      await directory.search(connector.spec.baseDN, {
        filter: new EqualityFilter({ attribute: 'objectClass', value: objectClass }),
        attributes: ['1.1'],
        paged: true,
      })
    ).length;
  const groupClass = connector.spec.group.style === 'posixGroup' ? 'posixGroup' : 'groupOfNames';
  const mark = await directory
    .search(formatDn(exportMarkDn(parseDn(connector.spec.baseDN))), {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['description'],
    })
    .catch(() => []);
  const lastExport = mark[0]?.attributes['description']?.[0];
  return {
    users: await count(connector.spec.user.objectClass),
    groups: await count(groupClass),
    ...(lastExport ? { lastExport } : {}),
  };
}

async function probeDirectory(
  options: Parameters<typeof openDirectory>[0],
  connector: LdapConnector,
): Promise<Observations['directory']> {
  const directory = openDirectory({
    ...options,
    connectTimeoutMs: Math.min(options.connectTimeoutMs, PROBE_TIMEOUT_MS),
    operationTimeoutMs: PROBE_TIMEOUT_MS,
  });
  try {
    const [root] = await directory.search('', {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: [
        'vendorName',
        'vendorVersion',
        'namingContexts',
        'supportedControl',
        'supportedSASLMechanisms',
      ],
    });
    const values = (name: string) => root?.attributes[name] ?? [];
    const info: DirectoryInfo = {
      vendorName: values('vendorName')[0],
      vendorVersion: values('vendorVersion')[0],
      namingContexts: values('namingContexts'),
      supportedControls: values('supportedControl').sort(),
      supportedSASLMechanisms: values('supportedSASLMechanisms').sort(),
    };
    return { ok: true, info, provisioned: await provisioned(directory, connector) };
  } catch (error) {
    const code = (error as { code?: number }).code;
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    if (code === 49 || code === 50)
      return {
        ok: false,
        reason: Reason.BindFailed,
        message: `the directory refused the bind (LDAP result ${code})`,
      };
    return { ok: false, reason: Reason.Unreachable, message: `cannot reach ${options.url}: ${cause}` };
  } finally {
    await directory.close();
  }
}
