import { randomFillSync, randomUUID } from 'node:crypto';
import type { EvaluationContext } from '../core/mapping/expression/functions.ts';

const POOL_SIZE = 4096;

/** Cryptographically random bytes from a pool refilled 4 KiB at a time: one system call per ~1,000 draws. */
function pooledRandomBytes(): (length: number) => Uint8Array {
  const pool = new Uint8Array(POOL_SIZE);
  let offset = POOL_SIZE;
  return (length) => {
    if (length > POOL_SIZE) return randomFillSync(new Uint8Array(length));
    if (offset + length > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    // A copy, so that no caller ever sees bytes another caller saw.
    const bytes = pool.slice(offset, offset + length);
    offset += length;
    return bytes;
  };
}

/** The real clock and a cryptographically secure random source, for evaluating mappings. */
export function systemContext(): EvaluationContext {
  return { now: () => new Date(), randomBytes: pooledRandomBytes(), uuid: () => randomUUID() };
}
