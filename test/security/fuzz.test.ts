import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_VALUES } from '../../controller/core/text/hostile.fixtures.ts';
import { manifests, startTestListener, type TestListener, TOKEN } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// CI size; FUZZ_RUNS=20000 for the full run.
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 600);
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

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
);
const path = fc.oneof(
  fc.constantFrom(
    '/scim/Users',
    '/scim/Groups',
    '/scim/Users/.search',
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
const contentType = fc.constantFrom(
  'application/scim+json',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/scim+json; charset=latin1',
);

describe('the SCIM API under hostile input', () => {
  let slapd: Slapd;
  let listener: TestListener;
  let tried = 0;

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
    for (const name of ['ann', 'bob'])
      await listener.scim('POST', '/scim/Users', {
        userName: `${name}@example.org`,
        displayName: name,
        name: { familyName: name },
      });
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  it(`answers ${RUNS} random requests without a 5xx, each error a SCIM Error`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        path,
        contentType,
        body,
        async (method, url, type, payload) => {
          tried++;
          const withBody = method !== 'GET' && method !== 'DELETE';
          const response = await raw(
            listener.url,
            method,
            url,
            { authorization: `Bearer ${TOKEN}`, 'content-type': type },
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
    // Still serving, and nothing the fuzzer sent broadened a lookup.
    const list = await listener.scim(
      'GET',
      `/scim/Users?filter=${encodeURIComponent('userName eq "ann@example.org"')}`,
    );
    expect(list.body.totalResults).toBe(1);
  });

  it.each(HOSTILE_VALUES)(
    'matches nothing for the hostile filter value %j (no filter broadens)',
    async (value) => {
      for (const op of ['eq', 'sw', 'co']) {
        const { status, body: list } = await listener.scim(
          'GET',
          `/scim/Users?filter=${encodeURIComponent(`userName ${op} ${JSON.stringify(value)}`)}`,
        );
        expect(status).toBe(200);
        expect(list.totalResults).toBe(0);
      }
    },
  );
});
