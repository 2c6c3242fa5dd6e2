import { randomBytes } from 'node:crypto';
import { encrypt } from 'unixcrypt';

const CRYPT_SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function cryptSalt(length: number): string {
  return [...randomBytes(length)].map((b) => CRYPT_SALT_ALPHABET[b % 64]).join('');
}

/** `{CRYPT}$6$<salt>$…`: SHA-crypt with 5,000 rounds and a 16-character salt, as crypt(3) verifies it. */
export function cryptSha512(password: string): string {
  return `{CRYPT}${encrypt(password, `$6$${cryptSalt(16)}`)}`;
}
