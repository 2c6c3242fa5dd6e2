#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface Command {
  summary: string;
  run: (args: string[], io: CliIo) => Promise<number> | number;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// Each command's module is loaded only when it runs: the listener need not load the Kubernetes client the
// operator uses (about 50 MiB of resident memory and a slower start).
const commands: Record<string, Command> = {
  listener: {
    summary: 'serve SCIM 2.0 for the connectors in the given files, writing to their directories',
    run: async (args, io) => (await import('./listener-command.ts')).listenerCommand(args, io.out, io.err),
  },
  operator: {
    summary: 'reconcile LdapConnectors and AttributeMappings into running SCIM listeners',
    run: async (args, io) => (await import('./operator-command.ts')).operatorCommand(args, io.out, io.err),
  },
  preview: {
    summary: 'print the LDIF a mapping would write for a SCIM user, without a directory',
    run: async (args, io) => (await import('./preview-command.ts')).previewCommand(args, io.out, io.err),
  },
  check: {
    summary: 'test the directory bind, base DN, schema, token and SCIM endpoint of each connector',
    run: async (args, io) => (await import('./check-command.ts')).checkCommand(args, io.out, io.err),
  },
  version: {
    summary: 'print the version',
    run: (_args, io) => {
      io.out(`scim-ldap ${packageVersion()}\n`);
      return 0;
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: scim-ldap <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

/** Runs one CLI invocation and returns its exit code: 0 success, 2 usage error. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return 0;
  }
  if (name === '--version') return main(['version'], io);
  const command = commands[name];
  if (!command) {
    io.err(`scim-ldap: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(args, io);
}

/** Whether Node was started on this file, also through a symlink such as the bin link `npm install -g` makes. */
function startedAsCommand(argv1: string | undefined, moduleUrl: string): boolean {
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

if (startedAsCommand(process.argv[1], import.meta.url)) {
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  process.exitCode = await main(process.argv.slice(2), io);
}
