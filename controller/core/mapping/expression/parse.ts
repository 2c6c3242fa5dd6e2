import type { CompareOperator, Expr } from './ast.ts';
import { ExpressionError, type ExpressionErrorCode } from './errors.ts';

const COMPARE_OPERATORS: readonly CompareOperator[] = ['<>', '>=', '<=', '=', '>', '<'];
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/**
 * Parses an expression in the syntax of Entra's attribute mappings: nested function calls, `[attribute]`
 * references, "strings" with \" and \\ escapes, numbers, &H hex literals, empty arguments, and one comparison
 * (=, <>, >, >=, <, <=) between two operands, as IIF conditions use.
 */
export function parseExpression(source: string): Expr {
  let i = 0;

  const fail = (code: ExpressionErrorCode, detail: string, at: number): never => {
    throw new ExpressionError(code, detail, source, at);
  };
  const skipSpace = (): void => {
    while (i < source.length && /\s/.test(source[i] as string)) i++;
  };

  function parseString(): Expr {
    const at = i;
    i++;
    let value = '';
    while (i < source.length && source[i] !== '"') {
      if (source[i] === '\\' && (source[i + 1] === '"' || source[i + 1] === '\\')) {
        value += source[i + 1];
        i += 2;
      } else {
        value += source[i];
        i++;
      }
    }
    if (i >= source.length) fail('UnterminatedString', 'unterminated string', at);
    i++;
    return { kind: 'string', value, at };
  }

  function parseAttribute(): Expr {
    const at = i;
    let depth = 0;
    let inString = false;
    for (; i < source.length; i++) {
      const c = source[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '[') depth++;
      else if (c === ']' && --depth === 0) break;
    }
    if (i >= source.length) fail('Syntax', 'unterminated attribute reference: missing "]"', at);
    i++;
    const path = source.slice(at + 1, i - 1).trim();
    if (path === '') fail('Syntax', 'empty attribute reference', at);
    return { kind: 'attr', path, at };
  }

  function parseNumber(): Expr {
    const at = i;
    if (source.startsWith('&H', i) || source.startsWith('&h', i)) {
      i += 2;
      const start = i;
      while (i < source.length && /[0-9A-Fa-f]/.test(source[i] as string)) i++;
      if (i === start) fail('Syntax', 'expected hex digits after &H', at);
      const digits = source.slice(start, i);
      return {
        kind: 'number',
        value: Number.parseInt(digits, 16),
        text: BigInt(`0x${digits}`).toString(),
        at,
      };
    }
    if (source[i] === '-') i++;
    while (i < source.length && /[0-9.]/.test(source[i] as string)) i++;
    const value = Number(source.slice(at, i));
    if (Number.isNaN(value) || source.slice(at, i) === '-')
      fail('Syntax', `invalid number "${source.slice(at, i)}"`, at);
    return { kind: 'number', value, text: source.slice(at, i), at };
  }

  function parseCall(): Expr {
    const at = i;
    while (i < source.length && NAME_PART.test(source[i] as string)) i++;
    const name = source.slice(at, i);
    const afterName = i;
    skipSpace();
    if (source[i] !== '(') {
      i = afterName;
      return { kind: 'name', name, at };
    }
    i++;
    const args: Expr[] = [];
    skipSpace();
    if (source[i] === ')') {
      i++;
      return { kind: 'call', name, args, at };
    }
    for (;;) {
      args.push(parseArgument());
      skipSpace();
      if (source[i] === ',') {
        i++;
        continue;
      }
      if (source[i] === ')') {
        i++;
        return { kind: 'call', name, args, at };
      }
      fail(
        'Syntax',
        i >= source.length ? `missing ")" to close ${name}(` : 'expected "," or ")"',
        i >= source.length ? at : i,
      );
    }
  }

  function parseOperand(): Expr {
    skipSpace();
    const c = source[i];
    if (c === '"') return parseString();
    if (c === '[') return parseAttribute();
    if (
      c !== undefined &&
      (/[0-9]/.test(c) || c === '&' || (c === '-' && /[0-9]/.test(source[i + 1] ?? '')))
    ) {
      return parseNumber();
    }
    if (c !== undefined && NAME_START.test(c)) return parseCall();
    return fail(
      'Syntax',
      c === undefined ? 'unexpected end of expression' : `unexpected ${JSON.stringify(c)}`,
      i,
    );
  }

  function parseArgument(): Expr {
    skipSpace();
    if (source[i] === ',' || source[i] === ')') return { kind: 'empty', at: i };
    const left = parseOperand();
    skipSpace();
    const op = COMPARE_OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) return left;
    const at = i;
    i += op.length;
    const right = parseOperand();
    return { kind: 'compare', op, left, right, at };
  }

  const expr = parseArgument();
  if (expr.kind === 'empty') fail('Syntax', 'empty expression', i);
  skipSpace();
  if (i < source.length)
    fail('Syntax', `unexpected ${JSON.stringify(source[i])} after the end of the expression`, i);
  return expr;
}
