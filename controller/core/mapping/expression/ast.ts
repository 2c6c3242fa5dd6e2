/** Syntax tree of an Entra attribute-mapping expression; `at` is the offset in the source text. */
export type CompareOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';

export type Expr =
  | { kind: 'call'; name: string; args: Expr[]; at: number }
  | { kind: 'attr'; path: string; at: number }
  | { kind: 'string'; value: string; at: number }
  /** Whole numbers beyond 2^53 keep their digits in `text` (AD dates are 18-digit numbers). */
  | { kind: 'number'; value: number; text: string; at: number }
  /** A bare name used as a constant, as vbBinaryCompare in InStr. */
  | { kind: 'name'; name: string; at: number }
  | { kind: 'compare'; op: CompareOperator; left: Expr; right: Expr; at: number }
  /** An argument left empty, as in `ToLower(x, )`. */
  | { kind: 'empty'; at: number };
