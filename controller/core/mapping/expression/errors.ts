import { describePosition } from '../../text/position.ts';

/** The closed catalogue of problems an expression can have, all found when the mapping is loaded. */
export type ExpressionErrorCode =
  | 'Syntax'
  | 'UnterminatedString'
  | 'UnknownFunction'
  | 'WrongArity'
  | 'UnknownAttribute'
  | 'InvalidArgument';

export class ExpressionError extends Error {
  public readonly code: ExpressionErrorCode;
  /** The message without position, stable for tests and conditions. */
  public readonly detail: string;
  public readonly source: string;
  public readonly offset: number;

  public constructor(code: ExpressionErrorCode, detail: string, source: string, offset: number) {
    super(`${detail} ${describePosition(source, offset)}`);
    this.name = 'ExpressionError';
    this.code = code;
    this.detail = detail;
    this.source = source;
    this.offset = offset;
  }
}
