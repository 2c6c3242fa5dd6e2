import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Git-ignored folder for generated and built test assets (same default as scripts/lib.sh). */
export function cacheDir(): string {
  return process.env['SCIM_LDAP_CACHE_DIR'] ?? join(repoRoot, '.cache');
}

export function testDataPath(...parts: string[]): string {
  return join(repoRoot, 'test', 'data', ...parts);
}

/**
 * Folder holding etcd, kube-apiserver, kubectl and helm: KUBEBUILDER_ASSETS when set (setup-envtest users),
 * otherwise what scripts/bootstrap.sh built.
 */
export function kubeBinDir(): string {
  const dir = process.env['KUBEBUILDER_ASSETS'] ?? join(cacheDir(), 'kube', 'current');
  if (!existsSync(join(dir, 'kube-apiserver'))) {
    throw new Error(
      `no kube-apiserver in ${dir}: run scripts/bootstrap.sh, or set KUBEBUILDER_ASSETS to a folder with etcd, kube-apiserver and kubectl`,
    );
  }
  return dir;
}
