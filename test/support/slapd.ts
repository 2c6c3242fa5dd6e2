import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { testDataPath } from './paths.ts';
import { ensureTestPki, type TestPki } from './pki.ts';
import { freePort } from './ports.ts';
import { type ServerProcess, startProcess, waitUntilReady } from './process.ts';

const run = promisify(execFile);

/** A throwaway OpenLDAP server on loopback, with its own data folder. */
export interface Slapd {
  baseDN: string;
  adminDN: string;
  adminPassword: string;
  ldapUrl: string;
  ldapsUrl: string;
  /** The ldap:// and ldaps:// ports, on every address slapd listens on. */
  port: number;
  tlsPort: number;
  /** Path of the ldapi:// socket; a client connecting as this process's uid may manage cn=config and the data. */
  ldapiPath: string;
  /** PEM of the CA that signed the server certificate (for localhost and 127.0.0.1). */
  caCertPath: string;
  /** A client certificate (signed by that CA) that a SASL EXTERNAL bind maps to the admin (olcAuthzRegexp). */
  externalClient: { certPath: string; keyPath: string };
  dir: string;
  pid: number;
  stop(): Promise<void>;
  /** kill -9, keeping the data: a crash. */
  kill(): Promise<void>;
  /** Starts slapd again on the same data and ports, after kill(). */
  restart(): Promise<void>;
  /**
   * Tears down every client's TCP connection to the ldap:// and ldaps:// ports (the kernel aborts the client
   * sockets and resets the peer), while slapd runs on, as a firewall or a load balancer failover would; returns
   * how many.
   */
  dropClientConnections(): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A simple bind as `dn` on a connection of its own; a wrong password rejects with InvalidCredentialsError. */
export async function bindAs(ldapUrl: string, dn: string, password: string): Promise<void> {
  const client = new Client({ url: ldapUrl, timeout: 5000 });
  try {
    await client.bind(dn, password);
  } finally {
    await client.unbind();
  }
}

export interface SlapdOptions {
  /** Suffix of the directory (default dc=example,dc=org); the admin is cn=admin under it. */
  baseDN?: string;
  /** LDIF files loaded with slapadd before start (default: test/data/base.ldif). */
  seed?: string[];
  /** Skip fsync on commit (olcDbNoSync), as benchmarks of the write path may choose; never durable. */
  noSync?: boolean;
  /** RFC 2307 flavour: nis (posixGroup structural; default) or rfc2307bis (posixGroup auxiliary). */
  posixSchema?: 'nis' | 'rfc2307bis';
  /** More schema LDIF files (cn=config form), loaded after the standard ones. */
  extraSchema?: string[];
  /** A further address to listen on, beside loopback, with the same ports (the test cluster's node address). */
  listenAddress?: string;
}

const DEFAULT_BASE_DN = 'dc=example,dc=org';
const ADMIN_PASSWORD = 'admin-secret';
const SLAPD = process.env['SLAPD'] ?? '/usr/sbin/slapd';
const SLAPADD = process.env['SLAPADD'] ?? '/usr/sbin/slapadd';
// Modules loaded at start so later tests can add overlays at run time through ldapi.
const MODULES = ['back_mdb', 'accesslog', 'ppolicy', 'pw-sha2', 'unique'];
const SCHEMA_FILES = {
  nis: ['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `/etc/ldap/schema/${s}.ldif`),
  rfc2307bis: ['core', 'cosine', 'gosa/rfc2307bis', 'inetorgperson'].map((s) => `/etc/ldap/schema/${s}.ldif`),
};

function peercredDN(): string {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return `gidNumber=${gid}+uidNumber=${uid},cn=peercred,cn=external,cn=auth`;
}

export function configLdif(
  dir: string,
  pki: TestPki,
  baseDN: string,
  noSync = false,
  posixSchema: 'nis' | 'rfc2307bis' = 'nis',
  extraSchema: readonly string[] = [],
): string {
  const local = peercredDN();
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
olcArgsFile: ${dir}/slapd.args
olcTLSCACertificateFile: ${pki.caCert}
olcTLSCertificateFile: ${pki.serverCert}
olcTLSCertificateKeyFile: ${pki.serverKey}
olcTLSProtocolMin: 3.3
olcTLSVerifyClient: try
olcAuthzRegexp: {0}"^cn=admin,o=system:masters$" "cn=admin,${baseDN}"

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
${MODULES.map((m) => `olcModuleLoad: ${m}`).join('\n')}

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${[...SCHEMA_FILES[posixSchema], ...extraSchema].map((file) => `include: file://${file}`).join('\n\n')}

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcPasswordHash: {SSHA512}

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact="${local}" manage by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${baseDN}
olcDbDirectory: ${dir}/db
olcDbMaxSize: 4294967296
olcDbNoSync: ${noSync ? 'TRUE' : 'FALSE'}
olcRootDN: cn=admin,${baseDN}
olcRootPW: ${ADMIN_PASSWORD}
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail eq,sub
olcDbIndex: uidNumber,gidNumber,memberUid,member,entryUUID eq
olcAccess: {0}to attrs=userPassword,shadowLastChange by dn.exact="${local}" manage by self write by anonymous auth by * none
olcAccess: {1}to * by dn.exact="${local}" manage by * read
`;
}

async function slapadd(dir: string, args: string[]): Promise<void> {
  await run(SLAPADD, ['-q', '-F', join(dir, 'slapd.d'), ...args]);
}

async function answersRootDse(url: string): Promise<boolean> {
  const client = new Client({ url, timeout: 1000, connectTimeout: 1000 });
  try {
    const { searchEntries } = await client.search('', { scope: 'base', attributes: ['namingContexts'] });
    return searchEntries.length === 1;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function launch(
  dir: string,
  ldapiPath: string,
  addresses: readonly string[],
  ports?: { port: number; tlsPort: number },
): Promise<{ server: ServerProcess; port: number; tlsPort: number }> {
  const port = ports?.port ?? (await freePort());
  const tlsPort = ports?.tlsPort ?? (await freePort());
  const urls = [
    ...addresses.flatMap((address) => [`ldap://${address}:${port}/`, `ldaps://${address}:${tlsPort}/`]),
    `ldapi://${encodeURIComponent(ldapiPath)}`,
  ].join(' ');
  // -d 0 keeps slapd in the foreground, so it is our child and we stop it by its PID.
  const server = startProcess(
    SLAPD,
    ['-F', join(dir, 'slapd.d'), '-h', urls, '-d', '0'],
    join(dir, 'slapd.log'),
  );
  await waitUntilReady(server, 'slapd', () => answersRootDse(`ldap://127.0.0.1:${port}`), 10_000);
  return { server, port, tlsPort };
}

/** Starts a seeded slapd with ldap://, ldaps:// and ldapi:// listeners; stop() kills it and removes its folder. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const pki = await ensureTestPki();
  const dir = await mkdtemp(join(tmpdir(), 'slapd-'));
  await mkdir(join(dir, 'slapd.d'));
  await mkdir(join(dir, 'db'));
  const baseDN = options.baseDN ?? DEFAULT_BASE_DN;
  await writeFile(
    join(dir, 'config.ldif'),
    configLdif(dir, pki, baseDN, options.noSync, options.posixSchema, options.extraSchema),
  );
  await slapadd(dir, ['-n0', '-l', join(dir, 'config.ldif')]);
  for (const file of options.seed ?? [testDataPath('base.ldif')]) {
    await slapadd(dir, ['-b', baseDN, '-l', file]);
  }
  const ldapiPath = join(dir, 'ldapi');
  const addresses = ['127.0.0.1', ...(options.listenAddress ? [options.listenAddress] : [])];
  let started: Awaited<ReturnType<typeof launch>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await launch(dir, ldapiPath, addresses);
    } catch (error) {
      // Another process may have taken a port between freePort() and slapd's bind.
      if (attempt === 3) throw error;
    }
  }
  const { port, tlsPort } = started;
  let server = started.server;
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const kill = async (): Promise<void> => {
    server.child.kill('SIGKILL');
    await server.exited;
  };
  const restart = async (): Promise<void> => {
    server = (await launch(dir, ldapiPath, addresses, { port, tlsPort })).server;
  };
  const dropClientConnections = async (): Promise<number> => {
    if (process.getuid?.() !== 0) throw new Error('dropping connections (ss -K) needs root');
    const filter = [
      'dst',
      '127.0.0.1',
      'and',
      '(',
      'dport',
      '=',
      `:${port}`,
      'or',
      'dport',
      '=',
      `:${tlsPort}`,
      ')',
    ];
    const { stdout } = await run('ss', ['-K', '-4', '-t', '-n', ...filter]);
    return stdout.split('\n').filter((line) => line.startsWith('ESTAB')).length;
  };
  return {
    baseDN,
    adminDN: `cn=admin,${baseDN}`,
    adminPassword: ADMIN_PASSWORD,
    ldapUrl: `ldap://127.0.0.1:${port}`,
    ldapsUrl: `ldaps://localhost:${tlsPort}`,
    port,
    tlsPort,
    ldapiPath,
    caCertPath: pki.caCert,
    externalClient: { certPath: pki.adminCert, keyPath: pki.adminKey },
    dir,
    pid: server.child.pid ?? -1,
    stop,
    kill,
    restart,
    dropClientConnections,
    [Symbol.asyncDispose]: stop,
  };
}
