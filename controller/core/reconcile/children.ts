import { dump } from 'js-yaml';
import { API_VERSION } from '../../config/schema.ts';
import type { AttributeMapping, LdapConnector } from '../../config/types.ts';

/** A Kubernetes object as plain data, ready for server-side apply. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  [field: string]: unknown;
}

export const CONFIG_PATH = '/etc/scim-ldap/config';
export const SECRETS_PATH = '/etc/scim-ldap/secrets';

/** The listener's Prometheus port (plain HTTP), unless spec.scim.port takes it: then the next one. */
export const LISTENER_METRICS_PORT = 9090;

export function metricsPort(connector: LdapConnector): number {
  return connector.spec.scim.port === LISTENER_METRICS_PORT
    ? LISTENER_METRICS_PORT + 1
    : LISTENER_METRICS_PORT;
}

export function childName(connector: LdapConnector): string {
  return `${connector.metadata.name}-scim`;
}

/** The Secret holding the serving certificate: the user's, or the one the operator generates and renews. */
export function tlsSecretName(connector: LdapConnector): string {
  return connector.spec.scim.tls.secretName || `${childName(connector)}-tls`;
}

const LISTENER_LABELS = {
  'app.kubernetes.io/name': 'scim-ldap-listener',
  'app.kubernetes.io/managed-by': 'scim-ldap-operator',
};

/** Label selector of every listener child the operator manages, whatever its connector. */
export const LISTENER_SELECTOR = Object.entries(LISTENER_LABELS)
  .map(([name, value]) => `${name}=${value}`)
  .join(',');

// Only our own labels: never the connector's, so Argo CD's tracking label or annotation is not copied.
function labels(connector: LdapConnector): Record<string, string> {
  return { ...LISTENER_LABELS, 'app.kubernetes.io/instance': connector.metadata.name };
}

function metadata(connector: LdapConnector, name: string) {
  return {
    name,
    namespace: connector.metadata.namespace ?? 'default',
    labels: labels(connector),
    ownerReferences: [
      {
        apiVersion: API_VERSION,
        kind: 'LdapConnector',
        name: connector.metadata.name,
        uid: String(connector.metadata['uid'] ?? ''),
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** The Secrets the listener reads, each key at `<secret>/<key>` under SECRETS_PATH. */
export function referencedSecrets(connector: LdapConnector): { name: string; keys: string[] }[] {
  const { spec } = connector;
  const refs: { name: string; key: string }[] = [
    { name: spec.scim.tokenSecretRef.name, key: spec.scim.tokenSecretRef.key },
    { name: tlsSecretName(connector), key: 'tls.crt' },
    { name: tlsSecretName(connector), key: 'tls.key' },
  ];
  if (spec.bind.passwordSecretRef) refs.push(spec.bind.passwordSecretRef);
  if (spec.server.caSecretRef) refs.push(spec.server.caSecretRef);
  if (spec.bind.clientCertSecretRef)
    refs.push(
      { name: spec.bind.clientCertSecretRef.name, key: 'tls.crt' },
      { name: spec.bind.clientCertSecretRef.name, key: 'tls.key' },
    );
  const byName = new Map<string, Set<string>>();
  for (const { name, key } of refs) byName.set(name, (byName.get(name) ?? new Set()).add(key));
  return [...byName]
    .map(([name, keys]) => ({ name, keys: [...keys].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The connector as its listener reads it: naming the serving certificate's Secret even when the operator
 * generates it, so the listener serves the mounted certificate instead of making its own.
 */
function servedWithMountedCertificate(connector: LdapConnector): LdapConnector {
  const { spec } = connector;
  return {
    ...connector,
    spec: { ...spec, scim: { ...spec.scim, tls: { secretName: tlsSecretName(connector) } } },
  };
}

function manifest(resource: LdapConnector | AttributeMapping): string {
  return dump(
    {
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: { name: resource.metadata.name },
      spec: resource.spec,
    },
    { lineWidth: -1, noRefs: true },
  );
}

/**
 * The listener's children: a ConfigMap with the connector and its AttributeMappings (the files the listener
 * reads and reloads), a Deployment running `scim-ldap listener` from the operator's image with the Secrets
 * mounted, and a Service on the SCIM and metrics ports. All owned by the connector, so deleting it deletes them.
 */
export function renderChildren(
  connector: LdapConnector,
  mappings: readonly AttributeMapping[],
  image: string,
): KubeObject[] {
  const name = childName(connector);
  const port = connector.spec.scim.port;
  const metrics = metricsPort(connector);
  const configMap: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(connector, name),
    data: Object.fromEntries([
      ['connector.yaml', manifest(servedWithMountedCertificate(connector))],
      ...[...mappings]
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
        .map((m) => [`mapping-${m.metadata.name}.yaml`, manifest(m)]),
    ]),
  };
  const probe = (path: string) => ({
    httpGet: { path, port: 'scim', scheme: 'HTTPS' },
    periodSeconds: 10,
    timeoutSeconds: 5,
  });
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(connector, name),
    spec: {
      replicas: connector.spec.scim.replicas,
      selector: { matchLabels: labels(connector) },
      template: {
        metadata: { labels: labels(connector) },
        spec: {
          automountServiceAccountToken: false,
          // Soft: a single-node cluster still runs every replica.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: labels(connector) },
                  },
                },
              ],
            },
          },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'listener',
              image,
              args: [
                'listener',
                '-f',
                CONFIG_PATH,
                '--secrets',
                SECRETS_PATH,
                '--port',
                String(port),
                '--metrics-port',
                String(metrics),
              ],
              ports: [
                { name: 'scim', containerPort: port, protocol: 'TCP' },
                { name: 'metrics', containerPort: metrics, protocol: 'TCP' },
              ],
              readinessProbe: probe('/readyz'),
              livenessProbe: probe('/healthz'),
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_PATH, readOnly: true },
                { name: 'secrets', mountPath: SECRETS_PATH, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name } },
            {
              name: 'secrets',
              projected: {
                sources: referencedSecrets(connector).map((secret) => ({
                  secret: {
                    name: secret.name,
                    items: secret.keys.map((key) => ({ key, path: `${secret.name}/${key}` })),
                  },
                })),
              },
            },
          ],
        },
      },
    },
  };
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(connector, name),
    spec: {
      type: 'ClusterIP',
      selector: labels(connector),
      ports: [
        { name: 'scim', port, targetPort: 'scim', protocol: 'TCP' },
        { name: 'metrics', port: metrics, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
  // maxUnavailable rather than minAvailable: a drain may still take a single replica, never two at once.
  const budget: KubeObject = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(connector, name),
    spec: { maxUnavailable: 1, selector: { matchLabels: labels(connector) } },
  };
  return [configMap, deployment, service, budget];
}

/** The generated serving certificate's Secret (kubernetes.io/tls), owned by the connector. */
export function renderTlsSecret(
  connector: LdapConnector,
  certificate: { cert: string; key: string },
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: metadata(connector, tlsSecretName(connector)),
    stringData: { 'tls.crt': certificate.cert, 'tls.key': certificate.key },
  };
}

/** The DNS names the listener's certificate must carry: the Service's names inside the cluster. */
export function serviceDnsNames(connector: LdapConnector): string[] {
  const name = childName(connector);
  const namespace = connector.metadata.namespace ?? 'default';
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}
