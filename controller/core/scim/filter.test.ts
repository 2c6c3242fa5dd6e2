import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.ts';
import { type Filter, formatFilter, MAX_FILTER_DEPTH, parseFilter, parsePath } from './filter.ts';

const work = { kind: 'compare', path: { name: 'type' }, op: 'eq', value: 'work' } as const;

describe('parseFilter', () => {
  it.each<{ reason: string; text: string; expected: Filter }>([
    {
      reason: 'Entra matching on userName',
      text: 'userName eq "alice@contoso.com"',
      expected: { kind: 'compare', path: { name: 'userName' }, op: 'eq', value: 'alice@contoso.com' },
    },
    {
      reason: 'operators and keywords are case-insensitive',
      text: 'externalId EQ "x" AND active Eq TRUE',
      expected: {
        kind: 'and',
        filters: [
          { kind: 'compare', path: { name: 'externalId' }, op: 'eq', value: 'x' },
          { kind: 'compare', path: { name: 'active' }, op: 'eq', value: true },
        ],
      },
    },
    {
      reason: 'Entra matching on a work email: value path with a sub-attribute',
      text: 'emails[type eq "work"].value eq "a@b.c"',
      expected: {
        kind: 'compare',
        path: { name: 'emails', valueFilter: work, sub: 'value' },
        op: 'eq',
        value: 'a@b.c',
      },
    },
    {
      reason: 'a value path alone means some element matches',
      text: 'emails[type eq "work"]',
      expected: { kind: 'has', path: { name: 'emails', valueFilter: work } },
    },
    {
      reason: 'extension attributes by URN, whose version contains a dot',
      text: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr',
      expected: {
        kind: 'present',
        path: {
          urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
          name: 'manager',
          sub: 'value',
        },
      },
    },
    {
      reason: 'and binds tighter than or; not needs parentheses',
      text: 'a eq 1 or b eq 2 and not (c pr)',
      expected: {
        kind: 'or',
        filters: [
          { kind: 'compare', path: { name: 'a' }, op: 'eq', value: 1 },
          {
            kind: 'and',
            filters: [
              { kind: 'compare', path: { name: 'b' }, op: 'eq', value: 2 },
              { kind: 'not', filter: { kind: 'present', path: { name: 'c' } } },
            ],
          },
        ],
      },
    },
    {
      reason: 'strings use JSON escapes',
      text: 'displayName eq "say \\"hi\\" \\\\ \\u00e9"',
      expected: { kind: 'compare', path: { name: 'displayName' }, op: 'eq', value: 'say "hi" \\ é' },
    },
    {
      reason: "unquoted values, as Entra's tutorial and Microsoft's test collection send them",
      text: 'externalId eq jyoung and emails.value eq a@b.c and meta.created gt 2015-10-10T14:38:21',
      expected: {
        kind: 'and',
        filters: [
          { kind: 'compare', path: { name: 'externalId' }, op: 'eq', value: 'jyoung' },
          { kind: 'compare', path: { name: 'emails', sub: 'value' }, op: 'eq', value: 'a@b.c' },
          { kind: 'compare', path: { name: 'meta', sub: 'created' }, op: 'gt', value: '2015-10-10T14:38:21' },
        ],
      },
    },
    {
      reason: 'null, false and decimal numbers',
      text: '(x eq null) or (y ne false) or (z ge -1.5)',
      expected: {
        kind: 'or',
        filters: [
          { kind: 'compare', path: { name: 'x' }, op: 'eq', value: null },
          { kind: 'compare', path: { name: 'y' }, op: 'ne', value: false },
          { kind: 'compare', path: { name: 'z' }, op: 'ge', value: -1.5 },
        ],
      },
    },
  ])('$reason', ({ text, expected }) => {
    const parsed = parseFilter(text);
    expect(parsed).toEqual(expected);
    expect(parseFilter(formatFilter(parsed))).toEqual(parsed);
  });

  it.each([
    { reason: 'an unterminated string', text: 'userName eq "alice', message: 'unterminated string at 1:13' },
    { reason: 'an unknown operator', text: 'userName is "a"', message: 'unknown operator "is" at 1:10' },
    { reason: 'a missing value', text: 'userName eq', message: 'expected a value' },
    { reason: 'an empty filter', text: '  ', message: 'empty filter' },
    { reason: 'an unclosed group', text: '(a pr', message: 'expected ")" at 1:6' },
    {
      reason: 'trailing text',
      text: 'a pr b',
      message: 'unexpected text after the end of the expression at 1:6',
    },
    {
      reason: 'a stray operator',
      text: 'a eq "x" & b pr',
      message: 'unexpected text after the end of the expression at 1:10',
    },
  ])('rejects $reason with 400 invalidFilter and the position', ({ text, message }) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect((error as Error).message).toContain(message);
  });

  it('shows a caret under the offending token', () => {
    expect(() => parseFilter('userName zz "a"')).toThrow('userName zz "a"\n         ^');
  });
});

describe('nesting depth', () => {
  const nested = (depth: number, open: string, close: string) =>
    `${open.repeat(depth)}a eq "x"${close.repeat(depth)}`;

  it.each([
    { reason: 'groups', text: nested(100_000, '(', ')') },
    { reason: 'negations', text: nested(100_000, 'not (', ')') },
    { reason: 'value filters', text: `${'e['.repeat(50_000)}a pr${']'.repeat(50_000)}` },
    { reason: 'groups one deeper than allowed', text: nested(MAX_FILTER_DEPTH + 1, '(', ')') },
  ])('rejects deeply nested $reason with 400 invalidFilter, not a stack overflow', ({ text }) => {
    expect(() => parseFilter(text)).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    );
  });

  it('accepts nesting up to the limit', () => {
    expect(parseFilter(nested(MAX_FILTER_DEPTH, '(', ')'))).toEqual({
      kind: 'compare',
      path: { name: 'a' },
      op: 'eq',
      value: 'x',
    });
  });
});

describe('parsePath', () => {
  it('parses PATCH paths with a value filter and sub-attribute', () => {
    expect(parsePath('members[value eq "42"]')).toEqual({
      name: 'members',
      valueFilter: { kind: 'compare', path: { name: 'value' }, op: 'eq', value: '42' },
    });
    expect(parsePath('name.givenName')).toEqual({ name: 'name', sub: 'givenName' });
  });

  it('rejects a path with trailing text with 400 invalidPath', () => {
    expect(() => parsePath('name givenName')).toThrow(expect.objectContaining({ scimType: 'invalidPath' }));
  });
});
