/** Distinguished names per RFC 4514: parsed into attribute/value pairs, and built only by escaping values. */
export interface Ava {
  type: string;
  value: string;
}
export type Rdn = readonly Ava[];
export type Dn = readonly Rdn[];

export class DnSyntaxError extends Error {
  public readonly offset: number;

  public constructor(message: string, offset: number) {
    super(message);
    this.name = 'DnSyntaxError';
    this.offset = offset;
  }
}

const utf8 = new TextDecoder();
const ATTRIBUTE_TYPE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/;

/** Escapes an attribute value so that it stays one value inside a DN, whatever it contains. */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\0') out += '\\00';
    else if ('"+,;<>\\='.includes(c)) out += `\\${c}`;
    else if ((c === '#' || c === ' ') && i === 0) out += `\\${c}`;
    else if (c === ' ' && i === value.length - 1) out += '\\ ';
    else out += c;
  }
  return out;
}

export function formatDn(dn: Dn): string {
  return dn.map((rdn) => rdn.map((ava) => `${ava.type}=${escapeDnValue(ava.value)}`).join('+')).join(',');
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Parses an RFC 4514 string; throws DnSyntaxError with the offset of the first problem. */
export function parseDn(text: string): Dn {
  if (text.trim() === '') return [];
  const dn: Rdn[] = [];
  let rdn: Ava[] = [];
  let i = 0;
  for (;;) {
    const typeStart = i;
    while (i < text.length && text[i] !== '=') {
      if (text[i] === ',' || text[i] === '+')
        throw new DnSyntaxError('attribute type without "="', typeStart);
      i++;
    }
    const type = text.slice(typeStart, i).trim();
    if (i >= text.length) throw new DnSyntaxError('attribute type without "="', typeStart);
    if (!ATTRIBUTE_TYPE.test(type)) throw new DnSyntaxError(`invalid attribute type "${type}"`, typeStart);
    i++;
    // Unescaped leading and trailing spaces are not part of the value (RFC 4514 §3).
    while (text[i] === ' ') i++;
    let value = '';
    // Hex escapes are UTF-8 bytes: collected, then decoded together when the run of escapes ends.
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) value += utf8.decode(new Uint8Array(bytes));
      bytes = [];
    };
    let trailingUnescapedSpaces = 0;
    while (i < text.length && text[i] !== ',' && text[i] !== '+' && text[i] !== ';') {
      const c = text[i] as string;
      if (c === '\\') {
        const next = text[i + 1];
        if (isHex(next) && isHex(text[i + 2])) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
          i += 3;
        } else if (next !== undefined && ' "#+,;<=>\\'.includes(next)) {
          flush();
          value += next;
          i += 2;
        } else {
          throw new DnSyntaxError('invalid escape', i);
        }
        trailingUnescapedSpaces = 0;
        continue;
      }
      flush();
      if ('"<>'.includes(c)) throw new DnSyntaxError(`unescaped ${JSON.stringify(c)} in a value`, i);
      value += c;
      trailingUnescapedSpaces = c === ' ' ? trailingUnescapedSpaces + 1 : 0;
      i++;
    }
    flush();
    value = value.slice(0, value.length - trailingUnescapedSpaces);
    if (value === '') throw new DnSyntaxError(`empty value for "${type}"`, i);
    rdn.push({ type, value });
    if (i >= text.length) break;
    if (text[i] === ',' || text[i] === ';') {
      dn.push(rdn);
      rdn = [];
    }
    i++;
    while (text[i] === ' ') i++;
  }
  dn.push(rdn);
  return dn;
}

function normalizeAva(ava: Ava): string {
  return `${ava.type.toLowerCase()}=${ava.value.toLowerCase()}`;
}

/** Case-insensitive comparison of RDNs (types and, as for most naming attributes, values). */
export function rdnEquals(a: Rdn, b: Rdn): boolean {
  if (a.length !== b.length) return false;
  const left = a.map(normalizeAva).sort();
  const right = b.map(normalizeAva).sort();
  return left.every((ava, index) => ava === right[index]);
}

/** Whether `dn` is `base` or below it. */
export function isWithin(dn: Dn, base: Dn): boolean {
  if (dn.length < base.length) return false;
  const offset = dn.length - base.length;
  return base.every((rdn, index) => rdnEquals(dn[offset + index] as Rdn, rdn));
}

/** Whether `text` is a valid DN of `base` or an entry below it; false for text that is no DN. */
export function namesEntryWithin(text: string, base: Dn): boolean {
  try {
    return isWithin(parseDn(text), base);
  } catch (error) {
    if (error instanceof DnSyntaxError) return false;
    throw error;
  }
}
