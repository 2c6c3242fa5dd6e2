import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceText } from '../config/load.ts';
import { type ConnectorConfig, listenerManifests, type MountedSecrets } from './config.ts';

// Kubernetes mounts ConfigMaps and Secrets as symlinks into a `..data` folder that it swaps atomically;
// reading the visible names (and skipping dot entries) always sees one consistent version.
export async function readSources(paths: readonly string[]): Promise<SourceText[]> {
  const sources: SourceText[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((n) => !n.startsWith('.') && /\.ya?ml$/.test(n)).sort();
      for (const name of names)
        sources.push({ name: join(path, name), text: await readFile(join(path, name), 'utf8') });
    } else {
      sources.push({ name: path, text: await readFile(path, 'utf8') });
    }
  }
  return sources;
}

async function readMountedSecrets(dir: string | undefined): Promise<MountedSecrets> {
  const secrets = new Map<string, Record<string, string>>();
  if (!dir) return secrets;
  for (const name of (await readdir(dir)).filter((n) => !n.startsWith('.'))) {
    if (!(await stat(join(dir, name))).isDirectory()) continue;
    const values: Record<string, string> = {};
    for (const key of (await readdir(join(dir, name))).filter((k) => !k.startsWith('.')))
      values[key] = await readFile(join(dir, name, key), 'utf8');
    secrets.set(name, values);
  }
  return secrets;
}

/**
 * The listener's configuration from files or folders of manifests and a folder of mounted Secrets, and the
 * manifests of other kinds it skipped.
 */
export async function readListenerFiles(
  files: readonly string[],
  secretsDir: string | undefined,
): Promise<{ configs: ConnectorConfig[]; skipped: string[] }> {
  return listenerManifests(await readSources(files), await readMountedSecrets(secretsDir));
}
