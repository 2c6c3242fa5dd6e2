import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { luaBin, repoRoot } from './paths.ts';

const run = promisify(execFile);

/** A JSON value as a Lua 5.1 table constructor; non-ASCII goes as decimal byte escapes, which Lua 5.1 reads. */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string')
    return `"${[...Buffer.from(value, 'utf8')].map((b) => (b >= 32 && b < 127 && b !== 34 && b !== 92 ? String.fromCharCode(b) : `\\${b}`)).join('')}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${toLua(k)}] = ${toLua(v)}`)
    .join(', ')}}`;
}

/** Runs the chart's Argo CD health check for a kind on an object, as Argo CD does: `obj` global, `hs` returned. */
export async function argoCdHealth(kind: string, obj: unknown): Promise<{ status: string; message: string }> {
  const script = await readFile(
    join(repoRoot, 'charts', 'scim-ldap-operator', 'argocd', `${kind}.lua`),
    'utf8',
  );
  const program = `obj = ${toLua(obj)}\nlocal hs = (function()\n${script}\nend)()\nio.write(hs.status, "\\n", hs.message or "")`;
  const { stdout } = await run(luaBin(), ['-e', program]);
  const [status = '', ...message] = stdout.split('\n');
  return { status, message: message.join('\n') };
}
