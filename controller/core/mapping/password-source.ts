import type { ConfigProblem } from '../../config/validate.ts';
import type { Expr } from './expression/ast.ts';
import { parseExpression } from './expression/parse.ts';
import { randomStringBits } from './expression/text-functions.ts';
import type { CompiledMapping } from './mapping-set.ts';

/** The least entropy of a generated password that a single salted digest (SSHA, SSHA512) may store. */
export const FAST_HASH_MIN_BITS = 100;
const FAST_HASHES = new Set(['SSHA', 'SSHA512']);

const literal = (e: Expr | undefined): number | undefined => (e?.kind === 'number' ? e.value : undefined);

/** The entropy of a `RandomString(...)` expression with literal arguments, in bits; undefined for others. */
export function generatedBits(source: string): number | undefined {
  let expr: Expr;
  try {
    expr = parseExpression(source);
  } catch {
    return undefined;
  }
  if (expr.kind !== 'call' || expr.name.toLowerCase() !== 'randomstring') return undefined;
  const [length, digits, special, upper, lower] = expr.args.slice(0, 5).map(literal);
  const avoid = expr.args[5];
  if (length === undefined || digits === undefined || special === undefined) return undefined;
  if (upper === undefined || lower === undefined) return undefined;
  if (avoid && avoid.kind !== 'string' && avoid.kind !== 'empty') return undefined;
  const avoided = avoid?.kind === 'string' ? avoid.value : '';
  return randomStringBits({ length, digits, special, upper, lower, avoid: avoided });
}

/**
 * A fast scheme stores what a person chose open to guessing at billions a second: the userPassword mappings it
 * hashes must generate at least FAST_HASH_MIN_BITS.
 */
export function fastHashProblems(scheme: string, mappings: readonly CompiledMapping[]): ConfigProblem[] {
  if (!FAST_HASHES.has(scheme)) return [];
  return mappings
    .filter((m) => m.target.toLowerCase() === 'userpassword')
    .filter((m) => m.kind !== 'expression' || (generatedBits(m.expression.source) ?? 0) < FAST_HASH_MIN_BITS)
    .map((m) => ({
      path: m.origin,
      message: `LdapConnector passwordHash ${scheme} is one salted digest, fit only for generated passwords of at least ${FAST_HASH_MIN_BITS} bits (such as RandomString(20, 2, 2, 2, 2, "")); map userPassword from one, or keep CRYPT-SHA512`,
    }));
}
