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
