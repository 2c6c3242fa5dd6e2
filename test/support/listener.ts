import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { type RunningListener, startListener } from '../../controller/listener/server.ts';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';
import { type ServerProcess, startProcess, waitUntilReady } from './process.ts';
import type { Slapd } from './slapd.ts';

export const TOKEN = 'test-token-0123456789';

const UID_DN = 'Join("", "uid=", ToLower(Word([userName], 1, "@")), ",ou=people,dc=example,dc=org")';

/** The contoso mappings, moved to dc=example,dc=org, as YAML list items. */
export function contosoMappings(dnExpression = UID_DN, options: { password?: boolean } = {}): string {
  return `  - {target: -dn-, expression: '${dnExpression}', apply: OnCreate}
  - {target: cn, source: displayName}
  - {target: sn, source: name.familyName}
  - {target: mail, source: userName, match: 1}
  - {target: uid, expression: 'ToLower(Word([userName], 1, "@"))'}
  - {target: uidNumber, allocate: {min: 20000, max: 60000}}
  - {target: gidNumber, constant: "10000"}
  - {target: homeDirectory, expression: 'Join("/", "/home", ToLower(Word([userName], 1, "@")))'}
  - {target: loginShell, constant: /bin/bash}
${options.password === false ? '' : `  - {target: userPassword, expression: 'RandomString(20, 2, 2, 2, 2, "")', apply: OnCreate}\n`}`;
}

export interface ManifestOptions {
  name?: string;
  /** AttributeMapping list items (YAML); default: contosoMappings(). */
  mappings?: string;
  /** The connector's spec.user.attributes; default: the schema's default. */
  attributes?: readonly string[];
  /** The connector's spec.user.auxiliaryObjectClasses; default: the schema's default. */
  auxiliaryObjectClasses?: readonly string[];
  /** More connector spec fields, as YAML lines indented by two spaces (e.g. `  group: {style: groupOfNames}`). */
  spec?: string;
  /** How the listener reaches slapd (default None); LDAPS and StartTLS trust the test CA through caSecretRef. */
  security?: 'None' | 'LDAPS' | 'StartTLS';
  /**
   * How it binds (default Simple, as the admin); SaslExternal presents the test PKI's admin client certificate,
   * which slapd maps to its admin.
   */
  bind?: 'Simple' | 'SaslExternal';
}

/** A PEM file as the body of a YAML block scalar indented by four spaces. */
function indentedPem(path: string): string {
  return readFileSync(path, 'utf8').trimEnd().replaceAll('\n', '\n    ');
}

/** Secrets, an LdapConnector on a test slapd (plain LDAP on loopback unless `security` says) and its AttributeMapping, as YAML. */
export function manifests(slapd: Slapd, options: ManifestOptions = {}): string {
  const name = options.name ?? 'ldap';
  const security = options.security ?? 'None';
  const { port } = new URL(security === 'LDAPS' ? slapd.ldapsUrl : slapd.ldapUrl);
  // TLS checks the name the test certificate carries; the CA goes into the Secret as a block scalar.
  const hostname = security === 'None' ? '127.0.0.1' : 'localhost';
  const tls = security !== 'None';
  const caRef = tls ? `, caSecretRef: {name: ${name}-secrets}` : '';
  const caData = tls ? `\n  ca.crt: |\n    ${indentedPem(slapd.caCertPath)}` : '';
  const external = options.bind === 'SaslExternal';
  const bind = external
    ? `{method: SaslExternal, clientCertSecretRef: {name: ${name}-client}}`
    : `{dn: "${slapd.adminDN}", passwordSecretRef: {name: ${name}-secrets}}`;
  const clientSecret = external
    ? `apiVersion: v1
kind: Secret
metadata: {name: ${name}-client}
type: kubernetes.io/tls
stringData:
  tls.crt: |
    ${indentedPem(slapd.externalClient.certPath)}
  tls.key: |
    ${indentedPem(slapd.externalClient.keyPath)}
---
`
    : '';
  const user = [
    ...(options.attributes ? [`attributes: [${options.attributes.join(', ')}]`] : []),
    ...(options.auxiliaryObjectClasses
      ? [`auxiliaryObjectClasses: [${options.auxiliaryObjectClasses.join(', ')}]`]
      : []),
  ];
  const userSpec = user.length > 0 ? `\n  user: {${user.join(', ')}}` : '';
  return `${clientSecret}apiVersion: v1
kind: Secret
metadata: {name: ${name}-secrets}
stringData:
  password: ${slapd.adminPassword}${caData}
data: {token: ${Buffer.from(TOKEN).toString('base64')}}
---
apiVersion: scim-ldap.io/v1alpha1
kind: LdapConnector
metadata: {name: ${name}}
spec:
  server: {host: ${hostname}, port: ${port}, security: ${security}${caRef}}
  bind: ${bind}
  baseDN: ${slapd.baseDN}${userSpec}${options.spec ? `\n${options.spec}` : ''}
  scim: {tokenSecretRef: {name: ${name}-secrets}}
---
apiVersion: scim-ldap.io/v1alpha1
kind: AttributeMapping
metadata: {name: ${name}-users}
spec:
  connectorRef: {name: ${name}}
  object: User
  mappings:
${options.mappings ?? contosoMappings()}`;
}

export interface TestListener extends RunningListener {
  dir: string;
  /** A request to the listener as Entra makes it: bearer token, SCIM JSON. */
  scim(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies in assertions are read as untyped JSON
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

/** Writes the manifests to a temp folder and runs a listener on it, over loopback HTTP. */
export async function startTestListener(
  files: Record<string, string>,
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestListener> {
  const dir = await mkdtemp(join(tmpdir(), 'listener-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const listener = await startListener({
    files: [dir],
    host: '127.0.0.1',
    port: 0,
    insecureHttp: true,
    metricsPort: 0,
    logger,
    watch: true,
  });
  return {
    ...listener,
    dir,
    async scim(method, path, body, headers = {}) {
      const response = await fetch(`${listener.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
        headers: response.headers,
      };
    },
    async close() {
      await listener.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ListenerProcess extends ServerProcess {
  /** http://127.0.0.1:<port>, the listener's root. */
  url: string;
  /** http://127.0.0.1:<metrics port>, where /metrics is served. */
  metricsUrl: string;
}

/**
 * `scim-ldap listener` as its own process (plain HTTP on loopback) on the manifests in a folder, ready when it
 * returns; its log goes to the folder. `nodeArgs` go to node itself (a CPU profile, for instance).
 */
export async function spawnListener(dir: string, nodeArgs: readonly string[] = []): Promise<ListenerProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const server = startProcess(
    process.execPath,
    [
      ...nodeArgs,
      join(repoRoot, 'controller', 'cli.ts'),
      'listener',
      '-f',
      dir,
      '--insecure-http',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
    ],
    join(dir, `listener-${port}.log`),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, 'listener', async () => (await fetch(`${url}/healthz`)).ok, 30_000);
  return { ...server, url, metricsUrl: `http://127.0.0.1:${metricsPort}` };
}
