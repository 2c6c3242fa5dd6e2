import { createHash, randomBytes } from 'node:crypto';

// SHA-crypt with SHA-512 ("$6$"), as glibc's crypt(3) computes it, which is what slapd's {CRYPT} calls:
// https://www.akkadia.org/drepper/SHA-crypt.txt. Written here because the package used before got passwords
// of 64, 128, … bytes wrong (a hash slapd then refused).
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS = 5000;
// The byte order of the final encoding: 21 groups of three bytes, then the last byte alone.
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
] as const;

const sha512 = (...parts: Uint8Array[]) => {
  const h = createHash('sha512');
  for (const part of parts) h.update(part);
  return h.digest();
};

/** `length` bytes of `digest` repeated (the spec's steps 9-10, 16 and 20). */
function repeated(digest: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += 64) digest.copy(out, at, 0, Math.min(64, length - at));
  return out;
}

function encode(c: Buffer): string {
  let out = '';
  const chars = (w: number, n: number) => {
    for (let i = 0; i < n; i++, w >>>= 6) out += ALPHABET[w & 0x3f];
  };
  for (const [a, b, d] of ORDER)
    chars(((c[a] as number) << 16) | ((c[b] as number) << 8) | (c[d] as number), 4);
  chars(c[63] as number, 2);
  return out;
}

/** The `$6$<salt>$<hash>` crypt(3) value for a password (UTF-8) and a salt of up to 16 salt characters. */
export function sha512Crypt(password: string, salt: string): string {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(repeated(b, p.length));
  for (let n = p.length; n > 0; n >>>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const pBytes = repeated(sha512(...Array.from({ length: p.length }, () => p)), p.length);
  const sBytes = repeated(sha512(...Array.from({ length: 16 + (c[0] as number) }, () => s)), s.length);
  for (let i = 0; i < ROUNDS; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pBytes : c);
    if (i % 3) h.update(sBytes);
    if (i % 7) h.update(pBytes);
    h.update(i & 1 ? c : pBytes);
    c = h.digest();
  }
  return `$6$${salt.slice(0, 16)}$${encode(c)}`;
}

/** `{CRYPT}$6$<salt>$…`: SHA-crypt with 5,000 rounds and a random 16-character salt. */
export function cryptSha512(password: string): string {
  const salt = [...randomBytes(16)].map((byte) => ALPHABET[byte & 0x3f]).join('');
  return `{CRYPT}${sha512Crypt(password, salt)}`;
}
