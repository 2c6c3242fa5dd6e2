import type { TestProject } from 'vitest/node';
import { type ControlPlane, startControlPlane } from './controlplane.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Kubeconfig (cluster admin) of the run's kube-apiserver. */
    kubeconfig: string;
    /** Folder with the kubectl (and helm) binaries matching that kube-apiserver. */
    kubeBinDir: string;
  }
}

// One control plane per test run: starting kube-apiserver takes seconds, and tests isolate by namespace.
let controlPlane: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  controlPlane = await startControlPlane();
  project.provide('kubeconfig', controlPlane.kubeconfigPath);
  project.provide('kubeBinDir', controlPlane.binDir);
}

export async function teardown(): Promise<void> {
  await controlPlane?.stop();
}
