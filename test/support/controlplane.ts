import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { kubeBinDir } from './paths.ts';
import { ensureTestPki, type TestPki } from './pki.ts';
import { freePort } from './ports.ts';
import { type ServerProcess, startProcess, waitUntilReady } from './process.ts';

/** etcd + kube-apiserver on loopback, started the way controller-runtime's envtest starts them. */
export interface ControlPlane {
  server: string;
  /** Kubeconfig of a certificate-authenticated cluster admin (O=system:masters). */
  kubeconfigPath: string;
  binDir: string;
  dir: string;
  /** Stops kube-apiserver and starts it again on the same port and etcd, as an API server upgrade would. */
  restartApiserver(): Promise<void>;
  /** kill -9 of etcd and kube-apiserver together. */
  crash(): Promise<void>;
  /** After crash(): etcd and kube-apiserver started again on the same data and ports. */
  recover(): Promise<void>;
  stop(): Promise<void>;
}

interface EtcdUrls {
  clientUrl: string;
  peerUrl: string;
}

async function startEtcd(
  binDir: string,
  dir: string,
  urls?: EtcdUrls,
): Promise<{ etcd: ServerProcess } & EtcdUrls> {
  const clientUrl = urls?.clientUrl ?? `http://127.0.0.1:${await freePort()}`;
  const peerUrl = urls?.peerUrl ?? `http://127.0.0.1:${await freePort()}`;
  const etcd = startProcess(
    join(binDir, 'etcd'),
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    join(dir, 'etcd.log'),
  );
  await waitUntilReady(etcd, 'etcd', async () => (await fetch(`${clientUrl}/health`)).ok, 30_000);
  return { etcd, clientUrl, peerUrl };
}

function apiserverArgs(dir: string, pki: TestPki, etcdUrl: string, port: number): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${port}/`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
  ];
}

async function isReady(server: string, pki: TestPki): Promise<boolean> {
  const [ca, cert, key] = await Promise.all(
    [pki.caCert, pki.adminCert, pki.adminKey].map((f) => readFile(f)),
  );
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { ca, cert, key, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function kubeconfig(server: string, pki: TestPki): Promise<string> {
  const base64 = async (file: string) => (await readFile(file)).toString('base64');
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': await base64(pki.caCert) } }],
    users: [
      {
        name: 'admin',
        user: {
          'client-certificate-data': await base64(pki.adminCert),
          'client-key-data': await base64(pki.adminKey),
        },
      },
    ],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
    'current-context': 'test',
  });
}

/** Starts etcd, then kube-apiserver, and waits for /readyz; no kubelet, scheduler or controller-manager. */
export async function startControlPlane(): Promise<ControlPlane> {
  const binDir = kubeBinDir();
  const pki = await ensureTestPki();
  const dir = await mkdtemp(join(tmpdir(), 'kube-'));
  const started = await startEtcd(binDir, dir);
  let etcd = started.etcd;
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const launch = async () => {
    const process = startProcess(
      join(binDir, 'kube-apiserver'),
      apiserverArgs(dir, pki, started.clientUrl, port),
      join(dir, 'kube-apiserver.log'),
    );
    await waitUntilReady(process, 'kube-apiserver', () => isReady(server, pki), 90_000);
    return process;
  };
  let apiserver: ServerProcess | undefined;
  try {
    apiserver = await launch();
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, await kubeconfig(server, pki), { mode: 0o600 });
    return {
      server,
      kubeconfigPath,
      binDir,
      dir,
      async restartApiserver() {
        await apiserver?.stop();
        apiserver = await launch();
      },
      async crash() {
        for (const server of [apiserver, etcd]) {
          server?.child.kill('SIGKILL');
          await server?.exited;
        }
      },
      async recover() {
        etcd = (await startEtcd(binDir, dir, started)).etcd;
        apiserver = await launch();
      },
      async stop() {
        await apiserver?.stop();
        await etcd.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await apiserver?.stop();
    await etcd.stop();
    throw error;
  }
}
