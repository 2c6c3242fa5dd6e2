import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { contosoMappings } from './listener.ts';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';
import type { Slapd } from './slapd.ts';

/** `scim-ldap operator` as its own process against a kubeconfig, with a free health port. */
export async function spawnOperator(
  kubeconfig: string,
  args: string[],
): Promise<{ process: ChildProcess; health: number }> {
  const health = await freePort();
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'controller', 'cli.ts'), 'operator', '--health-port', String(health), ...args],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return { process: child, health };
}

/** An LdapConnector manifest; `server` and others override the defaults (a directory nobody listens on). */
export function testConnector(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'LdapConnector',
    metadata: { name },
    spec: {
      server: { host: '127.0.0.1', port: 1, security: 'None' },
      bind: { dn: 'cn=admin,dc=example,dc=org', passwordSecretRef: { name: 'bind' } },
      baseDN: 'dc=example,dc=org',
      scim: { tokenSecretRef: { name: 'token' } },
      ...spec,
    },
  };
}

/** testConnector's spec fields for a test slapd (plain LDAP on loopback, bound as its admin). */
export function directorySpec(slapd: Slapd) {
  return {
    server: { host: '127.0.0.1', port: Number(new URL(slapd.ldapUrl).port), security: 'None' },
    bind: { dn: slapd.adminDN, passwordSecretRef: { name: 'bind' } },
    baseDN: slapd.baseDN,
  };
}

/** The Secrets testConnector refers to: `bind` (the directory password) and `token` (the SCIM bearer token). */
export async function createConnectorSecrets(
  kc: KubeConfig,
  namespace: string,
  password: string,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'bind' }, stringData: { password } },
  });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'token' }, stringData: { token: 'connector-token-0123456789' } },
  });
}

/** An AttributeMapping `<connector>-users` with the contoso user mappings, for the named connector. */
export function testMapping(connector: string) {
  return {
    apiVersion: 'scim-ldap.io/v1alpha1',
    kind: 'AttributeMapping',
    metadata: { name: `${connector}-users` },
    spec: {
      connectorRef: { name: connector },
      object: 'User',
      mappings: (load(`m:\n${contosoMappings()}`) as { m: unknown[] }).m,
    },
  };
}

/** In a namespace: the Secrets, an LdapConnector `ldap` on the test slapd and its AttributeMapping `ldap-users`. */
export async function createTestConnector(kc: KubeConfig, namespace: string, slapd: Slapd): Promise<void> {
  await createConnectorSecrets(kc, namespace, slapd.adminPassword);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const group = { group: 'scim-ldap.io', version: 'v1alpha1', namespace };
  await custom.createNamespacedCustomObject({
    ...group,
    plural: 'ldapconnectors',
    body: testConnector('ldap', directorySpec(slapd)),
  });
  await custom.createNamespacedCustomObject({
    ...group,
    plural: 'attributemappings',
    body: testMapping('ldap'),
  });
}
