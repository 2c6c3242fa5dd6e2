import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ServerProcess, startProcess, waitUntilReady } from './process.ts';

const run = promisify(execFile);

// nslcd's paths are compiled in: /etc/nslcd.conf and /run/nslcd/socket. The fixture keeps the machine's
// nslcd.conf aside and puts it back, and uses its own PAM service file, so /etc ends as it began.
const CONF = '/etc/nslcd.conf';
const SOCKET = '/run/nslcd/socket';
export const PAM_SERVICE = 'scim-ldap-test';
const PAM_FILE = `/etc/pam.d/${PAM_SERVICE}`;

export interface Nslcd {
  /** `getent -s ldap <database> <key>`: what a host resolves through nslcd, or null when it does not. */
  getent(database: 'passwd' | 'group' | 'shadow', key: string): Promise<string | null>;
  /** Runs PAM auth and account management for a user through pamtester; true when both pass. */
  login(user: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startNslcd(options: {
  uri: string;
  base: string;
  bindDN: string;
  bindPW: string;
  authzSearch?: string;
}): Promise<Nslcd> {
  if (process.getuid?.() !== 0)
    throw new Error('the nslcd tests run as root: nslcd and its socket live under /etc and /run');
  const dir = await mkdtemp(join(tmpdir(), 'nslcd-'));
  const savedConf = existsSync(CONF) ? join(dir, 'nslcd.conf.saved') : undefined;
  if (savedConf) await copyFile(CONF, savedConf);
  const lines = [
    'uid nslcd',
    'gid nslcd',
    `uri ${options.uri}`,
    `base ${options.base}`,
    `binddn ${options.bindDN}`,
    `bindpw ${options.bindPW}`,
    'bind_timelimit 5',
    'timelimit 5',
    'reconnect_retrytime 1',
    ...(options.authzSearch ? [`pam_authz_search ${options.authzSearch}`] : []),
  ];
  await writeFile(CONF, `${lines.join('\n')}\n`, { mode: 0o640 });
  await run('chown', ['root:nslcd', CONF]);
  await mkdir('/run/nslcd', { recursive: true });
  await run('chown', ['nslcd:nslcd', '/run/nslcd']);
  await writeFile(PAM_FILE, 'auth required pam_ldap.so\naccount required pam_ldap.so\n');
  let server: ServerProcess | undefined;
  const restore = async () => {
    await server?.stop();
    await rm(PAM_FILE, { force: true });
    if (savedConf) await copyFile(savedConf, CONF);
    else await rm(CONF, { force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    server = startProcess('nslcd', ['-d'], join(dir, 'nslcd.log'));
    await waitUntilReady(server, 'nslcd', async () => existsSync(SOCKET), 10_000);
  } catch (error) {
    await restore();
    throw error;
  }
  return {
    async getent(database, key) {
      try {
        return (await run('getent', ['-s', 'ldap', database, key])).stdout.trim();
      } catch {
        return null;
      }
    },
    async login(user, password) {
      const child = execFile('pamtester', [PAM_SERVICE, user, 'authenticate', 'acct_mgmt']);
      child.stdin?.end(`${password}\n`);
      return new Promise((resolve) => child.once('exit', (code) => resolve(code === 0)));
    },
    stop: restore,
  };
}
