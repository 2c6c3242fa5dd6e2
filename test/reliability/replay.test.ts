import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerProcess, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// CI size; REPLAY_USERS=20000 REPLAY_GROUPS=500 for the full run.
const USERS = Number(process.env['REPLAY_USERS'] ?? 300);
const GROUPS = Number(process.env['REPLAY_GROUPS'] ?? 20);
const CONCURRENCY = 8;
// Entra adds members in batches rather than one PATCH per member.
const MEMBERS_PER_PATCH = 50;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

/** The groups user i belongs to: two, spread so that every group gets members from the whole range. */
function groupsOf(i: number): number[] {
  return [...new Set([i % GROUPS, (i * 7 + 3) % GROUPS])];
}

function intendedMembers(): Map<number, Set<string>> {
  const members = new Map<number, Set<string>>();
  for (let g = 0; g < GROUPS; g++) members.set(g, new Set());
  for (let i = 0; i < USERS; i++) for (const g of groupsOf(i)) members.get(g)?.add(`user${i}`);
  return members;
}

const eq = (attribute: string, value: string) => `filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;

// An Entra initial cycle (users, then groups and their memberships) against two listener replicas, with every
// fault the listener must survive in the middle: kill -9 of a replica (restarted, as its Deployment would),
// kill -9 of slapd (restarted), and the listeners' LDAP connections torn down while slapd runs on. The client
// behaves as Entra does: lookup before create, and a failed request (connection error, 503) is retried on a
// replica that answers.
describe('an initial cycle through two listener replicas, with crashes and dropped connections', () => {
  let slapd: Slapd;
  let dir: string;
  const replicas: ListenerProcess[] = [];
  const alive = new Set<ListenerProcess>();
  const outcomes = { created: 0, adopted: 0, retries: 0, unavailable: 0, dropped: 0 };

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    for (let r = 0; r < 2; r++) replicas.push(await spawnListener(dir));
    for (const r of replicas) alive.add(r);
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are read as untyped JSON
  const call = async (index: number, method: string, path: string, body?: unknown): Promise<any> => {
    for (let attempt = 0; ; attempt++) {
      const replica = [...alive][(index + attempt) % alive.size] as ListenerProcess;
      try {
        const response = await fetch(`${replica.url}${path}`, {
          method,
          headers,
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const text = await response.text();
        if (response.status < 500)
          return { status: response.status, body: text ? JSON.parse(text) : undefined };
        // Never another 5xx: the directory was unreachable, and Entra is told when to come back.
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBeTruthy();
        outcomes.unavailable++;
      } catch {
        // The replica is gone (or going): Entra's retry reaches another one.
      }
      outcomes.retries++;
      await sleep(100);
    }
  };

  /** Lookup, then create when absent; a 409 means an earlier attempt wrote it and its answer was lost. */
  const lookupOrCreate = async (index: number, lookupPath: string, createPath: string, body: unknown) => {
    for (;;) {
      const lookup = await call(index, 'GET', lookupPath);
      expect(lookup.status).toBe(200);
      if (lookup.body.totalResults === 1) {
        outcomes.adopted++;
        return String(lookup.body.Resources[0].id);
      }
      const created = await call(index, 'POST', createPath, body);
      expect([201, 409]).toContain(created.status);
      if (created.status === 201) {
        outcomes.created++;
        return String(created.body.id);
      }
    }
  };

  /** Runs work(0..count-1), CONCURRENCY at a time. */
  const replay = async (count: number, work: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await work(next++);
      }),
    );
  };
  const whenReached = async (progress: () => number, target: number) => {
    while (progress() < target) await sleep(5);
  };
  const crashSlapd = async () => {
    await slapd.kill();
    await sleep(1000);
    await slapd.restart();
  };
  const dropConnections = async () => {
    const dropped = await slapd.dropClientConnections();
    expect(dropped).toBeGreaterThan(0);
    outcomes.dropped += dropped;
  };

  it(
    `provisions ${USERS} users and ${GROUPS} groups exactly once each, with unique numbers and exact memberships`,
    async () => {
      const ids: string[] = [];
      let usersDone = 0;
      const userFaults = (async () => {
        await whenReached(() => usersDone, USERS / 4);
        const victim = replicas[0] as ListenerProcess;
        victim.child.kill('SIGKILL');
        alive.delete(victim);
        const replacement = await spawnListener(dir);
        replicas.push(replacement);
        alive.add(replacement);
        await whenReached(() => usersDone, USERS / 2);
        await dropConnections();
        await whenReached(() => usersDone, (3 * USERS) / 4);
        await crashSlapd();
      })();
      await replay(USERS, async (i) => {
        const userName = `user${i}@example.org`;
        ids[i] = await lookupOrCreate(i, `/scim/Users?${eq('userName', userName)}`, '/scim/Users', {
          userName,
          displayName: `User ${i}`,
          name: { familyName: `User${i}` },
        });
        usersDone++;
      });
      await userFaults;

      const members = intendedMembers();
      let groupsDone = 0;
      const groupFaults = (async () => {
        await whenReached(() => groupsDone, GROUPS / 3);
        await dropConnections();
        await whenReached(() => groupsDone, (2 * GROUPS) / 3);
        await crashSlapd();
      })();
      await replay(GROUPS, async (g) => {
        const displayName = `group-${g}`;
        const id = await lookupOrCreate(
          g,
          `/scim/Groups?excludedAttributes=members&${eq('displayName', displayName)}`,
          '/scim/Groups',
          { schemas: [GROUP], displayName, externalId: `entra-group-${g}`, members: [] },
        );
        const memberIds = [...(members.get(g) ?? [])].map((uid) => ids[Number(uid.slice('user'.length))]);
        for (let start = 0; start < memberIds.length; start += MEMBERS_PER_PATCH) {
          const value = memberIds
            .slice(start, start + MEMBERS_PER_PATCH)
            .map((member) => ({ value: member }));
          const patched = await call(g, 'PATCH', `/scim/Groups/${id}`, {
            schemas: [PATCH],
            Operations: [{ op: 'Add', path: 'members', value }],
          });
          expect(patched.status).toBe(204);
        }
        groupsDone++;
      });
      await groupFaults;

      const ldap = new Client({ url: slapd.ldapUrl, timeout: 30_000 });
      await ldap.bind(slapd.adminDN, slapd.adminPassword);
      const users = await ldap.search(`ou=people,${slapd.baseDN}`, {
        filter: '(uid=user*)',
        attributes: ['uid', 'uidNumber', 'gidNumber', 'homeDirectory', 'loginShell'],
        paged: true,
      });
      const groups = await ldap.search(`ou=groups,${slapd.baseDN}`, {
        filter: '(cn=group-*)',
        attributes: ['cn', 'gidNumber', 'memberUid'],
        paged: true,
      });
      await ldap.unbind();

      const uids = users.searchEntries.map((e) => String(e['uid']));
      expect(uids).toHaveLength(USERS);
      expect(new Set(uids).size).toBe(USERS);
      expect(new Set(users.searchEntries.map((e) => String(e['uidNumber']))).size).toBe(USERS);
      // No half-written entry: every user carries every mapped POSIX attribute.
      for (const entry of users.searchEntries)
        expect(entry).toMatchObject({
          uidNumber: expect.stringMatching(/^\d+$/),
          gidNumber: '10000',
          homeDirectory: `/home/${entry['uid']}`,
          loginShell: '/bin/bash',
        });
      expect(outcomes.created + outcomes.adopted).toBe(USERS + GROUPS);

      const cns = groups.searchEntries.map((e) => String(e['cn']));
      expect(cns).toHaveLength(GROUPS);
      expect(new Set(cns).size).toBe(GROUPS);
      expect(new Set(groups.searchEntries.map((e) => String(e['gidNumber']))).size).toBe(GROUPS);
      const memberships = Object.fromEntries(
        groups.searchEntries.map((e) => [e['cn'], [e['memberUid'] ?? []].flat().map(String).sort()]),
      );
      expect(memberships).toEqual(
        Object.fromEntries([...members].map(([g, uidSet]) => [`group-${g}`, [...uidSet].sort()])),
      );
      // The faults happened under load: requests failed over, and connections were torn down.
      expect(outcomes.retries).toBeGreaterThan(0);
      expect(outcomes.dropped).toBeGreaterThan(0);
      process.stdout.write(`replay ${USERS} users, ${GROUPS} groups: ${JSON.stringify(outcomes)}\n`);
    },
    Math.max(90_000, USERS * 30 + GROUPS * 200),
  );
});
