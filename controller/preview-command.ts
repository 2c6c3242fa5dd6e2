import { readFile } from 'node:fs/promises';
import { commandArgs } from './command-args.ts';
import {
  parseDocument,
  parseDocuments,
  skippedNote,
  sortManifests,
  validateDocument,
} from './config/load.ts';
import { ConfigError } from './config/validate.ts';
import { LdifSyntaxError, parseLdif } from './core/ldap/ldif.ts';
import { MappingError } from './core/mapping/to-ldap.ts';
import { systemContext } from './listener/context.ts';
import { readSources } from './listener/files.ts';
import { renderPreview } from './listener/preview.ts';

export const PREVIEW_USAGE = `Usage: scim-ldap preview -f <file or dir>... --user <scim-user.json> [--existing <entry.ldif>] [--connector <name>]

Prints, as LDIF, the entry the listener would create for a SCIM user (or, with --existing, the modifications it
would send), without contacting any directory.
`;

/** `scim-ldap preview`: exit 0 with LDIF, 1 with the positioned error of an invalid mapping, 2 on bad usage. */
export async function previewCommand(
  args: string[],
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const values = commandArgs(
    'preview',
    PREVIEW_USAGE,
    args,
    {
      file: { type: 'string', short: 'f', multiple: true },
      user: { type: 'string' },
      existing: { type: 'string' },
      connector: { type: 'string' },
    },
    out,
    err,
  );
  if (typeof values === 'number') return values;
  if (!values.file?.length || !values.user) {
    err(`scim-ldap preview: -f and --user are required\n\n${PREVIEW_USAGE}`);
    return 2;
  }
  try {
    // Secrets hold nothing a preview shows: they are skipped with the folder's other kinds.
    const sorted = sortManifests(parseDocuments(await readSources(values.file)), { secrets: false });
    const resources = sorted.resources.map(validateDocument);
    err(skippedNote('preview', sorted.skipped));
    const user = parseDocument({ name: values.user, text: await readFile(values.user, 'utf8') });
    const existing = values.existing ? parseLdif(await readFile(values.existing, 'utf8'))[0] : undefined;
    if (values.existing && !existing) throw new LdifSyntaxError(`${values.existing} holds no entry`, 1);
    out(renderPreview({ resources, connector: values.connector, user, existing, ctx: systemContext() }));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MappingError || error instanceof LdifSyntaxError) {
      err(`scim-ldap preview: ${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      err(`scim-ldap preview: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
