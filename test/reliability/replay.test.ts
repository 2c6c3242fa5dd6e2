import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerProcess, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// CI size; REPLAY_USERS=20000 for the full run.
const USERS = Number(process.env['REPLAY_USERS'] ?? 300);
const CONCURRENCY = 8;
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

// An Entra initial cycle against two listener replicas, with kill -9 of one replica and of slapd (restarted)
// in the middle. The client behaves as Entra does: lookup, then POST; a failed request (connection error,
// 5xx) is retried on a replica that answers.
describe('an initial cycle through two listener replicas, with crashes', () => {
  let slapd: Slapd;
  let dir: string;
  const replicas: ListenerProcess[] = [];

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    replicas.push(await spawnListener(dir), await spawnListener(dir));
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `provisions ${USERS} users exactly once each, with unique uidNumbers`,
    async () => {
      const alive = new Set(replicas);
      const outcomes = { created: 0, adopted: 0, retries: 0, unavailable: 0 };
      const call = async (index: number, method: string, path: string, body?: unknown) => {
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
      const provision = async (i: number) => {
        const userName = `user${i}@example.org`;
        const lookup = await call(
          i,
          'GET',
          `/scim/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
        );
        expect(lookup.status).toBe(200);
        if (lookup.body.totalResults === 1) {
          outcomes.adopted++;
          return;
        }
        const created = await call(i, 'POST', '/scim/Users', {
          userName,
          displayName: `User ${i}`,
          name: { familyName: `User${i}` },
        });
        // 409: an earlier attempt wrote it and its answer was lost in the crash; Entra's next lookup finds it.
        expect([201, 409]).toContain(created.status);
        if (created.status === 201) outcomes.created++;
        else outcomes.adopted++;
      };

      let next = 0;
      const faults = (async () => {
        while (next < USERS / 3) await sleep(10);
        const victim = replicas[0] as ListenerProcess;
        victim.child.kill('SIGKILL');
        alive.delete(victim);
        while (next < (2 * USERS) / 3) await sleep(10);
        await slapd.kill();
        await sleep(1000);
        await slapd.restart();
      })();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < USERS) await provision(next++);
        }),
      );
      await faults;

      const ldap = new Client({ url: slapd.ldapUrl, timeout: 30_000 });
      await ldap.bind(slapd.adminDN, slapd.adminPassword);
      const { searchEntries } = await ldap.search(`ou=people,${slapd.baseDN}`, {
        filter: '(uid=user*)',
        attributes: ['uid', 'uidNumber'],
        paged: true,
      });
      await ldap.unbind();
      const uids = searchEntries.map((e) => String(e['uid']));
      const numbers = searchEntries.map((e) => String(e['uidNumber']));
      expect(new Set(uids).size).toBe(USERS);
      expect(uids).toHaveLength(USERS);
      expect(new Set(numbers).size).toBe(USERS);
      expect(outcomes.created + outcomes.adopted).toBe(USERS);
      // The faults happened under load: some requests failed over.
      expect(outcomes.retries).toBeGreaterThan(0);
    },
    Math.max(60_000, USERS * 30),
  );
});
