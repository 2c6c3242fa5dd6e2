import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helmBin, kubeBinDir, repoRoot } from './paths.ts';

const run = promisify(execFile);

/** The single-node cluster of scripts/cluster.sh: real kubelet, containerd, kube-proxy and control plane. */
export interface TestCluster {
  kubeconfig: string;
  /** kubectl against the cluster; returns stdout, throws with stderr. */
  kubectl(...args: string[]): Promise<string>;
  /** kubectl with a manifest on its standard input (`kubectl apply -f -` and the like). */
  kubectlStdin(input: string, ...args: string[]): Promise<string>;
  /** helm against the cluster; returns stdout, throws with its output. */
  helm(...args: string[]): Promise<string>;
  /** `kubectl get ... -o json`, parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read kubectl's JSON field by field, as users read it.
  get(...args: string[]): Promise<any>;
}

/** Runs a project script, streaming its output to this process's stderr; returns its last line. */
async function script(name: string, args: string[]): Promise<string> {
  const child = spawn(join(repoRoot, 'scripts', name), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`scripts/${name} ${args.join(' ')} exited with ${code}: ${stdout}`);
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** `scripts/cluster.sh up` (which reuses a running cluster), then a client for it. */
export async function clusterUp(): Promise<TestCluster> {
  const last = await script('cluster.sh', ['up']);
  const match = /^export KUBECONFIG=(.+)$/.exec(last);
  if (!match?.[1]) throw new Error(`scripts/cluster.sh up did not end with the KUBECONFIG line: ${last}`);
  const kubeconfig = match[1];
  const bin = join(kubeBinDir(), 'kubectl');
  const kubectl = async (...args: string[]) => {
    try {
      return (await run(bin, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`kubectl ${args.join(' ')} failed: ${stdout ?? ''}${stderr ?? String(error)}`);
    }
  };
  const kubectlStdin = (input: string, ...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(bin, ['--kubeconfig', kubeconfig, ...args], (error, stdout, stderr) =>
        error ? reject(new Error(`kubectl ${args.join(' ')} failed: ${stdout}${stderr}`)) : resolve(stdout),
      );
      child.stdin?.end(input);
    });
  const get = async (...args: string[]) => JSON.parse(await kubectl('get', ...args, '-o', 'json'));
  const helm = async (...args: string[]) => {
    try {
      return (await run(helmBin(), ['--kubeconfig', kubeconfig, ...args])).stdout;
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`helm ${args.join(' ')} failed: ${stdout ?? ''}${stderr ?? String(error)}`);
    }
  };
  return { kubeconfig, kubectl, kubectlStdin, get, helm };
}

/** `scripts/image.sh`: the project's Dockerfile built and loaded into the cluster's containerd. */
export async function buildImage(tag: string): Promise<void> {
  await script('image.sh', ['--tag', tag]);
}

/** Polls until the check returns a value other than undefined, or fails with what it last saw. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    // Said once, so that a long wait on a slow machine is visible while it lasts.
    if (attempt === 0) process.stderr.write(`waiting for ${what}\n`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last: ${String(last)})` : ''}`);
}
