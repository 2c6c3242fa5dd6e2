import { didYouMean } from '../../text/suggest.ts';
import type { Expr } from './ast.ts';
import { ExpressionError } from './errors.ts';
import {
  type Arg,
  CONSTANTS,
  canonicalFunctionName,
  compareValues,
  type EvaluationContext,
  FUNCTIONS,
  type FunctionDef,
  type Thunk,
} from './functions.ts';
import { parseExpression } from './parse.ts';
import { AttributeText, type Traced, tracedCall } from './trace.ts';
import type { Value } from './values.ts';

/** Reads an attribute of the resource being mapped; the path is as written between the brackets. */
export type Lookup = (path: string) => Value;

export interface CompileOptions {
  /** Attribute references allowed; unknown ones are load-time errors. */
  attributes?: { isKnown(path: string): boolean; names(): Iterable<string> };
}

export interface CompiledExpression {
  source: string;
  /** Attribute paths the expression reads, as written. */
  attributes: readonly string[];
  /** Whether the whole expression is SelectUniqueValue, whose result is a list of candidates. */
  selectsUniqueValue: boolean;
  evaluate(lookup: Lookup, ctx: EvaluationContext): Value;
  /** Evaluates keeping track of which text came from attributes (for DNs: that text is escaped, never syntax). */
  evaluateTraced(lookup: Lookup, ctx: EvaluationContext): Traced;
}

interface Env {
  lookup: Lookup;
  ctx: EvaluationContext;
}
type Node<T> = (env: Env) => T;

function checkCall(source: string, expr: Extract<Expr, { kind: 'call' }>, top: boolean): FunctionDef {
  const name = canonicalFunctionName(expr.name);
  const fail = (
    code: ConstructorParameters<typeof ExpressionError>[0],
    detail: string,
    at: number,
  ): never => {
    throw new ExpressionError(code, detail, source, at);
  };
  if (!name)
    return fail(
      'UnknownFunction',
      `unknown function "${expr.name}"${didYouMean(expr.name, Object.keys(FUNCTIONS))}`,
      expr.at,
    );
  const def = FUNCTIONS[name] as FunctionDef;
  const count =
    expr.args.length === 1 && expr.args[0]?.kind === 'empty' && def.max === 0 ? 0 : expr.args.length;
  if (count < def.min || count > def.max) {
    const expected =
      def.min === def.max
        ? `${def.min}`
        : def.max === Number.POSITIVE_INFINITY
          ? `at least ${def.min}`
          : `${def.min} to ${def.max}`;
    fail(
      'WrongArity',
      `${name} takes ${expected} argument${def.max === 1 ? '' : 's'}, got ${count}`,
      expr.at,
    );
  }
  if (name === 'SelectUniqueValue' && !top)
    fail('InvalidArgument', 'SelectUniqueValue must be the whole expression', expr.at);
  const problem = def.check?.(expr.args);
  if (problem)
    fail('InvalidArgument', `${name}: ${problem.message}`, expr.args[problem.index]?.at ?? expr.at);
  return def;
}

class Compiler {
  public readonly attributes: string[] = [];
  private readonly source: string;
  private readonly options: CompileOptions;
  private readonly prepared = new Map<Expr, unknown>();

  public constructor(source: string, options: CompileOptions) {
    this.source = source;
    this.options = options;
  }

  /** A call site's load-time work, done once for both the plain and the traced closures. */
  private prepare(expr: Extract<Expr, { kind: 'call' }>, def: FunctionDef): unknown {
    if (!this.prepared.has(expr)) this.prepared.set(expr, def.prepare?.(expr.args));
    return this.prepared.get(expr);
  }

  /** Validates the tree once and collects attribute references. */
  public check(expr: Expr, top: boolean): void {
    switch (expr.kind) {
      case 'attr': {
        const known = this.options.attributes;
        if (known && !known.isKnown(expr.path)) {
          throw new ExpressionError(
            'UnknownAttribute',
            `unknown attribute [${expr.path}]${didYouMean(expr.path, known.names())}`,
            this.source,
            expr.at,
          );
        }
        this.attributes.push(expr.path);
        return;
      }
      case 'name':
        if (!(expr.name in CONSTANTS)) {
          const fn = canonicalFunctionName(expr.name);
          const detail = fn
            ? `${fn} needs parentheses: ${fn}(…)`
            : `unknown name "${expr.name}"${didYouMean(expr.name, Object.keys(CONSTANTS))}`;
          throw new ExpressionError(fn ? 'Syntax' : 'UnknownFunction', detail, this.source, expr.at);
        }
        return;
      case 'compare':
        this.check(expr.left, false);
        this.check(expr.right, false);
        return;
      case 'call':
        checkCall(this.source, expr, top);
        for (const arg of expr.args) this.check(arg, false);
        return;
      default:
        return;
    }
  }

  public plain(expr: Expr): Node<Arg> {
    switch (expr.kind) {
      case 'string': {
        const value = expr.value;
        return () => value;
      }
      case 'number': {
        const value = Number.isSafeInteger(expr.value) || !/^-?\d+$/.test(expr.text) ? expr.value : expr.text;
        return () => value;
      }
      case 'name': {
        const value = CONSTANTS[expr.name] ?? null;
        return () => value;
      }
      case 'empty':
        return () => undefined;
      case 'attr': {
        const path = expr.path;
        return (env) => env.lookup(path);
      }
      case 'compare': {
        const left = this.plain(expr.left);
        const right = this.plain(expr.right);
        const op = expr.op;
        return (env) => compareValues(op, left(env), right(env));
      }
      case 'call': {
        const def = FUNCTIONS[canonicalFunctionName(expr.name) as string] as FunctionDef;
        const args = expr.args.map((arg) => this.plain(arg));
        const prepared = this.prepare(expr, def);
        if (def.lazy) {
          return (env) =>
            def.call(
              args.map(
                (arg): Thunk =>
                  () =>
                    arg(env),
              ),
              env.ctx,
              prepared,
            );
        }
        return (env) =>
          def.call(
            args.map((arg) => arg(env)),
            env.ctx,
            prepared,
          );
      }
    }
  }

  public traced(expr: Expr): Node<Traced> {
    switch (expr.kind) {
      case 'attr': {
        const plain = this.plain(expr);
        return (env) => AttributeText.of(plain(env) ?? null);
      }
      case 'call': {
        const name = canonicalFunctionName(expr.name) as string;
        const def = FUNCTIONS[name] as FunctionDef;
        const args = expr.args.map((arg) => this.traced(arg));
        const prepared = this.prepare(expr, def);
        return (env) =>
          tracedCall(
            name,
            def,
            args.map((arg) => () => arg(env)),
            env.ctx,
            prepared,
          );
      }
      case 'compare': {
        const plain = this.plain(expr);
        return (env) => plain(env) ?? null;
      }
      default: {
        const plain = this.plain(expr);
        return (env) => plain(env);
      }
    }
  }
}

/** Parses and checks an expression (every error is found here, with its position) and compiles it to closures. */
export function compileExpression(source: string, options: CompileOptions = {}): CompiledExpression {
  const expr = parseExpression(source);
  const compiler = new Compiler(source, options);
  compiler.check(expr, true);
  const plain = compiler.plain(expr);
  let traced: Node<Traced> | undefined;
  return {
    source,
    attributes: [...new Set(compiler.attributes)],
    selectsUniqueValue: expr.kind === 'call' && canonicalFunctionName(expr.name) === 'SelectUniqueValue',
    evaluate: (lookup, ctx) => plain({ lookup, ctx }) ?? null,
    evaluateTraced: (lookup, ctx) => {
      traced ??= compiler.traced(expr);
      return traced({ lookup, ctx });
    },
  };
}
