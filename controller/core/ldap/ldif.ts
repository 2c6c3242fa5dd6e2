import type { Modification } from './diff.ts';
import type { LdapAttributes, LdapEntry } from './entry.ts';

export class LdifSyntaxError extends Error {
  public readonly line: number;

  public constructor(message: string, line: number) {
    super(`${message} at line ${line}`);
    this.name = 'LdifSyntaxError';
    this.line = line;
  }
}

/** Parses LDIF content records (RFC 2849): comments, folded lines, `attr:: base64` values. */
export function parseLdif(text: string): LdapEntry[] {
  const entries: LdapEntry[] = [];
  let current: LdapEntry | undefined;
  const lines: { text: string; number: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const last = lines[lines.length - 1];
    if (raw.startsWith(' ') && last) last.text += raw.slice(1);
    else lines.push({ text: raw, number: index + 1 });
  });
  for (const { text: line, number } of lines) {
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    const match = /^([A-Za-z0-9;.-]+)(::?)\s*(.*)$/.exec(line);
    if (!match) throw new LdifSyntaxError('expected "attribute: value"', number);
    const [, name, separator, rawValue] = match as unknown as [string, string, string, string];
    const value =
      separator === '::'
        ? new TextDecoder().decode(Uint8Array.from(atob(rawValue), (c) => c.charCodeAt(0)))
        : rawValue;
    if (name.toLowerCase() === 'version' && !current) continue;
    if (!current) {
      if (name.toLowerCase() !== 'dn') throw new LdifSyntaxError('an entry must start with "dn:"', number);
      current = { dn: value, attributes: {} };
      entries.push(current);
      continue;
    }
    const values = current.attributes[name] ?? [];
    values.push(value);
    current.attributes[name] = values;
  }
  return entries;
}

/** RFC 2849 SAFE-STRING: no leading space, colon or "<", ASCII without NUL, CR or LF; and no trailing space. */
function isSafe(value: string): boolean {
  if (/^[ :<]/.test(value) || value.endsWith(' ')) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13 || code > 127) return false;
  }
  return true;
}

function line(name: string, value: string): string {
  if (isSafe(value)) return `${name}: ${value}`;
  const bytes = new TextEncoder().encode(value);
  return `${name}:: ${btoa(String.fromCharCode(...bytes))}`;
}

export function formatEntryLdif(dn: string, attributes: LdapAttributes): string {
  const lines = [line('dn', dn)];
  for (const [name, values] of Object.entries(attributes))
    for (const value of values) lines.push(line(name, value));
  return `${lines.join('\n')}\n`;
}

export function formatModifyLdif(dn: string, modifications: readonly Modification[]): string {
  const lines = [line('dn', dn), 'changetype: modify'];
  for (const m of modifications) {
    lines.push(`${m.operation}: ${m.attribute}`);
    for (const value of m.values) lines.push(line(m.attribute, value));
    lines.push('-');
  }
  return `${lines.join('\n')}\n`;
}
