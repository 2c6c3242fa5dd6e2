// Property tests: parsers survive any input, and escaping keeps any value a value (DNs, LDAP filters, strings).
import fc from 'fast-check';
import { EqualityFilter, FilterParser, SubstringFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { escapeDnValue, formatDn, parseDn } from './ldap/dn.ts';
import { compileExpression } from './mapping/expression/compile.ts';
import { ExpressionError } from './mapping/expression/errors.ts';
import { parseExpression } from './mapping/expression/parse.ts';
import { contosoSet, testContext } from './mapping/mapping.fixtures.ts';
import { toLdap } from './mapping/to-ldap.ts';
import { ScimError } from './scim/errors.ts';
import { type Filter, formatFilter, parseFilter, parsePath } from './scim/filter.ts';
import { HOSTILE_VALUES } from './text/hostile.fixtures.ts';

const SPECIAL = [
  ',',
  '+',
  '"',
  '\\',
  '<',
  '>',
  ';',
  '=',
  '#',
  ' ',
  '*',
  '(',
  ')',
  '\0',
  '\n',
  '[',
  ']',
  ':',
  '.',
];
/** Strings mixing DN/filter syntax characters, non-ASCII text and the hostile corpus. */
const hostileString = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...SPECIAL, 'a', 'Z', '0', 'é', '李', '🙂'),
    minLength: 1,
    maxLength: 24,
  }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.constantFrom(...HOSTILE_VALUES),
);

describe('DN escaping', () => {
  it('keeps any value one attribute value of one RDN', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        expect(parseDn(`cn=${escapeDnValue(value)},ou=people,dc=x`)).toEqual([
          [{ type: 'cn', value }],
          [{ type: 'ou', value: 'people' }],
          [{ type: 'dc', value: 'x' }],
        ]);
      }),
    );
  });

  it('never lets a mapped attribute change the container of the entry', () => {
    const set = contosoSet([
      {
        target: '-dn-',
        expression: 'Join("", "cn=", Left([displayName], 9), ",ou=people,dc=contoso,dc=lab")',
      },
    ]);
    fc.assert(
      fc.property(
        hostileString.filter((v) => v.trim() !== '' && !v.includes('\0')),
        (displayName) => {
          const dn = toLdap(set, { displayName }, 'create', testContext).dn ?? [];
          expect(formatDn(dn.slice(1))).toBe('ou=people,dc=contoso,dc=lab');
          expect(dn[0]).toHaveLength(1);
        },
      ),
    );
  });
});

describe('LDAP filter objects', () => {
  it('encode any value so that it parses back as the same value', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const equality = FilterParser.parseString(
          new EqualityFilter({ attribute: 'cn', value }).toString(),
        ) as EqualityFilter;
        expect(equality).toBeInstanceOf(EqualityFilter);
        expect(equality.value).toBe(value);
        const substring = FilterParser.parseString(
          new SubstringFilter({ attribute: 'cn', any: [value] }).toString(),
        ) as SubstringFilter;
        expect(substring.any).toEqual([value]);
      }),
    );
  });
});

const attrName = fc.constantFrom(
  'userName',
  'displayName',
  'name.familyName',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
);
const compValue = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
const filterArbitrary = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('compare' as const),
      path: attrName.map(parsePath),
      op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
      value: compValue,
    }) as fc.Arbitrary<Filter>,
    fc.record({
      kind: fc.constant('and' as const),
      filters: fc.array(tie('filter'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('or' as const),
      filters: fc.array(tie('filter'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
  ),
}));

describe('SCIM filter parser', () => {
  it('parses the canonical text of any filter back to the same filter', () => {
    fc.assert(
      fc.property(filterArbitrary.filter, (filter) => {
        expect(parseFilter(formatFilter(filter))).toEqual(filter);
      }),
    );
  });

  it('answers any input with a filter or a 400 invalidFilter, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.constantFrom(...SPECIAL, 'eq', ' ', 'a', '"', 'and', 'not') }),
        ),
        (text) => {
          try {
            parseFilter(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
          }
        },
      ),
    );
  });

  it('answers nesting of any depth with a filter or a 400 invalidFilter, never a stack overflow', () => {
    const level = fc.constantFrom(['(', ')'], ['not (', ')'], ['emails[', ']']);
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 4 }), fc.nat(5_000), (levels, repeat) => {
        const opens = levels.map(([open]) => open).join('');
        const closes = levels
          .map(([, close]) => close)
          .reverse()
          .join('');
        const text = `${opens.repeat(repeat)}type eq "work"${closes.repeat(repeat)}`;
        try {
          parseFilter(text);
        } catch (error) {
          expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('expression parser', () => {
  it('answers any input with a tree or an ExpressionError, nothing else', () => {
    const pieces = fc.constantFrom(
      'Join(',
      'ToLower(',
      ')',
      ',',
      '"',
      '\\',
      '[',
      ']',
      'a',
      ' ',
      '&H',
      '1',
      '=',
      '<>',
      '\n',
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: pieces })), (text) => {
        try {
          parseExpression(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ExpressionError);
        }
      }),
    );
  });

  it('reads back any string constant written with \\" and \\\\ escapes', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const literal = `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
        expect(compileExpression(`Join("", ${literal})`).evaluate(() => null, testContext)).toBe(value);
      }),
    );
  });
});
