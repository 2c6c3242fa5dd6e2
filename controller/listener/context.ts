import { randomBytes, randomUUID } from 'node:crypto';
import type { EvaluationContext } from '../core/mapping/expression/functions.ts';

/** The real clock and a cryptographically secure random source, for evaluating mappings. */
export function systemContext(): EvaluationContext {
  return {
    now: () => new Date(),
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
    uuid: () => randomUUID(),
  };
}
