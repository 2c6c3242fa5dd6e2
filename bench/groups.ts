// Large groups: a group grown to 50,000 members in PATCHes of 1,000 (as Entra batches), then the time of one
// PATCH adding or removing 1,000 members in it, against ldapmodify doing the same value changes directly.
// Run: node bench/groups.ts [members]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { manyUsersLdif } from '../test/data/many-users.ts';
import { manifests, spawnListener, TOKEN } from '../test/support/listener.ts';
import { startSlapd } from '../test/support/slapd.ts';

const run = promisify(execFile);
const size = Number(process.argv[2] ?? 50_000);
const BATCH = 1000;
const root = join(import.meta.dirname, '..');
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const work = await mkdtemp(join(tmpdir(), 'bench-groups-'));
try {
  await writeFile(
    join(work, 'seed.ldif'),
    `${await readFile(join(root, 'test', 'data', 'base.ldif'), 'utf8')}\n${manyUsersLdif(size + 2 * BATCH)}`,
  );
  const slapd = await startSlapd({ seed: [join(work, 'seed.ldif')] });
  const ldap = new Client({ url: slapd.ldapUrl, timeout: 60_000 });
  await ldap.bind(slapd.adminDN, slapd.adminPassword);
  const { searchEntries } = await ldap.search('ou=people,dc=example,dc=org', {
    filter: '(uid=m*)',
    attributes: ['uid', 'entryUUID'],
    paged: { pageSize: 1000 },
  });
  const byUid = new Map(searchEntries.map((e) => [String(e['uid']), String(e['entryUUID'])]));
  const id = (i: number) => byUid.get(`m${i}`) as string;

  await writeFile(join(work, 'listener.yaml'), manifests(slapd));
  const listener = await spawnListener(work);
  const url = `${listener.url}/scim`;

  const group = (await (
    await fetch(`${url}/Groups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ displayName: 'Everyone' }),
    })
  ).json()) as { id: string };
  const patch = async (op: string, from: number) => {
    const start = performance.now();
    const response = await fetch(`${url}/Groups/${group.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        Operations: [
          { op, path: 'members', value: Array.from({ length: BATCH }, (_, k) => ({ value: id(from + k) })) },
        ],
      }),
    });
    if (response.status !== 204) throw new Error(`PATCH ${response.status}: ${await response.text()}`);
    return performance.now() - start;
  };
  const growing: number[] = [];
  for (let from = 0; from < size; from += BATCH) growing.push(await patch('Add', from));
  const adds: number[] = [];
  const removes: number[] = [];
  for (let round = 0; round < 5; round++) {
    adds.push(await patch('Add', size));
    removes.push(await patch('Remove', size));
  }
  const [entry] = (
    await ldap.search('cn=Everyone,ou=groups,dc=example,dc=org', { scope: 'base', attributes: ['memberUid'] })
  ).searchEntries;
  const count = [entry?.['memberUid'] ?? []].flat().length;

  // The directory's own time for the same change: 1,000 memberUid values added, then deleted, by ldapmodify.
  const values = Array.from({ length: BATCH }, (_, k) => `memberUid: m${size + BATCH + k}`).join('\n');
  const dn = 'dn: cn=Everyone,ou=groups,dc=example,dc=org\nchangetype: modify\n';
  await writeFile(join(work, 'add.ldif'), `${dn}add: memberUid\n${values}\n-\n`);
  await writeFile(join(work, 'del.ldif'), `${dn}delete: memberUid\n${values}\n-\n`);
  const ldapAdds: number[] = [];
  const ldapDeletes: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const [file, into] of [
      ['add.ldif', ldapAdds],
      ['del.ldif', ldapDeletes],
    ] as const) {
      const start = performance.now();
      await run('ldapmodify', [
        '-x',
        '-H',
        slapd.ldapUrl,
        '-D',
        slapd.adminDN,
        '-w',
        slapd.adminPassword,
        '-f',
        join(work, file),
      ]);
      into.push(performance.now() - start);
    }
  }
  await listener.stop();
  await ldap.unbind();
  await slapd.stop();

  process.stdout.write(
    [
      `Node ${process.version}; a group grown to ${size} members in PATCHes of ${BATCH}; then 5 rounds`,
      '',
      '| figure | median ms |',
      '| --- | --- |',
      `| growing PATCH of ${BATCH} (all ${growing.length}; last one) | ${median(growing).toFixed(0)}; ${growing.at(-1)?.toFixed(0)} |`,
      `| PATCH adding ${BATCH} members to the ${size}-member group | ${median(adds).toFixed(0)} |`,
      `| PATCH removing ${BATCH} members from it | ${median(removes).toFixed(0)} |`,
      `| ldapmodify adding / deleting the same ${BATCH} memberUid values | ${median(ldapAdds).toFixed(0)} / ${median(ldapDeletes).toFixed(0)} |`,
      `| members after the rounds (check) | ${count} |`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
