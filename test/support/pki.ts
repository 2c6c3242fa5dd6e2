import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths.ts';

const run = promisify(execFile);

/** Certificates shared by every test server: one CA, a loopback server certificate, an admin client certificate. */
export interface TestPki {
  dir: string;
  caCert: string;
  caKey: string;
  /** Server certificate for localhost, 127.0.0.1 and the test cluster's node address, signed by the CA. */
  serverCert: string;
  serverKey: string;
  /** Client certificate CN=admin, O=system:masters (Kubernetes cluster-admin), signed by the CA. */
  adminCert: string;
  adminKey: string;
  /** Key pair the kube-apiserver signs and verifies service-account tokens with. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

// Generated once and reused: RSA key generation is most of a fresh fixture's start-up time.
const PKI_VERSION = 'v2';
// The test cluster's node address (scripts/cluster.sh), where a test slapd also listens for the cluster's pods.
export const CLUSTER_NODE_IP = '172.30.0.1';
const VALID_DAYS = '3650';

function pkiAt(dir: string): TestPki {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

async function signedCertificate(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    VALID_DAYS,
    '-extfile',
    `${name}.ext`,
  ]);
}

async function generate(dir: string): Promise<void> {
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    VALID_DAYS,
    '-subj',
    '/CN=scim-ldap-operator test CA',
  ]);
  await signedCertificate(
    dir,
    'server',
    '/CN=localhost',
    `subjectAltName=DNS:localhost,IP:127.0.0.1,IP:${CLUSTER_NODE_IP}\nextendedKeyUsage=serverAuth\n`,
  );
  await signedCertificate(dir, 'admin', '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth\n');
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

/** Returns the shared test PKI, generating it on first use. Safe when several test workers race. */
export async function ensureTestPki(): Promise<TestPki> {
  const dir = join(cacheDir(), `test-pki-${PKI_VERSION}`);
  if (existsSync(join(dir, 'sa.pub'))) return pkiAt(dir);
  await mkdir(cacheDir(), { recursive: true });
  const staging = await mkdtemp(`${dir}.partial-`);
  await generate(staging);
  try {
    await rename(staging, dir);
  } catch (error) {
    // Another worker finished first: use its files.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'sa.pub'))) throw error;
  }
  return pkiAt(dir);
}
