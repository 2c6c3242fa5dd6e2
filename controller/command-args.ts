import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP }>
>['values'];

/**
 * What a numeric option accepts: whole numbers from `min` (and up to `max`), or with `fraction` any decimal
 * number above `min` (a lifetime of 0.5 days, say).
 */
export interface NumberRule {
  min: number;
  max?: number;
  fraction?: boolean;
}

/** Numeric options by name (without the dashes): each is parsed to a number, or the command exits 2. */
export type Numbers<O> = { readonly [K in keyof O]?: NumberRule };

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

const WHOLE = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/;

/** `--flag`'s value as a number the rule allows; the error names the flag and the value given. */
export function parseNumber(flag: string, value: string, rule: NumberRule): number {
  const number = (rule.fraction ? DECIMAL : WHOLE).test(value) ? Number(value) : Number.NaN;
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const inRange = rule.fraction ? number > rule.min : Number.isSafeInteger(number) && number >= rule.min;
  if (!(inRange && number <= max)) {
    const what = rule.fraction
      ? `a number above ${rule.min}${rule.max === undefined ? '' : ` and at most ${rule.max}`}`
      : `a whole number ${rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`}`;
    throw new UsageError(`--${flag} must be ${what}, got "${value}"`);
  }
  return number;
}

/**
 * A command's options, with -h/--help added: the parsed values (the `numbers` ones as numbers), or the exit
 * code once usage was printed (0 for --help, 2 for options it does not know, that lack a value, or whose number
 * is not one or out of range).
 */
export function commandArgs<
  const O extends ParseArgsOptionsConfig,
  const I extends Numbers<O> = Record<never, never>,
>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  out: (t: string) => void,
  err: (t: string) => void,
  numbers?: I,
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
    for (const [flag, rule] of Object.entries(numbers ?? {}) as [string, NumberRule][]) {
      const value = parsed[flag];
      if (typeof value === 'string') parsed[flag] = parseNumber(flag, value, rule);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`scim-ldap ${command}: ${error.message}\n\n${usage}`);
    return 2;
  }
  return parsed as Parsed<O, I>;
}
