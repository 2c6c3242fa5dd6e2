// Listing every user page by page, as a SCIM client does a full sync: GET /Users?startIndex=k&count=<page>
// from startIndex 1 until every user has been returned, one page at a time, with `users` users in the
// directory (loaded offline with slapadd). Checks that every user came back exactly once.
// Run: node bench/listing.ts [users] [page size] [pages: all unless given, to sample a slow listing]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manyUsersLdif } from '../test/data/many-users.ts';
import { manifests, spawnListener, TOKEN } from '../test/support/listener.ts';
import { startSlapd } from '../test/support/slapd.ts';
import { recordFigures } from './report.ts';

const users = Number(process.argv[2] ?? 100_000);
const pageSize = Number(process.argv[3] ?? 100);
const allPages = Math.ceil(users / pageSize);
const pages = Math.min(allPages, Number(process.argv[4] ?? allPages));
const root = join(import.meta.dirname, '..');
const headers = { authorization: `Bearer ${TOKEN}` };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

const work = await mkdtemp(join(tmpdir(), 'bench-listing-'));
try {
  // base.ldif holds one user (alice) beside the generated ones.
  await writeFile(
    join(work, 'seed.ldif'),
    `${await readFile(join(root, 'test', 'data', 'base.ldif'), 'utf8')}\n${manyUsersLdif(users - 1)}`,
  );
  const slapd = await startSlapd({ seed: [join(work, 'seed.ldif')] });
  try {
    await writeFile(join(work, 'listener.yaml'), manifests(slapd));
    const listener = await spawnListener(work);
    try {
      const seen = new Set<string>();
      const latencies: number[] = [];
      let total = 0;
      const start = performance.now();
      for (let page = 0; page < pages; page++) {
        const t = performance.now();
        const response = await fetch(
          `${listener.url}/scim/Users?startIndex=${page * pageSize + 1}&count=${pageSize}`,
          { headers },
        );
        if (response.status !== 200) throw new Error(`page ${page + 1}: ${response.status}`);
        const body = (await response.json()) as { totalResults: number; Resources: { id: string }[] };
        latencies.push(performance.now() - t);
        total = body.totalResults;
        for (const { id } of body.Resources) {
          if (seen.has(id)) throw new Error(`user ${id} listed twice`);
          seen.add(id);
        }
      }
      const seconds = (performance.now() - start) / 1000;
      if (total !== users) throw new Error(`totalResults ${total}, expected ${users}`);
      if (pages === allPages && seen.size !== users) throw new Error(`listed ${seen.size} of ${users} users`);
      // A sampled listing (fewer pages than all) is extrapolated from its mean page time.
      const fullSeconds = pages === allPages ? seconds : (seconds / pages) * allPages;
      latencies.sort((a, b) => a - b);
      process.stdout.write(
        [
          `Node ${process.version}; ${users} users, pages of ${pageSize}; ${pages} of ${allPages} pages read${pages === allPages ? '' : ' (the full listing extrapolated)'}`,
          '',
          '| figure | value |',
          '| --- | --- |',
          `| full listing, ${allPages} pages | ${fullSeconds.toFixed(1)} s |`,
          `| page p50 / p99 | ${percentile(latencies, 50).toFixed(1)} ms / ${percentile(latencies, 99).toFixed(1)} ms |`,
          `| slowest page | ${(latencies[latencies.length - 1] ?? 0).toFixed(1)} ms |`,
          '',
        ].join('\n'),
      );
      await recordFigures({
        listingSeconds: fullSeconds,
        listingPageP50Ms: percentile(latencies, 50),
        listingPageP99Ms: percentile(latencies, 99),
      });
    } finally {
      await listener.stop();
    }
  } finally {
    await slapd.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
