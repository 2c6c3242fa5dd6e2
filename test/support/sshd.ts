import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { type ServerProcess, startProcess, waitUntilReady } from './process.ts';

const run = promisify(execFile);

export interface Sshd {
  port: number;
  /** `ssh -i <key> user@127.0.0.1 true`: whether the key logs the user in, and what ssh said otherwise. */
  login(user: string, privateKey: string): Promise<{ ok: boolean; stderr: string }>;
  stop(): Promise<void>;
}

/**
 * An sshd on a loopback port that takes users from nslcd and their keys from the directory through an
 * AuthorizedKeysCommand, with PAM account management by pam_ldap, as a Linux host in the directory has it.
 * It runs in its own mount namespace, where its nsswitch.conf and pam.d are bind-mounted over /etc's: the
 * machine's /etc is never written. sshd insists that the command's folder is root-owned and not writable by
 * others all the way up, so its files live under /run, not the world-writable tmp folder.
 */
export async function startSshd(options: { ldapUrl: string; baseDN: string }): Promise<Sshd> {
  if (process.getuid?.() !== 0) throw new Error('the sshd tests run as root: sshd must start as root');
  const dir = await mkdtemp('/run/scim-ldap-sshd-');
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'pam.d'));
  // Privilege separation needs this empty folder; Debian creates it at boot.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const keysCommand = join(dir, 'authorized-keys');
  // The keys of the user sshd asks about (%u, a name the host already resolved through nslcd), unwrapped.
  await writeFile(
    keysCommand,
    `#!/bin/sh
ldapsearch -x -LLL -o ldif-wrap=no -H '${options.ldapUrl}' -b '${options.baseDN}' "(&(objectClass=ldapPublicKey)(uid=$1))" sshPublicKey | sed -n 's/^sshPublicKey: //p'
`,
    { mode: 0o755 },
  );
  await writeFile(join(dir, 'nsswitch.conf'), 'passwd: files ldap\ngroup: files ldap\nshadow: files ldap\n');
  await writeFile(
    join(dir, 'pam.d', 'sshd'),
    'auth required pam_deny.so\naccount required pam_ldap.so\nsession required pam_permit.so\n',
  );
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      'PidFile none',
      'UsePAM yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'AuthorizedKeysFile none',
      `AuthorizedKeysCommand ${keysCommand} %u`,
      'AuthorizedKeysCommandUser nobody',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const script = [
    `mount --bind ${join(dir, 'nsswitch.conf')} /etc/nsswitch.conf`,
    `mount --bind ${join(dir, 'pam.d')} /etc/pam.d`,
    `exec /usr/sbin/sshd -D -e -f ${join(dir, 'sshd_config')}`,
  ].join(' && ');
  const server: ServerProcess = startProcess(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script],
    join(dir, 'sshd.log'),
  );
  const stop = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(server, 'sshd', () => answersOn(port), 10_000);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    async login(user, privateKey) {
      try {
        await run('ssh', [
          ...['-F', 'none', '-p', String(port), '-i', privateKey],
          ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ConnectTimeout=5'],
          ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
          `${user}@127.0.0.1`,
          'true',
        ]);
        return { ok: true, stderr: '' };
      } catch (error) {
        return { ok: false, stderr: String((error as { stderr?: string }).stderr ?? error) };
      }
    },
    stop,
  };
}

function answersOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (banner) => {
      socket.destroy();
      resolve(banner.toString().startsWith('SSH-'));
    });
    socket.once('error', () => resolve(false));
  });
}
