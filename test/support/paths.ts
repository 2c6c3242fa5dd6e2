import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The helm binary scripts/bootstrap.sh built ($HELM overrides). */
export function helmBin(): string {
  if (process.env['HELM']) return process.env['HELM'];
  const dir = join(cacheDir(), 'helm');
  const version = existsSync(dir) ? readdirSync(dir).sort().pop() : undefined;
  const bin = version ? join(dir, version, 'helm') : '';
  if (!existsSync(bin)) throw new Error(`no helm under ${dir}: run scripts/bootstrap.sh, or set HELM`);
  return bin;
}

/** The kstatus command scripts/bootstrap.sh built from tools/kstatus, at the version its go.mod pins ($KSTATUS overrides). */
export function kstatusBin(): string {
  if (process.env['KSTATUS']) return process.env['KSTATUS'];
  const goMod = readFileSync(join(repoRoot, 'tools', 'kstatus', 'go.mod'), 'utf8');
  const version = /sigs\.k8s\.io\/cli-utils (v\S+)/.exec(goMod)?.[1] ?? '';
  const bin = join(cacheDir(), 'kstatus', version, 'kstatus');
  if (!existsSync(bin)) throw new Error(`no ${bin}: run scripts/bootstrap.sh, or set KSTATUS`);
  return bin;
}

/** The Lua 5.1 interpreter Argo CD's health checks are written for ($LUA overrides). */
export function luaBin(): string {
  return process.env['LUA'] ?? 'lua5.1';
}
