import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DirectoryError, type DirectoryOptions, openDirectory } from './adapters/ldap/directory.ts';
import { readSubschema } from './adapters/ldap/subschema.ts';
import { commandArgs } from './command-args.ts';
import { skippedNote } from './config/load.ts';
import { ConfigError } from './config/validate.ts';
import { formatDn } from './core/ldap/dn.ts';
import { CONNECTION_FAILED, LDAP_RESULT_TO_SCIM } from './core/ldap/result-codes.ts';
import { missingFromSchema } from './core/ldap/schema.ts';
import type { ConnectorConfig } from './listener/config.ts';
import { readListenerFiles } from './listener/files.ts';

export const CHECK_USAGE = `Usage: scim-ldap check -f <file or dir>... [--secrets <dir>] [--url <listener URL>] [--ca <file>]

Tests each LdapConnector in the files as ECMA2Host's TestECMA2HostConnection does, and prints what is wrong:
the configuration loads; the directory is reachable and accepts the bind; the base DN exists; the directory's
schema defines every object class and attribute the connector writes; the SCIM token is set. With --url (the
listener's address, e.g. https://scim.example.com:8585), also that the listener answers Entra's lookup at
/ecma2host_<connector>/scim with the token and refuses a wrong one; --ca names the CA of its certificate.
Exit 0 when every check passes, 1 otherwise, 2 on bad usage.
`;

interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/** Runs a check: its detail when it passes, the error's message when it does not. */
async function attempt(check: string, run: () => Promise<string>): Promise<CheckResult> {
  try {
    return { check, ok: true, detail: await run() };
  } catch (error) {
    return { check, ok: false, detail: describeError(error) };
  }
}

function describeError(error: unknown): string {
  if (error instanceof DirectoryError) {
    if (error.code === CONNECTION_FAILED)
      return `cannot connect: ${(error.cause as Error | undefined)?.message ?? 'no connection'}`;
    if (error.code === 49) return 'the directory refused the bind DN or password (LDAP result 49)';
    const known = LDAP_RESULT_TO_SCIM[error.code];
    return `${error.message}${known ? `: ${known.reason}` : ''}`;
  }
  return (error as Error).message;
}

/** The object classes and attributes a connector writes: its own, its groups', and what Disable sets. */
const MEMBER_ATTRIBUTES = {
  posixGroup: ['memberUid'],
  groupOfNames: ['member'],
  rfc2307bis: ['member', 'memberUid'],
};

function schemaNeeds(config: ConnectorConfig) {
  const spec = config.set.connector.spec;
  const attributes = [
    ...config.set.attributes.map((m) => m.target),
    ...config.set.exposed,
    ...config.groups.attributes.map((m) => m.target),
    ...MEMBER_ATTRIBUTES[spec.group.style],
    ...Object.keys(spec.deprovisioning.disable.set),
  ].filter((name) => name !== 'objectClass');
  // One of each attribute, names being case-insensitive.
  const unique = new Map(attributes.map((a) => [a.toLowerCase(), a]));
  return {
    objectClasses: [...new Set([...config.set.objectClasses, ...config.groups.objectClasses])],
    attributes: [...unique.values()],
  };
}

async function directoryChecks(config: ConnectorConfig): Promise<CheckResult[]> {
  const directory = openDirectory(config.directory);
  const bindDn = (options: DirectoryOptions) =>
    options.bind.method === 'Simple' ? options.bind.dn : 'SASL EXTERNAL';
  try {
    const bound = await attempt('directory', async () => {
      await directory.ping();
      return `bound as ${bindDn(config.directory)} at ${config.directory.url}`;
    });
    if (!bound.ok) return [bound];
    const base = formatDn(config.set.baseDN);
    return [
      bound,
      await attempt('base DN', async () => {
        const [entry] = await directory.search(base, {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ['1.1'],
        });
        if (!entry) throw new Error(`${base} does not exist`);
        return `${base} exists`;
      }),
      await attempt('schema', async () => {
        const needs = schemaNeeds(config);
        const missing = missingFromSchema(needs, await readSubschema(directory));
        const parts = [
          missing.objectClasses.length ? `object classes ${missing.objectClasses.join(', ')}` : '',
          missing.attributes.length ? `attributes ${missing.attributes.join(', ')}` : '',
        ].filter(Boolean);
        if (parts.length) throw new Error(`the directory's schema does not define ${parts.join('; ')}`);
        return `defines ${needs.objectClasses.join(', ')} and the ${needs.attributes.length} attributes written`;
      }),
    ];
  } finally {
    await directory.close();
  }
}

function get(url: URL, token: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      { headers: { authorization: `Bearer ${token}` }, timeout: 10_000, ...(ca ? { ca } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

async function endpointChecks(
  config: ConnectorConfig,
  base: string,
  ca: string | undefined,
): Promise<CheckResult[]> {
  const tenant = `${base.replace(/\/+$/, '')}/ecma2host_${config.name}/scim`;
  // Entra's first request for a user: a lookup by its matching attribute.
  const lookup = new URL(`${tenant}/Users`);
  lookup.searchParams.set('filter', 'userName eq "scim-ldap-check@invalid"');
  return [
    await attempt('endpoint', async () => {
      const { status, body } = await get(lookup, config.token, ca);
      if (status !== 200)
        throw new Error(`${tenant} answered the lookup with HTTP ${status}: ${body.slice(0, 200)}`);
      const list = JSON.parse(body) as { totalResults?: unknown };
      if (typeof list.totalResults !== 'number')
        throw new Error(`${tenant} did not answer with a SCIM ListResponse`);
      return `${tenant} answers Entra's lookup`;
    }),
    await attempt('token', async () => {
      const { status } = await get(lookup, `${config.token}-wrong`, ca);
      if (status !== 401) throw new Error(`${tenant} accepted a wrong token (HTTP ${status})`);
      return `${tenant} refuses a wrong token`;
    }),
  ];
}

/** `scim-ldap check`: one line per check and connector; exit 0 if all pass, 1 if one fails, 2 on bad usage. */
export async function checkCommand(
  args: string[],
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const values = commandArgs(
    'check',
    CHECK_USAGE,
    args,
    {
      file: { type: 'string', short: 'f', multiple: true },
      secrets: { type: 'string' },
      url: { type: 'string' },
      ca: { type: 'string' },
    },
    out,
    err,
  );
  if (typeof values === 'number') return values;
  if (!values.file?.length) {
    err(`scim-ldap check: -f is required\n\n${CHECK_USAGE}`);
    return 2;
  }
  let configs: ConnectorConfig[];
  try {
    const read = await readListenerFiles(values.file, values.secrets);
    configs = read.configs;
    err(skippedNote('check', read.skipped));
  } catch (error) {
    out(`FAIL  configuration: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return 1;
  }
  const ca = values.ca ? await readFile(values.ca, 'utf8') : undefined;
  let failed = 0;
  for (const config of configs) {
    const results = [
      { check: 'configuration', ok: true, detail: 'loads, every mapping compiles' },
      ...(await directoryChecks(config)),
      ...(values.url
        ? await endpointChecks(config, values.url, ca)
        : [{ check: 'token', ok: true, detail: `set (${config.token.length} characters)` }]),
    ];
    for (const { check, ok, detail } of results) {
      if (!ok) failed++;
      out(`${ok ? 'ok  ' : 'FAIL'}  ${config.name}: ${check}: ${detail}\n`);
    }
  }
  return failed ? 1 : 0;
}
