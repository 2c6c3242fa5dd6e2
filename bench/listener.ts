// The listener under Entra-shaped load, against the directory's own limit, in one run:
//  1. users created per second through SCIM (matching GET, then POST, 16 in parallel as Entra does) against
//     ldapadd of the same entries into an identical slapd, and the matching GET's latency meanwhile; then the
//     same users updated (PATCH of two attributes) against ldapmodify of the same changes; the listener's CPU
//     per request; then the creates again with the reference mapping's generated initial password
//     (RandomString), hashed with CRYPT-SHA512 and then with SSHA512, each into another fresh slapd;
//  2. matching-GET latency (p50/p99) with 100,000 users in the directory;
//  3. the listener's resident memory with those 100,000 users.
// Run: node bench/listener.ts [creates] [directory users]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contosoMappings, manifests, spawnListener, TOKEN } from '../test/support/listener.ts';
import { type Slapd, startSlapd } from '../test/support/slapd.ts';
import { recordFigures } from './report.ts';

const run = promisify(execFile);
const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const creates = Number(numbers[0] ?? 3000);
const population = Number(numbers[1] ?? 100_000);
const CONCURRENCY = 16;
const GETS = 2000;
// --no-sync: both directories skip fsync, so the comparison measures the listener, not the disk.
const noSync = process.argv.includes('--no-sync');
const root = join(import.meta.dirname, '..');

// The contoso mappings without userPassword, and as the reference setup has them: a generated initial
// password hashed with CRYPT-SHA512 (5,000 SHA-512 rounds, 10 ms or more of CPU per create).
const benchManifests = (slapd: Slapd, password?: 'CRYPT-SHA512' | 'SSHA512') =>
  manifests(slapd, {
    mappings: contosoMappings(undefined, { password: password !== undefined }),
    ...(password ? { spec: `  passwordHash: ${password}` } : {}),
  });

const user = (i: number, prefix: string) => ({
  userName: `${prefix}${i}@example.org`,
  displayName: `User ${prefix}${i}`,
  name: { givenName: 'User', familyName: `${prefix}${i}` },
  active: true,
});

function entryLdif(i: number, prefix: string, uidNumber: number): string {
  const uid = `${prefix}${i}`;
  return `dn: uid=${uid},ou=people,dc=example,dc=org
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
cn: User ${uid}
sn: ${uid}
mail: ${uid}@example.org
uid: ${uid}
uidNumber: ${uidNumber}
gidNumber: 10000
homeDirectory: /home/${uid}
loginShell: /bin/bash

`;
}

// The update Entra sends when a user's display name and surname change; cn and sn in the directory.
const renamed = (i: number, prefix: string) => ({ cn: `Renamed ${prefix}${i}`, sn: `renamed-${prefix}${i}` });
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function modifyLdif(i: number, prefix: string): string {
  const { cn, sn } = renamed(i, prefix);
  return `dn: uid=${prefix}${i},ou=people,dc=example,dc=org
changetype: modify
replace: cn
cn: ${cn}
-
replace: sn
sn: ${sn}
-

`;
}

/** The listener process, with a CPU profile when BENCH_PROFILE names a folder; its SCIM root and PID. */
async function startListenerProcess(dir: string) {
  const profile = process.env['BENCH_PROFILE'];
  const listener = await spawnListener(dir, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
  return { url: `${listener.url}/scim`, pid: listener.child.pid ?? 0, stop: listener.stop };
}

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

async function matchingGet(url: string, userName: string): Promise<number> {
  const response = await fetch(`${url}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, {
    headers,
  });
  const body = (await response.json()) as { totalResults: number };
  return body.totalResults;
}

/** Creates as Entra sends them, 16 at a time: the matching GET (timed), then the POST; the ids and GET times. */
async function createUsers(url: string, prefix: string): Promise<{ ids: string[]; getMs: number[] }> {
  const ids: string[] = [];
  const getMs: number[] = [];
  await inParallel(creates, async (i) => {
    const u = user(i, prefix);
    const start = performance.now();
    if ((await matchingGet(url, u.userName)) !== 0) throw new Error('unexpected match');
    getMs.push(performance.now() - start);
    const response = await fetch(`${url}/Users`, { method: 'POST', headers, body: JSON.stringify(u) });
    if (response.status !== 201) throw new Error(`POST ${response.status}: ${await response.text()}`);
    ids[i] = ((await response.json()) as { id: string }).id;
  });
  return { ids, getMs: getMs.sort((a, b) => a - b) };
}

async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
/** CPU time (user + system) a process has used, in ms (Linux clock ticks are 10 ms). */
const cpuMs = async (pid: number) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const rssMiB = async (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const work = await mkdtemp(join(tmpdir(), 'bench-listener-'));
try {
  // 1. Creates per second: SCIM against ldapadd, each into its own fresh, identical slapd.
  const raw = await startSlapd({ seed: [join(root, 'test', 'data', 'empty.ldif')], noSync });
  await writeFile(
    join(work, 'raw.ldif'),
    Array.from({ length: creates }, (_, i) => entryLdif(i, 'raw', 100_000 + i)).join(''),
  );
  await writeFile(
    join(work, 'modify.ldif'),
    Array.from({ length: creates }, (_, i) => modifyLdif(i, 'raw')).join(''),
  );
  const ldapTool = async (tool: string, file: string) => {
    const start = performance.now();
    await run(
      tool,
      ['-x', '-H', raw.ldapUrl, '-D', raw.adminDN, '-w', raw.adminPassword, '-f', join(work, file)],
      {
        maxBuffer: 64 << 20,
      },
    );
    return creates / ((performance.now() - start) / 1000);
  };
  const ldapaddRate = await ldapTool('ldapadd', 'raw.ldif');
  const ldapmodifyRate = await ldapTool('ldapmodify', 'modify.ldif');
  await raw.stop();

  const scimSlapd = await startSlapd({ seed: [join(root, 'test', 'data', 'empty.ldif')], noSync });
  await writeFile(join(work, 'listener.yaml'), benchManifests(scimSlapd));
  let listener = await startListenerProcess(work);
  const cpuBefore = {
    listener: await cpuMs(listener.pid),
    slapd: await cpuMs(scimSlapd.pid),
    bench: process.cpuUsage(),
  };
  let t = performance.now();
  const { ids, getMs: getWhileCreating } = await createUsers(listener.url, 'scim');
  const scimRate = creates / ((performance.now() - t) / 1000);
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const perCreate = {
    listener: ((await cpuMs(listener.pid)) - cpuBefore.listener) / creates,
    slapd: ((await cpuMs(scimSlapd.pid)) - cpuBefore.slapd) / creates,
    bench: (benchCpu.user + benchCpu.system) / 1000 / creates,
  };
  const listenerCpuBeforeUpdates = await cpuMs(listener.pid);
  t = performance.now();
  await inParallel(creates, async (i) => {
    const { cn, sn } = renamed(i, 'scim');
    const response = await fetch(`${listener.url}/Users/${ids[i]}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'displayName', value: cn },
          { op: 'Replace', path: 'name.familyName', value: sn },
        ],
      }),
    });
    if (response.status !== 204) throw new Error(`PATCH ${response.status}: ${await response.text()}`);
  });
  const scimUpdateRate = creates / ((performance.now() - t) / 1000);
  const cpuPerUpdate = ((await cpuMs(listener.pid)) - listenerCpuBeforeUpdates) / creates;
  await listener.stop();
  await scimSlapd.stop();

  // 1b. The same creates with the reference mapping's generated password, each scheme into a fresh slapd.
  const withPassword = async (scheme: 'CRYPT-SHA512' | 'SSHA512', prefix: string) => {
    const slapd = await startSlapd({ seed: [join(root, 'test', 'data', 'empty.ldif')], noSync });
    await writeFile(join(work, 'listener.yaml'), benchManifests(slapd, scheme));
    const l = await startListenerProcess(work);
    const cpuBefore = await cpuMs(l.pid);
    const start = performance.now();
    const { getMs } = await createUsers(l.url, prefix);
    const rate = creates / ((performance.now() - start) / 1000);
    const cpuPerCreate = ((await cpuMs(l.pid)) - cpuBefore) / creates;
    await l.stop();
    await slapd.stop();
    return { rate, getP50: percentile(getMs, 50), getP99: percentile(getMs, 99), cpuPerCreate };
  };
  const crypt = await withPassword('CRYPT-SHA512', 'pw');
  const ssha = await withPassword('SSHA512', 'ssha');

  // 2 and 3. A directory with `population` users (loaded offline with slapadd), matching GETs, listener RSS.
  await writeFile(
    join(work, 'population.ldif'),
    (await readFile(join(root, 'test', 'data', 'empty.ldif'), 'utf8')) +
      '\n' +
      Array.from({ length: population }, (_, i) => entryLdif(i, 'p', 100_000 + i)).join(''),
  );
  t = performance.now();
  const big = await startSlapd({ seed: [join(work, 'population.ldif')] });
  const loadSeconds = (performance.now() - t) / 1000;
  await writeFile(join(work, 'listener.yaml'), benchManifests(big));
  listener = await startListenerProcess(work);
  const rssIdle = await rssMiB(listener.pid);
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) await matchingGet(listener.url, `p${(i * 7919) % population}@example.org`); // warm-up
  const listenerCpuBeforeGets = await cpuMs(listener.pid);
  for (let i = 0; i < GETS; i++) {
    const start = performance.now();
    const found = await matchingGet(listener.url, `p${(i * 104_729) % population}@example.org`);
    latencies.push(performance.now() - start);
    if (found !== 1) throw new Error('matching GET did not find the user');
  }
  latencies.sort((a, b) => a - b);
  const cpuPerGet = ((await cpuMs(listener.pid)) - listenerCpuBeforeGets) / GETS;
  const rssAfter = await rssMiB(listener.pid);
  await listener.stop();
  await big.stop();

  process.stdout.write(
    [
      `Node ${process.version}; ${noSync ? 'slapd without fsync' : 'slapd with fsync'}; ${creates} creates, ${CONCURRENCY} in parallel; ${population} users for the GETs (slapadd load ${loadSeconds.toFixed(1)} s)`,
      '',
      '| figure | value |',
      '| --- | --- |',
      `| users created per second, SCIM (matching GET + POST) | ${scimRate.toFixed(0)} |`,
      `| entries added per second, ldapadd of the same entries | ${ldapaddRate.toFixed(0)} |`,
      `| SCIM / ldapadd | ${(scimRate / ldapaddRate).toFixed(2)} |`,
      `| users created per second with the generated password: CRYPT-SHA512 / SSHA512 | ${crypt.rate.toFixed(0)} / ${ssha.rate.toFixed(0)} |`,
      `| the same / ldapadd | ${(crypt.rate / ldapaddRate).toFixed(2)} / ${(ssha.rate / ldapaddRate).toFixed(2)} |`,
      `| matching GET p50 / p99 while ${CONCURRENCY} clients create, no password | ${percentile(getWhileCreating, 50).toFixed(2)} / ${percentile(getWhileCreating, 99).toFixed(2)} ms |`,
      `| the same with the generated password: CRYPT-SHA512; SSHA512 | ${crypt.getP50.toFixed(2)} / ${crypt.getP99.toFixed(2)} ms; ${ssha.getP50.toFixed(2)} / ${ssha.getP99.toFixed(2)} ms |`,
      `| users updated per second, SCIM (PATCH of displayName and familyName) | ${scimUpdateRate.toFixed(0)} |`,
      `| entries modified per second, ldapmodify of the same changes | ${ldapmodifyRate.toFixed(0)} |`,
      `| SCIM / ldapmodify | ${(scimUpdateRate / ldapmodifyRate).toFixed(2)} |`,
      `| CPU per SCIM create: listener / slapd / load generator | ${perCreate.listener.toFixed(2)} / ${perCreate.slapd.toFixed(2)} / ${perCreate.bench.toFixed(2)} ms |`,
      `| listener CPU per create with the password (all its threads): CRYPT-SHA512 / SSHA512 | ${crypt.cpuPerCreate.toFixed(2)} / ${ssha.cpuPerCreate.toFixed(2)} ms |`,
      `| listener CPU per update / per matching GET | ${cpuPerUpdate.toFixed(2)} / ${cpuPerGet.toFixed(2)} ms |`,
      `| matching GET p50 / p99, ${population} users | ${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms |`,
      `| listener RSS, started / after ${GETS} GETs | ${rssIdle.toFixed(0)} MiB / ${rssAfter.toFixed(0)} MiB |`,
      '',
    ].join('\n'),
  );
  await recordFigures({
    scimCreatesPerSecond: scimRate,
    ldapaddPerSecond: ldapaddRate,
    scimCreatesWithPasswordPerSecond: crypt.rate,
    scimCreatesWithSsha512PerSecond: ssha.rate,
    getWhileCreatingP99Ms: percentile(getWhileCreating, 99),
    getWhileCreatingWithPasswordP99Ms: crypt.getP99,
    getWhileCreatingWithSsha512P99Ms: ssha.getP99,
    listenerCpuPerCreateWithPasswordMs: crypt.cpuPerCreate,
    scimUpdatesPerSecond: scimUpdateRate,
    ldapmodifyPerSecond: ldapmodifyRate,
    getP50Ms: percentile(latencies, 50),
    getP99Ms: percentile(latencies, 99),
    listenerCpuPerCreateMs: perCreate.listener,
    listenerCpuPerUpdateMs: cpuPerUpdate,
    listenerCpuPerGetMs: cpuPerGet,
    listenerRssMiB: rssAfter,
  });
} finally {
  await rm(work, { recursive: true, force: true });
}
