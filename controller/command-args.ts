import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP }>
>['values'];

/**
 * A command's options, with -h/--help added: the parsed values, or the exit code once usage was printed (0 for
 * --help, 2 for options it does not know or that lack a value).
 */
export function commandArgs<const O extends ParseArgsOptionsConfig>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  out: (t: string) => void,
  err: (t: string) => void,
): Values<O> | number {
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
  return values;
}
