import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Attribute, Change, Client, type Filter, ResultCodeError } from 'ldapts';
import type { Modification } from '../../core/ldap/diff.ts';
import type { LdapAttributes, LdapEntry } from '../../core/ldap/entry.ts';
import { CONNECTION_FAILED } from '../../core/ldap/result-codes.ts';
import { IncrementChange, PostReadControl } from './post-read.ts';

/** A directory operation failed: `code` is the LDAP result code, or CONNECTION_FAILED. Never carries values. */
export class DirectoryError extends Error {
  public readonly code: number;
  public readonly operation: string;

  public constructor(operation: string, code: number, cause: unknown) {
    super(`${operation} failed (${code === CONNECTION_FAILED ? 'no connection' : `LDAP result ${code}`})`, {
      cause,
    });
    this.name = 'DirectoryError';
    this.code = code;
    this.operation = operation;
  }
}

export interface DirectoryOptions {
  url: string;
  /** CA certificates (PEM) for ldaps:// and StartTLS. */
  ca?: string | undefined;
  startTls?: boolean;
  /** TLS client certificate and key, for SASL EXTERNAL. */
  clientCert?: { cert: string; key: string } | undefined;
  bind: { method: 'Simple'; dn: string; password: string } | { method: 'SaslExternal' };
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

export interface SearchOptions {
  scope?: 'base' | 'one' | 'sub';
  filter: Filter | string;
  attributes?: string[];
  /** Use RFC 2696 paged results, for searches that may exceed the server's size limit. */
  paged?: boolean;
}

export interface Directory {
  search(base: string, options: SearchOptions): Promise<LdapEntry[]>;
  /** Adds an entry and returns it as stored, read in the same operation (RFC 4527 post-read). */
  add(dn: string, attributes: LdapAttributes, readBack: string[]): Promise<LdapEntry>;
  modify(dn: string, modifications: readonly Modification[]): Promise<void>;
  del(dn: string): Promise<void>;
  rename(dn: string, newDn: string): Promise<void>;
  /** RFC 4525 increment with RFC 4527 post-read: the attribute's new value, atomically. */
  increment(dn: string, attribute: string): Promise<number>;
  /** Binds (if needed) and reads the root DSE: succeeds only when the directory is usable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function toAttributes(entry: Record<string, unknown>): LdapAttributes {
  const attributes: LdapAttributes = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    attributes[name] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  }
  return attributes;
}

/**
 * Coalesces the LDAP messages written in one tick into one socket write: with many requests in flight each
 * message would otherwise cost its own system call (a fifth of the listener's CPU under load).
 */
function corked<T extends Socket>(socket: T): T {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let pending = false;
  socket.write = ((...args: unknown[]) => {
    if (!pending) {
      pending = true;
      socket.cork();
      process.nextTick(() => {
        pending = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as T['write'];
  return socket;
}

function toChange(m: Modification): Change {
  return new Change({
    operation: m.operation,
    modification: new Attribute({ type: m.attribute, values: m.values }),
  });
}

/**
 * An LDAP directory over one ldapts connection (operations are multiplexed on it). Every (re)connection binds
 * before any operation, and a connection that failed is dropped and rebuilt: the listener never works on an
 * unauthenticated or half-open connection.
 */
export function openDirectory(options: DirectoryOptions): Directory {
  let client: Client | undefined;
  let connecting: Promise<Client> | undefined;
  // Clients whose socket closed. ldapts notices a closed socket only on the one it opened: after StartTLS it
  // keeps reporting a dead TLS socket as connected, and the next operation waits for its timeout.
  const closed = new WeakSet<Client>();

  async function connect(): Promise<Client> {
    const tlsOptions = {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.clientCert ? { cert: options.clientCert.cert, key: options.clientCert.key } : {}),
      minVersion: 'TLSv1.2' as const,
    };
    const secure = options.url.startsWith('ldaps://');
    const watched = <T extends Socket>(socket: T): T => {
      socket.once('close', () => closed.add(fresh));
      return corked(socket);
    };
    const fresh: Client = new Client({
      url: options.url,
      createConnection: ((...args: Parameters<typeof netConnect>) =>
        watched(netConnect(...args))) as typeof netConnect,
      createSecureConnection: ((...args: Parameters<typeof tlsConnect>) =>
        watched(tlsConnect(...args))) as typeof tlsConnect,
      timeout: options.operationTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      strictDN: false,
      ...(secure ? { tlsOptions } : {}),
    });
    try {
      if (options.startTls)
        await fresh.startTLS({ ...tlsOptions, servername: new URL(options.url).hostname });
      if (options.bind.method === 'Simple') await fresh.bind(options.bind.dn, options.bind.password);
      else await fresh.bind('EXTERNAL');
    } catch (error) {
      await fresh.unbind().catch(() => undefined);
      throw error;
    }
    return fresh;
  }

  async function current(): Promise<Client> {
    if (client?.isConnected && !closed.has(client)) return client;
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    client = await connecting;
    return client;
  }

  async function run<T>(operation: string, fn: (c: Client) => Promise<T>): Promise<T> {
    let c: Client;
    try {
      c = await current();
    } catch (error) {
      throw new DirectoryError(
        operation,
        error instanceof ResultCodeError ? error.code : CONNECTION_FAILED,
        error,
      );
    }
    try {
      return await fn(c);
    } catch (error) {
      if (error instanceof ResultCodeError) throw new DirectoryError(operation, error.code, error);
      // A timeout or a closed socket: drop this connection, the next operation binds a new one.
      if (client === c) client = undefined;
      await c.unbind().catch(() => undefined);
      throw new DirectoryError(operation, CONNECTION_FAILED, error);
    }
  }

  return {
    search: (base, { scope = 'sub', filter, attributes, paged }) =>
      run('search', async (c) => {
        const searchOptions = { scope, filter, ...(attributes ? { attributes } : {}) };
        const entries: LdapEntry[] = [];
        if (paged) {
          for await (const page of c.searchPaginated(base, { ...searchOptions, paged: { pageSize: 500 } })) {
            for (const e of page.searchEntries) entries.push({ dn: e.dn, attributes: toAttributes(e) });
          }
          return entries;
        }
        const { searchEntries } = await c.search(base, searchOptions);
        return searchEntries.map((e) => ({ dn: e.dn, attributes: toAttributes(e) }));
      }),
    add: (dn, attributes, readBack) =>
      run('add', async (c) => {
        const postRead = new PostReadControl(readBack);
        await c.add(dn, attributes, postRead);
        // The directory's spelling of the DN, so a new entry's id and -dn- equal what later reads return.
        return { dn: postRead.dn || dn, attributes: postRead.values };
      }),
    modify: (dn, modifications) => run('modify', (c) => c.modify(dn, modifications.map(toChange))),
    del: (dn) => run('delete', (c) => c.del(dn)),
    rename: (dn, newDn) => run('rename', (c) => c.modifyDN(dn, newDn)),
    increment: (dn, attribute) =>
      run('increment', async (c) => {
        const postRead = new PostReadControl([attribute]);
        await c.modify(dn, [new IncrementChange(attribute, 1)], postRead);
        const key = Object.keys(postRead.values).find((k) => k.toLowerCase() === attribute.toLowerCase());
        const value = Number(key ? postRead.values[key]?.[0] : Number.NaN);
        if (!Number.isSafeInteger(value)) throw new Error('the directory returned no post-read value');
        return value;
      }),
    ping: () =>
      run('ping', async (c) => {
        await c.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      }),
    close: async () => {
      const c = client;
      client = undefined;
      await c?.unbind().catch(() => undefined);
    },
  };
}
