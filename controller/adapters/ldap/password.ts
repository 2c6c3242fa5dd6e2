import { createHash, randomBytes } from 'node:crypto';
import { encrypt } from 'unixcrypt';
import type { LdapConnectorSpec } from '../../config/types.ts';

const CRYPT_SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function cryptSalt(length: number): string {
  return [...randomBytes(length)].map((b) => CRYPT_SALT_ALPHABET[b % 64]).join('');
}

function saltedSha(algorithm: 'sha1' | 'sha512', password: string): string {
  const salt = randomBytes(8);
  const digest = createHash(algorithm).update(password, 'utf8').update(salt).digest();
  return Buffer.concat([digest, salt]).toString('base64');
}

/**
 * The userPassword value for a cleartext password, per the connector's passwordHash. CRYPT-SHA512 is
 * `{CRYPT}$6$…`, which slapd verifies through crypt(3) with no module; SSHA512 needs slapd's pw-sha2 module;
 * None leaves hashing to the directory (ppolicy's olcPPolicyHashCleartext).
 */
export function hashPassword(password: string, scheme: LdapConnectorSpec['passwordHash']): string {
  switch (scheme) {
    case 'CRYPT-SHA512':
      return `{CRYPT}${encrypt(password, `$6$${cryptSalt(16)}`)}`;
    case 'SSHA':
      return `{SSHA}${saltedSha('sha1', password)}`;
    case 'SSHA512':
      return `{SSHA512}${saltedSha('sha512', password)}`;
    case 'None':
      return password;
  }
}
