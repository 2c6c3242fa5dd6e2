import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_VALUES } from '../../controller/core/text/hostile.fixtures.ts';
import { type ListenerProcess, manifests, spawnListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// CI size; FUZZ_RUNS=20000 for the full run.
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 600);
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
// limits.memory of the listener container the operator deploys (core/reconcile/children.ts).
const LISTENER_MEMORY_LIMIT_MIB = 512;

interface RawResponse {
  status: number;
  body: string;
}

/** A request with raw bytes for the path and body: what fetch would refuse to send (invalid UTF-8, bad headers). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
) {
  return new Promise<RawResponse>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

// Nested past the parser's stack: 400 invalidFilter, never a stack overflow. Depths keep the URL under Node's
// 16 KiB header limit (encodeURIComponent leaves parentheses as they are and triples brackets).
const deepFilter = fc.oneof(
  fc
    .integer({ min: 3_000, max: 7_000 })
    .map((depth) => `${'('.repeat(depth)}userName pr${')'.repeat(depth)}`),
  fc
    .integer({ min: 2_000, max: 2_800 })
    .map((depth) => `${'not('.repeat(depth)}userName pr${')'.repeat(depth)}`),
  fc.integer({ min: 30, max: 1_000 }).map((depth) => `${'emails['.repeat(depth)}type pr${']'.repeat(depth)}`),
);
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const jsonValue = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    deep(10_000),
    `{"userName":"${'a'.repeat(200_000)}"}`,
    '{"schemas":null}',
    '{"Operations":[{}]}',
  ),
  fc
    .record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
      Operations: fc.array(
        fc.record({
          op: fc.constantFrom('add', 'Replace', 'remove', 'move', ''),
          path: fc.oneof(
            fc.string(),
            fc.constantFrom('members[value eq "x"]', 'emails[type eq "work"].value', 'name.familyName'),
          ),
          value: fc.anything(),
        }),
        { maxLength: 4 },
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ userName: fc.constantFrom(...HOSTILE_VALUES), displayName: fc.string(), active: fc.anything() })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:SearchRequest']),
      filter: fc.oneof(
        deepFilter,
        fc.integer({ min: 10_000, max: 100_000 }).map((d) => `${'('.repeat(d)}userName pr${')'.repeat(d)}`),
        fc.string(),
      ),
      startIndex: fc.anything(),
      count: fc.anything(),
      attributes: fc.anything(),
    })
    .map((v) => JSON.stringify(v)),
);
const body = fc.oneof(
  jsonValue.map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
);
const filter = fc.oneof(
  fc.string(),
  fc.constantFrom(...HOSTILE_VALUES).map((v) => `userName eq ${JSON.stringify(v)}`),
  fc.constantFrom(
    'userName eq',
    'not (',
    'members[value eq "a"]',
    'a eq "b" and (c co "d" or',
    '%ff%fe',
    '"'.repeat(5000),
  ),
  deepFilter,
);
const path = fc.oneof(
  fc.constantFrom(
    '/scim/Users',
    '/scim/Groups',
    '/scim/Users/.search',
    '/scim/Groups/.search',
    '/scim/.search',
    '/scim/Schemas',
    '/scim/ResourceTypes/User',
  ),
  fc.string({ maxLength: 60 }).map((id) => `/scim/Users/${encodeURIComponent(id)}`),
  filter.map((f) => `/scim/Users?filter=${encodeURIComponent(f)}`),
  filter.map((f) => `/scim/Groups?filter=${encodeURIComponent(f)}&startIndex=-1&count=99999999`),
  fc.constantFrom(
    '/scim/Users?filter=%ff%fe',
    '/scim/Users/%ff',
    '/scim/Users?count=abc',
    '/scim/Users?attributes=,,,',
  ),
);
// Header values as Node sends them: one byte per character, so 0x80-0xff go out as raw bytes (not UTF-8).
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code === 0x7f ? 0x20 : code)),
  maxLength: 300,
});
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'accept',
    'accept-charset',
    'if-match',
    'if-none-match',
    'user-agent',
    'x-forwarded-for',
    'x-ms-client-request-id',
  ),
  headerValue,
  { maxKeys: 3 },
);
const contentType = fc.constantFrom(
  'application/scim+json',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/scim+json; charset=latin1',
);

const rssMiB = async (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

// The listener runs as its own `scim-ldap listener` process: a crash would end it, and its memory is its own.
describe('the SCIM API under hostile input', () => {
  let slapd: Slapd;
  let dir: string;
  let listener: ListenerProcess;
  let tried = 0;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const lookup = async (filter: string) => {
    const response = await fetch(`${listener.url}/scim/Users?filter=${encodeURIComponent(filter)}`, {
      headers,
    });
    return { status: response.status, body: (await response.json()) as { totalResults: number } };
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    dir = await mkdtemp(join(tmpdir(), 'fuzz-'));
    await writeFile(join(dir, 'ldap.yaml'), manifests(slapd));
    listener = await spawnListener(dir);
    for (const name of ['ann', 'bob']) {
      const response = await fetch(`${listener.url}/scim/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          userName: `${name}@example.org`,
          displayName: name,
          name: { familyName: name },
        }),
      });
      expect(response.status).toBe(201);
    }
  });
  afterAll(async () => {
    await listener?.stop();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`answers ${RUNS} random requests without a 5xx or a crash, each error a SCIM Error, in bounded memory`, async () => {
    const pid = listener.child.pid ?? 0;
    let rssHalfway = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        path,
        contentType,
        extraHeaders,
        body,
        async (method, url, type, extra, payload) => {
          if (++tried === Math.floor(RUNS / 2)) rssHalfway = await rssMiB(pid);
          const withBody = method !== 'GET' && method !== 'DELETE';
          const response = await raw(
            listener.url,
            method,
            url,
            { ...extra, authorization: `Bearer ${TOKEN}`, 'content-type': type },
            withBody ? payload : undefined,
          );
          expect(response.status, `${method} ${url}`).toBeLessThan(500);
          if (response.status >= 400) {
            const error = JSON.parse(response.body) as { schemas: string[]; status: string; detail?: string };
            expect(error.schemas).toEqual([ERROR_SCHEMA]);
            expect(error.status).toBe(String(response.status));
          }
        },
      ),
      { numRuns: RUNS, seed: Number(process.env['FUZZ_SEED'] ?? 20261126) },
    );
    expect(tried).toBe(RUNS);
    // Still the same process, still serving, and nothing the fuzzer sent broadened a lookup.
    expect(listener.child.exitCode).toBeNull();
    expect((await lookup('userName eq "ann@example.org"')).body.totalResults).toBe(1);
    // Bounded: within the memory limit the operator gives listener pods. (The resident size grows while V8
    // sizes its heap for 200 kB bodies, then levels off: about 320 MiB from 15,000 to 30,000 requests.)
    const rssEnd = await rssMiB(pid);
    process.stdout.write(
      `fuzz: ${tried} requests; listener RSS ${rssHalfway.toFixed(0)} MiB halfway, ${rssEnd.toFixed(0)} MiB at the end\n`,
    );
    expect(rssEnd).toBeLessThan(LISTENER_MEMORY_LIMIT_MIB);
  });

  it.each(HOSTILE_VALUES)(
    'matches nothing for the hostile filter value %j (no filter broadens)',
    async (value) => {
      for (const op of ['eq', 'sw', 'co']) {
        const { status, body: list } = await lookup(`userName ${op} ${JSON.stringify(value)}`);
        expect(status).toBe(200);
        expect(list.totalResults).toBe(0);
      }
    },
  );
});
