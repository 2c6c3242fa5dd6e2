import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP }>
>['values'];

/** The whole numbers a numeric option accepts, both ends included. */
export interface IntegerRange {
  min: number;
  max?: number;
}

/** Numeric options by name (without the dashes): each is parsed to a number, or the command exits 2. */
export type Integers<O> = { readonly [K in keyof O]?: IntegerRange };

type Parsed<O extends ParseArgsOptionsConfig, I> = Omit<Values<O>, keyof I> & {
  [K in keyof I]?: number;
};

export class UsageError extends Error {
  public readonly code = 'InvalidOption';
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--flag`'s value as a whole number within range; the error names the flag and the value given. */
export function parseInteger(flag: string, value: string, range: IntegerRange): number {
  const number = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(number) || number < range.min || number > max) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new UsageError(`--${flag} must be a whole number ${bounds}, got "${value}"`);
  }
  return number;
}

/**
 * A command's options, with -h/--help added: the parsed values (the `integers` ones as numbers), or the exit
 * code once usage was printed (0 for --help, 2 for options it does not know, that lack a value, or whose number
 * is not one or out of range).
 */
export function commandArgs<
  const O extends ParseArgsOptionsConfig,
  const I extends Integers<O> = Record<never, never>,
>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  out: (t: string) => void,
  err: (t: string) => void,
  integers?: I,
): Parsed<O, I> | number {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args, options: { ...options, ...HELP } }));
  } catch (error) {
    err(`scim-ldap ${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    out(usage);
    return 0;
  }
  const parsed: Record<string, unknown> = { ...values };
  try {
    for (const [flag, range] of Object.entries(integers ?? {}) as [string, IntegerRange][]) {
      const value = parsed[flag];
      if (typeof value === 'string') parsed[flag] = parseInteger(flag, value, range);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`scim-ldap ${command}: ${error.message}\n\n${usage}`);
    return 2;
  }
  return parsed as Parsed<O, I>;
}
