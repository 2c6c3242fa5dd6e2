import type { Expr } from './ast.ts';
import {
  DATE_INTERVALS,
  dateAdd,
  dateDiff,
  dateFromFiletime,
  filetimeFromDate,
  parseEntraDate,
  requireDate,
} from './dates.ts';
import { formatDotNet, parseDotNet } from './dotnet-format.ts';
import { compileRegex, prepareRegexes, type RegexFor, replace } from './replace.ts';
import { inStr, left, mid, normalizeDiacritics, properCase, randomString, word } from './text-functions.ts';
import {
  DropFlow,
  EvaluationError,
  isNullOrEmpty,
  type Scalar,
  toBoolean,
  toInteger,
  toList,
  toNumber,
  toText,
  toTextOrEmpty,
  type Value,
} from './values.ts';

/** What evaluation may ask of the outside world; injected so the core stays pure and tests deterministic. */
export interface EvaluationContext {
  now(): Date;
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  uuid(): string;
}

/** An argument slot: undefined when left empty, as in `f(a, , c)`. */
export type Arg = Value | undefined;
export type Thunk = () => Arg;

/**
 * How a function treats attribute-derived text when a -dn- is computed: `concat` keeps each piece's origin
 * (Join, Append), `map` transforms each piece in place (ToLower), `pass` returns one of its arguments (IIF);
 * any other function's result counts as attribute text if any argument was.
 */
export type TaintPolicy = 'concat' | 'map' | 'pass' | 'opaque';

interface Common {
  min: number;
  max: number;
  taint?: TaintPolicy;
  /** Load-time check of the argument expressions: a message and the index of the offending argument. */
  check?: (args: readonly Expr[]) => { message: string; index: number } | undefined;
  /** Load-time work for one call site (after check), handed to every call of that site. */
  prepare?: (args: readonly Expr[]) => unknown;
}
export type FunctionDef =
  | (Common & { lazy?: false; call: (args: Arg[], ctx: EvaluationContext, prepared?: unknown) => Value })
  | (Common & { lazy: true; call: (args: Thunk[], ctx: EvaluationContext, prepared?: unknown) => Value });

const text = toText;
const list = toList;

function constantString(expr: Expr | undefined): string | undefined {
  return expr?.kind === 'string' ? expr.value : undefined;
}

function checkInterval(index: number) {
  return (args: readonly Expr[]) => {
    const interval = constantString(args[index]);
    if (interval !== undefined && !(DATE_INTERVALS as readonly string[]).includes(interval)) {
      return { message: `interval must be one of ${DATE_INTERVALS.join(', ')}`, index };
    }
    return undefined;
  };
}

function checkRegex(index: number) {
  return (args: readonly Expr[]) => {
    const pattern = constantString(args[index]);
    if (pattern === undefined) return undefined;
    try {
      compileRegex(pattern);
      return undefined;
    } catch (error) {
      return { message: (error as Error).message, index };
    }
  };
}

function nullIf<T>(value: Arg, then: (value: Value) => T): T | null {
  return value === null || value === undefined ? null : then(value);
}

function compare(a: Arg, b: Arg): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const na = toNumber(a);
  const nb = toNumber(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const ta = toTextOrEmpty(a);
  const tb = toTextOrEmpty(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** The comparison operators, case-sensitive as Entra's; null when either side is missing (the check fails). */
export function compareValues(op: string, a: Arg, b: Arg): boolean | null {
  if (op === '=' || op === '<>') {
    if (a === null || a === undefined || b === null || b === undefined) return null;
    const numeric = Number.isFinite(toNumber(a)) && Number.isFinite(toNumber(b));
    const equal = numeric ? toNumber(a) === toNumber(b) : text(a) === text(b);
    return op === '=' ? equal : !equal;
  }
  const order = compare(a, b);
  if (order === null) return null;
  switch (op) {
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    default:
      return order <= 0;
  }
}

function toBigInt(fn: string, value: Value): bigint {
  const digits = text(value)?.trim() ?? '';
  if (!/^-?\d+$/.test(digits))
    throw new EvaluationError(fn, `expected a whole number, got ${JSON.stringify(digits)}`);
  return BigInt(digits);
}

function base64Utf16(value: string): string {
  const bytes = new Uint8Array(value.length * 2);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    bytes[2 * i] = code & 0xff;
    bytes[2 * i + 1] = code >> 8;
  }
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function utf8Hex(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
    .join('');
}

function joinValues(separator: string, sources: Arg[]): string {
  const parts: string[] = [];
  for (const source of sources) {
    for (const item of list(source)) {
      const t = toTextOrEmpty(item);
      if (t !== '') parts.push(t);
    }
  }
  return parts.join(separator);
}

function caseMap(fn: 'lower' | 'upper') {
  return (args: Arg[]) =>
    nullIf(args[0], (v) => {
      const culture = text(args[1]);
      const t = toTextOrEmpty(v);
      if (culture) return fn === 'lower' ? t.toLocaleLowerCase(culture) : t.toLocaleUpperCase(culture);
      return fn === 'lower' ? t.toLowerCase() : t.toUpperCase();
    });
}

function switchValue(args: Thunk[]): Value {
  const source = args[0]?.() ?? null;
  const sourceText = toTextOrEmpty(source);
  for (let i = 2; i + 1 < args.length; i += 2) {
    const key = (args[i] as Thunk)();
    if (toTextOrEmpty(key) === sourceText) return (args[i + 1] as Thunk)() ?? null;
  }
  return args[1]?.() ?? null;
}

export const FUNCTIONS: Record<string, FunctionDef> = {
  Append: {
    min: 2,
    max: 2,
    taint: 'concat',
    call: ([source, suffix]) => nullIf(source, (s) => `${text(s)}${toTextOrEmpty(suffix)}`),
  },
  AppRoleAssignmentsComplex: {
    min: 1,
    max: 1,
    call: ([roles]) => nullIf(roles, (r) => list(r).map((x) => toTextOrEmpty(x))),
  },
  BitAnd: {
    min: 2,
    max: 2,
    call: ([a, b]) =>
      Number(
        BigInt.asIntN(
          64,
          BigInt(toInteger('BitAnd', 'value1', a)) & BigInt(toInteger('BitAnd', 'value2', b)),
        ),
      ),
  },
  CBool: { min: 1, max: 1, call: ([v]) => toBoolean(v) },
  CDate: { min: 1, max: 1, call: ([v]) => nullIf(v, (x) => requireDate('CDate', x)) },
  Coalesce: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    lazy: true,
    taint: 'pass',
    call: (args) => {
      for (const arg of args) {
        const value = arg();
        if (value !== null && value !== undefined) return value;
      }
      return null;
    },
  },
  ConvertToBase64: { min: 1, max: 1, call: ([v]) => nullIf(v, (x) => base64Utf16(toTextOrEmpty(x))) },
  ConvertToUTF8Hex: { min: 1, max: 1, call: ([v]) => nullIf(v, (x) => utf8Hex(toTextOrEmpty(x))) },
  Count: { min: 1, max: 1, call: ([v]) => list(v).length },
  CStr: { min: 1, max: 1, call: ([v]) => text(v) },
  DateAdd: {
    min: 3,
    max: 3,
    check: checkInterval(0),
    call: ([interval, amount, date]) =>
      nullIf(date, (d) =>
        dateAdd(toTextOrEmpty(interval), toInteger('DateAdd', 'value', amount), requireDate('DateAdd', d)),
      ),
  },
  DateDiff: {
    min: 3,
    max: 3,
    check: checkInterval(0),
    call: ([interval, a, b]) =>
      a === null || a === undefined || b === null || b === undefined
        ? null
        : dateDiff(toTextOrEmpty(interval), requireDate('DateDiff', a), requireDate('DateDiff', b)),
  },
  DateFromNum: {
    min: 1,
    max: 1,
    call: ([v]) => nullIf(v, (x) => dateFromFiletime(toBigInt('DateFromNum', x))),
  },
  FormatDateTime: {
    min: 4,
    max: 4,
    call: ([source, , inputFormat, outputFormat]) =>
      nullIf(source, (s) => {
        const date = s instanceof Date ? s : parseDotNet(toTextOrEmpty(s), toTextOrEmpty(inputFormat));
        if (!date)
          throw new EvaluationError(
            'FormatDateTime',
            `value does not match the input format ${JSON.stringify(text(inputFormat))}`,
          );
        return formatDotNet(date, toTextOrEmpty(outputFormat));
      }),
  },
  Guid: { min: 0, max: 0, call: (_args, ctx) => ctx.uuid() },
  IgnoreFlowIfNullOrEmpty: {
    min: 1,
    max: 1,
    taint: 'pass',
    call: ([v]) => {
      if (isNullOrEmpty(v)) throw new DropFlow();
      return v ?? null;
    },
  },
  IIF: {
    min: 3,
    max: 3,
    lazy: true,
    taint: 'pass',
    call: ([condition, ifTrue, ifFalse]) => {
      const c = (condition as Thunk)();
      if (c === null || c === undefined) return null;
      return (toBoolean(c) ? (ifTrue as Thunk)() : (ifFalse as Thunk)()) ?? null;
    },
  },
  InStr: {
    min: 2,
    max: 4,
    call: ([haystack, needle, start, compareType]) =>
      haystack === null || haystack === undefined || needle === null || needle === undefined
        ? null
        : inStr(
            toTextOrEmpty(haystack),
            toTextOrEmpty(needle),
            start === undefined || start === null ? 1 : toInteger('InStr', 'start', start),
            text(compareType) === 'vbTextCompare',
          ),
  },
  IsNull: { min: 1, max: 1, call: ([v]) => v === null || v === undefined },
  IsNullOrEmpty: { min: 1, max: 1, call: ([v]) => isNullOrEmpty(v) },
  IsPresent: { min: 1, max: 1, call: ([v]) => !isNullOrEmpty(v) },
  IsString: { min: 1, max: 1, call: ([v]) => v !== null && v !== undefined && !Array.isArray(v) },
  Item: {
    min: 2,
    max: 2,
    call: ([values, index]) => list(values)[toInteger('Item', 'index', index) - 1] ?? null,
  },
  Join: {
    min: 2,
    max: Number.POSITIVE_INFINITY,
    taint: 'concat',
    call: ([separator, ...sources]) => joinValues(toTextOrEmpty(separator), sources),
  },
  Left: { min: 2, max: 2, call: ([s, n]) => left(toTextOrEmpty(s), toInteger('Left', 'NumChars', n)) },
  Mid: {
    min: 3,
    max: 3,
    call: ([s, start, length]) =>
      nullIf(s, (v) =>
        mid(toTextOrEmpty(v), toInteger('Mid', 'start', start), toInteger('Mid', 'length', length)),
      ),
  },
  NormalizeDiacritics: {
    min: 1,
    max: 1,
    taint: 'map',
    call: ([v]) => nullIf(v, (x) => normalizeDiacritics(toTextOrEmpty(x))),
  },
  Not: { min: 1, max: 1, call: ([v]) => !toBoolean(v) },
  Now: { min: 0, max: 0, call: (_args, ctx) => ctx.now() },
  NumFromDate: {
    min: 1,
    max: 1,
    call: ([v]) =>
      nullIf(v, (x) => {
        const date = parseEntraDate(x);
        if (!date) throw new EvaluationError('NumFromDate', `not a date: ${JSON.stringify(text(x))}`);
        return filetimeFromDate(date).toString();
      }),
  },
  PCase: {
    min: 1,
    max: 2,
    call: ([v, separators]) => nullIf(v, (x) => properCase(toTextOrEmpty(x), text(separators) ?? undefined)),
  },
  RandomString: {
    min: 5,
    max: 6,
    call: (args, ctx) => {
      const n = (i: number, name: string) => toInteger('RandomString', name, args[i]);
      return randomString(
        {
          length: n(0, 'Length'),
          digits: n(1, 'MinimumNumbers'),
          special: n(2, 'MinimumSpecialCharacters'),
          upper: n(3, 'MinimumCapital'),
          lower: n(4, 'MinimumLowerCase'),
          avoid: toTextOrEmpty(args[5]),
        },
        ctx.randomBytes,
      );
    },
  },
  // The value flows unchanged: our logs never carry attribute values in the first place.
  Redact: { min: 1, max: 1, taint: 'pass', call: ([v]) => v ?? null },
  RemoveDuplicates: {
    min: 1,
    max: 1,
    call: ([v]) => nullIf(v, (x) => [...new Map(list(x).map((s) => [toTextOrEmpty(s), s])).values()]),
  },
  Replace: {
    min: 2,
    max: 7,
    check: checkRegex(2),
    prepare: (args) => prepareRegexes(constantString(args[2])),
    call: (
      [source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttribute, template],
      _ctx,
      prepared,
    ) =>
      replace(
        {
          source: text(source),
          oldValue: text(oldValue) ?? undefined,
          regexPattern: text(regexPattern) ?? undefined,
          regexGroupName: text(regexGroupName) ?? undefined,
          replacementValue: text(replacementValue) ?? undefined,
          replacementAttribute: replacementAttribute === undefined ? undefined : text(replacementAttribute),
          replacementAttributeGiven: replacementAttribute !== undefined,
          template: text(template) ?? undefined,
        },
        prepared as RegexFor | undefined,
      ),
  },
  // Evaluated as a list of candidates; the listener picks the first the directory does not hold yet.
  SelectUniqueValue: {
    min: 2,
    max: Number.POSITIVE_INFINITY,
    call: (args) => args.map((a) => toTextOrEmpty(a)),
  },
  SingleAppRoleAssignment: { min: 1, max: 1, call: ([roles]) => list(roles)[0] ?? null },
  Split: {
    min: 2,
    max: 2,
    call: ([v, delimiter]) =>
      nullIf(v, (x) =>
        toTextOrEmpty(x)
          .split(toTextOrEmpty(delimiter))
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      ),
  },
  StripSpaces: {
    min: 1,
    max: 1,
    taint: 'map',
    call: ([v]) => nullIf(v, (x) => toTextOrEmpty(x).replaceAll(' ', '')),
  },
  Switch: {
    min: 4,
    max: Number.POSITIVE_INFINITY,
    lazy: true,
    taint: 'pass',
    check: (args) =>
      args.length % 2 === 0
        ? undefined
        : { message: 'Switch takes a source, a default and key/value pairs', index: args.length - 1 },
    call: switchValue,
  },
  ToLower: { min: 1, max: 2, taint: 'map', call: caseMap('lower') },
  ToUpper: { min: 1, max: 2, taint: 'map', call: caseMap('upper') },
  Word: {
    min: 3,
    max: 3,
    call: ([s, n, delimiters]) =>
      word(toTextOrEmpty(s), toInteger('Word', 'WordNumber', n), toTextOrEmpty(delimiters)),
  },
};

/** Bare names an expression may use as constants, as in InStr(..., vbBinaryCompare). */
export const CONSTANTS: Record<string, Scalar> = {
  vbBinaryCompare: 'vbBinaryCompare',
  vbTextCompare: 'vbTextCompare',
};

const byLowerName = new Map(Object.keys(FUNCTIONS).map((name) => [name.toLowerCase(), name]));

/** The canonical name of a function, matched case-insensitively. */
export function canonicalFunctionName(name: string): string | undefined {
  return byLowerName.get(name.toLowerCase());
}
