import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';

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
