import { describe, expect, it } from 'vitest';
import { type CompileOptions, compileExpression } from './compile.ts';
import examples from './entra-examples.json' with { type: 'json' };
import { ExpressionError } from './errors.ts';
import type { EvaluationContext } from './functions.ts';
import { flatten } from './trace.ts';
import { DropFlow, toText, type Value } from './values.ts';

// A fixed clock and identity; randomness is real, so random outputs are checked by shape.
const ctx: EvaluationContext = {
  now: () => new Date(Date.UTC(2021, 7, 25, 17, 41, 18)),
  randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  uuid: () => '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
};

type Expected = string | string[] | null | { drop: true } | { pattern: string };

function run(
  expression: string,
  inputs: Record<string, unknown>,
  options: CompileOptions = {},
): string | (string | null)[] | null {
  const compiled = compileExpression(expression, options);
  try {
    const value = compiled.evaluate((path) => (inputs[path] ?? null) as Value, ctx);
    return Array.isArray(value) ? value.map((v) => toText(v)) : toText(value);
  } catch (error) {
    if (error instanceof DropFlow) return 'DROPPED';
    throw error;
  }
}

describe("every example of Entra's expression reference", () => {
  it.each(
    examples as { id: string; expression: string; inputs: Record<string, unknown>; expected: Expected }[],
  )('$id: $expression', ({ expression, inputs, expected }) => {
    const actual = run(expression, inputs);
    if (expected !== null && typeof expected === 'object' && 'drop' in expected)
      expect(actual).toBe('DROPPED');
    else if (expected !== null && typeof expected === 'object' && 'pattern' in expected)
      expect(actual).toMatch(new RegExp(expected.pattern));
    else expect(actual).toEqual(expected);
  });
});

describe('syntax', () => {
  it.each([
    {
      reason: 'a trailing empty argument',
      expression: 'ToLower(Word([userPrincipalName], 1, "@"), )',
      expected: 'john.doe',
    },
    {
      reason: 'escaped quotes and backslashes',
      expression: 'Join("", "a\\\\b", "\\"q\\"")',
      expected: 'a\\b"q"',
    },
    { reason: 'hex literals', expression: 'BitAnd(&HFF, 6)', expected: '6' },
    { reason: 'function names in any case', expression: 'tolower("ABC")', expected: 'abc' },
    { reason: 'comparisons outside IIF', expression: 'CBool(2 >= 1)', expected: 'True' },
    {
      reason: 'line breaks between arguments',
      expression: 'Join(\n  "-",\n  "a",\n  "b"\n)',
      expected: 'a-b',
    },
    {
      reason: 'a value path as an attribute',
      expression: 'ToUpper([emails[type eq "work"].value])',
      expected: 'J@X',
    },
  ])('accepts $reason', ({ expression, expected }) => {
    expect(
      run(expression, { userPrincipalName: 'John.Doe@contoso.com', 'emails[type eq "work"].value': 'j@x' }),
    ).toBe(expected);
  });

  it.each([
    {
      reason: 'an unterminated string',
      expression: 'ToLower("abc)',
      code: 'UnterminatedString',
      at: 'at 1:9',
    },
    {
      reason: 'an unknown function, with a suggestion',
      expression: 'ToLowr([a])',
      code: 'UnknownFunction',
      at: 'did you mean ToLower?',
    },
    {
      reason: 'too many arguments',
      expression: 'Left([a], 1, 2)',
      code: 'WrongArity',
      at: 'Left takes 2 arguments, got 3 at 1:1',
    },
    {
      reason: 'too few arguments',
      expression: 'Join(",")',
      code: 'WrongArity',
      at: 'Join takes at least 2 arguments',
    },
    {
      reason: 'an odd Switch',
      expression: 'Switch([a], "d", "k")',
      code: 'WrongArity',
      at: 'Switch takes at least 4',
    },
    {
      reason: 'a missing parenthesis',
      expression: 'ToLower([a]',
      code: 'Syntax',
      at: 'missing ")" to close ToLower(',
    },
    { reason: 'text after the end', expression: 'ToLower([a]) x', code: 'Syntax', at: 'at 1:14' },
    {
      reason: 'a bad DateAdd interval',
      expression: 'DateAdd("days", 1, Now())',
      code: 'InvalidArgument',
      at: 'interval must be one of',
    },
    {
      reason: 'an invalid regex',
      expression: 'Replace([a], , "(", , "", , )',
      code: 'InvalidArgument',
      at: 'invalid regular expression',
    },
    {
      reason: 'a nested SelectUniqueValue',
      expression: 'ToLower(SelectUniqueValue("a", "b"))',
      code: 'InvalidArgument',
      at: 'must be the whole expression',
    },
    {
      reason: 'a function name without parentheses',
      expression: 'Join(",", Now)',
      code: 'Syntax',
      at: 'Now needs parentheses',
    },
  ])('rejects $reason when loaded', ({ expression, code, at }) => {
    let error: unknown;
    try {
      compileExpression(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).code).toBe(code);
    expect((error as ExpressionError).message).toContain(at);
  });

  it('points a caret at the problem on the right line', () => {
    expect(() => compileExpression('Join(",",\n  Lft([a], 1))')).toThrow('at 2:3\n  Lft([a], 1))\n  ^');
  });

  it('rejects unknown attributes, suggesting a known one', () => {
    const attributes = { isKnown: (p: string) => p === 'userName', names: () => ['userName'] };
    expect(() => compileExpression('ToLower([usrName])', { attributes })).toThrow(
      'unknown attribute [usrName] (did you mean userName?) at 1:9',
    );
  });
});

describe('null semantics', () => {
  it.each([
    {
      reason: 'a missing attribute makes a string function produce nothing',
      expression: 'ToLower([missing])',
      expected: null,
    },
    {
      reason: 'Join skips missing and empty sources',
      expression: 'Join(",", [missing], "", "a")',
      expected: 'a',
    },
    {
      reason: 'Coalesce falls back to its default',
      expression: 'Coalesce([missing], [other], "d")',
      expected: 'd',
    },
    {
      reason: 'Switch matches an empty source with ""',
      expression: 'Switch([missing], "d", "", "empty")',
      expected: 'empty',
    },
    {
      reason: 'a comparison with a missing attribute fails, so IIF produces nothing',
      expression: 'IIF([missing]="x", "a", "b")',
      expected: null,
    },
    { reason: 'Left of nothing is empty', expression: 'Left([missing], 2)', expected: '' },
  ])('$reason', ({ expression, expected }) => {
    expect(run(expression, {})).toEqual(expected);
  });
});

describe('Replace regexes', () => {
  /** Runs `work` counting `new RegExp(…)` calls (regex literals do not count). */
  function countingRegExps(work: () => void): number {
    const original = globalThis.RegExp;
    let count = 0;
    globalThis.RegExp = new Proxy(original, {
      construct(target, args, newTarget) {
        count++;
        return Reflect.construct(target, args, newTarget);
      },
    });
    try {
      work();
    } finally {
      globalThis.RegExp = original;
    }
    return count;
  }

  it.each([
    {
      form: 'regexPattern + replacementValue',
      expression: 'Replace([a], , "(\\d+)", , "#", , )',
      out: 'x#y#',
    },
    {
      form: 'regexPattern + regexGroupName + replacementValue',
      expression: 'Replace([a], , "x(?<n>\\d+)", "n", "#", , )',
      out: 'x#y2',
    },
    {
      form: 'regexPattern + regexGroupName + replacementAttributeName',
      expression: 'Replace([missing], , "y(?<n>\\d+)", "n", , [a], )',
      out: '2',
    },
  ])('compiles a pattern written in the mapping once, at load: $form', ({ expression, out }) => {
    const compiled = compileExpression(expression);
    const inputs: Record<string, string> = { a: 'x1y2' };
    const lookup = (path: string) => (inputs[path] ?? null) as Value;
    const results: unknown[] = [];
    const constructed = countingRegExps(() => {
      for (let i = 0; i < 20; i++) {
        results.push(toText(compiled.evaluate(lookup, ctx)));
        results.push(toText(flatten(compiled.evaluateTraced(lookup, ctx)) ?? null));
      }
    });
    expect(constructed).toBe(0);
    expect(new Set(results)).toEqual(new Set([out]));
  });

  it('compiles a pattern taken from an attribute when it is used', () => {
    const compiled = compileExpression('Replace([a], , [p], , "#", , )');
    const lookup = (path: string) => ({ a: 'x1y2', p: '\\d' })[path] ?? null;
    let result: unknown;
    expect(countingRegExps(() => (result = toText(compiled.evaluate(lookup, ctx))))).toBe(1);
    expect(result).toBe('x#y#');
  });
});
