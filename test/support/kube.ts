import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

const run = promisify(execFile);

/** A client configuration for the test run's kube-apiserver, as its cluster admin. */
export function testKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

/** Runs the kubectl built with the test kube-apiserver, against it; returns stdout, throws with stderr. */
export async function kubectl(...args: string[]): Promise<string> {
  const bin = join(inject('kubeBinDir'), 'kubectl');
  try {
    const { stdout } = await run(bin, ['--kubeconfig', inject('kubeconfig'), ...args]);
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${stdout ?? ''}${stderr ?? String(error)}`);
  }
}

/** Creates a namespace for one test file; the control plane has no controller-manager, so it is never deleted. */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const created = await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { generateName: `${prefix}-` } } });
  const name = created.metadata?.name;
  if (!name) throw new Error('the API server returned a namespace without a name');
  return name;
}

/** Applies CRD manifests server-side and waits until the API server serves them. */
export async function applyCrds(path: string, names: readonly string[]): Promise<void> {
  await kubectl('apply', '--server-side', '-f', path);
  await kubectl('wait', '--for=condition=Established', '--timeout=60s', ...names.map((n) => `crd/${n}`));
}
