import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/validate.ts';
import { CONTOSO_RULES, connector, mapping } from './mapping.fixtures.ts';
import { compileMappingSet } from './mapping-set.ts';
import { FAST_HASH_MIN_BITS, generatedBits } from './password-source.ts';

const withoutPassword = CONTOSO_RULES.filter((r) => r.target !== 'userPassword');
const passwordFrom = (rule: Record<string, unknown>) => [
  ...withoutPassword,
  { target: 'userPassword', ...rule },
];

describe('generated passwords and fast hashes', () => {
  it.each([
    // 2 digits (10), 2 specials (32), 2 capitals, 2 lower case (26), 12 from all 94: about 114 bits.
    { source: 'RandomString(20, 2, 2, 2, 2, "")', atLeast: 110, below: 115 },
    { source: 'randomstring(20, 2, 2, 2, 2)', atLeast: 110, below: 115 },
    { source: 'RandomString(12, 1, 1, 1, 1, "")', atLeast: 70, below: 80 },
    // Without letters, 42 digits and specials remain: 20 of them are about 108 bits.
    {
      source: 'RandomString(20, 0, 0, 0, 0, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")',
      atLeast: 105,
      below: 110,
    },
  ])('$source generates at least $atLeast bits', ({ source, atLeast, below }) => {
    const bits = generatedBits(source) as number;
    expect(bits).toBeGreaterThanOrEqual(atLeast);
    expect(bits).toBeLessThan(below);
  });

  it.each([
    '[userName]',
    'Join("", RandomString(20, 2, 2, 2, 2, ""), "x")',
    'RandomString([displayName], 2, 2, 2, 2, "")',
    'RandomString(20, 2, 2, 2, 2, [userName])',
  ])('%s is not a generated value it can judge', (source) => {
    expect(generatedBits(source)).toBeUndefined();
  });

  it.each([
    { reason: 'the reference RandomString', scheme: 'SSHA512', rules: CONTOSO_RULES },
    { reason: 'no userPassword mapping', scheme: 'SSHA512', rules: withoutPassword },
    {
      reason: 'a slow hash of a SCIM attribute',
      scheme: 'CRYPT-SHA512',
      rules: passwordFrom({ source: 'userName' }),
    },
    {
      reason: 'a short RandomString, slow hash',
      scheme: 'CRYPT-SHA512',
      rules: passwordFrom({ expression: 'RandomString(8, 1, 1, 1, 1)' }),
    },
  ])('loads $scheme with $reason', ({ scheme, rules }) => {
    expect(() => compileMappingSet(connector({ passwordHash: scheme }), [mapping(rules)])).not.toThrow();
  });

  it.each([
    { reason: 'a SCIM attribute', scheme: 'SSHA512', rule: { source: 'userName' } },
    { reason: 'a constant', scheme: 'SSHA512', rule: { constant: 'Welcome-2026' } },
    {
      reason: `a RandomString below ${FAST_HASH_MIN_BITS} bits`,
      scheme: 'SSHA512',
      rule: { expression: 'RandomString(12, 1, 1, 1, 1, "")' },
    },
    {
      reason: 'an expression over attributes',
      scheme: 'SSHA512',
      rule: { expression: 'Join("-", [userName], "1")' },
    },
    { reason: 'a SCIM attribute', scheme: 'SSHA', rule: { source: 'userName' } },
  ])('refuses $scheme over $reason, naming the mapping', ({ scheme, rule }) => {
    let error: unknown;
    try {
      compileMappingSet(connector({ passwordHash: scheme }), [mapping(passwordFrom(rule))]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        path: `AttributeMapping/users spec.mappings[${withoutPassword.length}]`,
        message: expect.stringContaining(`passwordHash ${scheme}`),
      },
    ]);
  });
});
