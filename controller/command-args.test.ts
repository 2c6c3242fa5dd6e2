import { describe, expect, it } from 'vitest';
import { commandArgs } from './command-args.ts';

describe('commandArgs', () => {
  const parse = (args: string[]) => {
    const printed = { out: '', err: '' };
    const result = commandArgs(
      'demo',
      'Usage: scim-ldap demo -f <file>\n',
      args,
      { file: { type: 'string', short: 'f', multiple: true } },
      (t) => {
        printed.out += t;
      },
      (t) => {
        printed.err += t;
      },
    );
    return { result, ...printed };
  };

  it.each([
    { args: ['-f', 'a', '--file', 'b'], result: { file: ['a', 'b'] }, out: '', err: '' },
    { args: ['--help'], result: 0, out: 'Usage: scim-ldap demo -f <file>\n', err: '' },
    { args: ['-h', '-f', 'a'], result: 0, out: 'Usage: scim-ldap demo -f <file>\n', err: '' },
    {
      args: ['--nope'],
      result: 2,
      out: '',
      err: expect.stringMatching(/^scim-ldap demo: Unknown option '--nope'.*\n\nUsage: scim-ldap demo/s),
    },
  ])('gives $result for $args', ({ args, result, out, err }) => {
    expect(parse(args)).toEqual({ result, out, err });
  });
});

describe('numeric options', () => {
  const parse = (args: string[]) => {
    let err = '';
    const result = commandArgs(
      'demo',
      'Usage: scim-ldap demo --seconds <n> --port <n>\n',
      args,
      {
        seconds: { type: 'string' },
        port: { type: 'string' },
        days: { type: 'string' },
        name: { type: 'string' },
      },
      () => undefined,
      (t) => {
        err += t;
      },
      { seconds: { min: 1 }, port: { min: 1, max: 65535 }, days: { min: 0, max: 36500, fraction: true } },
    );
    return { result, err: err.split('\n')[0] };
  };

  it.each([
    { reason: 'a whole number is parsed', args: ['--seconds', '30'], result: { seconds: 30 }, err: '' },
    { reason: 'an absent option stays absent', args: ['--name', '7'], result: { name: '7' }, err: '' },
    {
      reason: 'both ends of the range are allowed',
      args: ['--port', '65535'],
      result: { port: 65535 },
      err: '',
    },
    {
      reason: 'text is refused, naming the flag and value',
      args: ['--seconds', 'abc'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "abc"',
    },
    {
      reason: 'zero is refused',
      args: ['--seconds', '0'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "0"',
    },
    {
      reason: 'a negative number is refused',
      args: ['--seconds=-5'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "-5"',
    },
    {
      reason: 'a fraction is refused',
      args: ['--seconds', '1.5'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "1.5"',
    },
    {
      reason: 'an empty value is refused',
      args: ['--seconds='],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got ""',
    },
    {
      reason: 'a number with units is refused',
      args: ['--seconds', '30s'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "30s"',
    },
    {
      reason: 'a number above the range is refused',
      args: ['--port', '70000'],
      result: 2,
      err: 'scim-ldap demo: --port must be a whole number from 1 to 65535, got "70000"',
    },
    {
      reason: 'a fraction is parsed where allowed',
      args: ['--days', '0.0001'],
      result: { days: 0.0001 },
      err: '',
    },
    {
      reason: 'a whole number is parsed where fractions are',
      args: ['--days', '90'],
      result: { days: 90 },
      err: '',
    },
    {
      reason: 'zero is refused where fractions are allowed',
      args: ['--days', '0'],
      result: 2,
      err: 'scim-ldap demo: --days must be a number above 0 and at most 36500, got "0"',
    },
    {
      reason: 'text is refused where fractions are allowed',
      args: ['--days', '1e3'],
      result: 2,
      err: 'scim-ldap demo: --days must be a number above 0 and at most 36500, got "1e3"',
    },
    {
      reason: 'a negative fraction is refused',
      args: ['--days=-0.5'],
      result: 2,
      err: 'scim-ldap demo: --days must be a number above 0 and at most 36500, got "-0.5"',
    },
    {
      reason: 'a number beyond exact integers is refused',
      args: ['--seconds', '99999999999999999999'],
      result: 2,
      err: 'scim-ldap demo: --seconds must be a whole number at least 1, got "99999999999999999999"',
    },
  ])('$reason', ({ args, result, err }) => {
    expect(parse(args)).toEqual({ result, err });
  });
});
