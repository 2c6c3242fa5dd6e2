import { createHash, randomBytes } from 'node:crypto';
import type { LdapConnectorSpec } from '../../config/types.ts';
import { type CryptPool, createCryptPool } from './crypt-pool.ts';

function saltedSha(algorithm: 'sha1' | 'sha512', password: string): string {
  const salt = randomBytes(8);
  const digest = createHash(algorithm).update(password, 'utf8').update(salt).digest();
  return Buffer.concat([digest, salt]).toString('base64');
}

let pool: CryptPool | undefined;

/**
 * The userPassword value for a cleartext password, per the connector's passwordHash. CRYPT-SHA512 is
 * `{CRYPT}$6$…`, which slapd verifies through crypt(3) with no module, computed on worker threads (5,000
 * SHA-512 rounds would stall every other request); SSHA and SSHA512 (slapd's pw-sha2 module) are one salted
 * digest, fit only for generated values; None leaves hashing to the directory (ppolicy's
 * olcPPolicyHashCleartext).
 */
export async function hashPassword(
  password: string,
  scheme: LdapConnectorSpec['passwordHash'],
): Promise<string> {
  switch (scheme) {
    case 'CRYPT-SHA512':
      pool ??= createCryptPool();
      return pool.hash(password);
    case 'SSHA':
      return `{SSHA}${saltedSha('sha1', password)}`;
    case 'SSHA512':
      return `{SSHA512}${saltedSha('sha512', password)}`;
    case 'None':
      return password;
  }
}
