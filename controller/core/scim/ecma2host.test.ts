import { describe, expect, it } from 'vitest';
import type { DirectoryAttribute } from './discovery.ts';
import { asPublished, carriesUsers, pseudoAttributesIn, shapeProblem } from './ecma2host.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

describe('pseudoAttributesIn', () => {
  it.each([
    { body: { userName: 'a', [ECMA]: { uid: 'a', '-DN-': 'uid=a' } }, found: ['-dn-'] },
    { body: { [ECMA.toLowerCase()]: { Export_Password: 'x' } }, found: ['export_password'] },
    { body: { userName: 'a', [ECMA]: { uid: 'a' } }, found: [] },
    {
      body: { Operations: [{ op: 'Replace', path: `${ECMA}:_distinguishedName`, value: 'uid=a' }] },
      found: ['_distinguishedName'],
    },
    {
      body: { Operations: [{ op: 'add', value: { [`${ECMA}:export_password`]: 'x' } }] },
      found: ['export_password'],
    },
    { body: { Operations: [{ op: 'add', path: ECMA, value: { '-dn-': 'uid=a' } }] }, found: ['-dn-'] },
    { body: { Operations: [{ op: 'add', value: { [ECMA]: { '-dn-': 'uid=a' } } }] }, found: ['-dn-'] },
    { body: { displayName: '-dn-', externalId: 'export_password' }, found: [] },
  ])('finds $found in $body', ({ body, found }) => {
    expect(pseudoAttributesIn(body)).toEqual(found);
  });

  it('gets through hostile nesting without exhausting the stack', () => {
    const nested = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(pseudoAttributesIn(nested)).toEqual([]);
    let value: unknown = { [ECMA]: { '-dn-': 'x' } };
    for (let i = 0; i < 100_000; i++) value = { value };
    expect(pseudoAttributesIn({ Operations: [{ op: 'add', value }] })).toEqual([]);
  });
});

describe('shapeProblem', () => {
  const directory: DirectoryAttribute[] = [
    { name: 'uidNumber', type: 'integer', multiValued: false, caseExact: false },
    { name: 'cn', type: 'string', multiValued: false, caseExact: false },
    { name: 'givenName', type: 'string', multiValued: true, caseExact: false },
  ];
  it.each([
    { body: { [ECMA]: { cn: ['A', 'B'] } }, problem: 'cn is single-valued' },
    { body: { [ECMA]: { CN: 'A', givenName: ['A', 'B'], uidNumber: ['7'] } }, problem: undefined },
    { body: { [ECMA]: { uidNumber: 'seven' } }, problem: 'uidNumber is an integer' },
    { body: { [ECMA]: { uidNumber: 7.5 } }, problem: 'uidNumber is an integer' },
    { body: { [ECMA]: { uidNumber: '-42', other: ['a', 'b'] } }, problem: undefined },
    { body: { [ECMA]: { uidNumber: ' 42' } }, problem: 'uidNumber is an integer' },
    {
      body: { Operations: [{ op: 'replace', path: `${ECMA}:uidNumber`, value: [1, 2] }] },
      problem: 'uidNumber is single-valued',
    },
    {
      body: { Operations: [{ op: 'replace', value: { [`${ECMA}:uidNumber`]: 'x' } }] },
      problem: 'uidNumber is an integer',
    },
    { body: { Operations: [{ op: 'remove', path: `${ECMA}:uidNumber` }] }, problem: undefined },
  ])('$problem: $body', ({ body, problem }) => {
    expect(shapeProblem(body, directory)).toBe(problem);
  });
});

describe('asPublished', () => {
  const directory: DirectoryAttribute[] = [
    { name: 'uidNumber', type: 'integer', multiValued: false, caseExact: false },
    { name: 'cn', type: 'string', multiValued: false, caseExact: false },
    { name: 'givenName', type: 'string', multiValued: true, caseExact: false },
    { name: 'shadowExpire', type: 'integer', multiValued: false, caseExact: false },
  ];
  const user = (extension: Record<string, unknown>) => ({ id: '1', userName: 'a', [ECMA]: extension });

  it.each([
    {
      why: 'integers become numbers',
      extension: { uidNumber: '10042', shadowExpire: '-1' },
      expected: { uidNumber: 10042, shadowExpire: -1 },
    },
    {
      why: 'single-valued attributes hold one value, multi-valued ones an array even of one',
      extension: { cn: ['A', 'B'], givenName: 'Britta' },
      expected: { cn: 'A', givenName: ['Britta'] },
    },
    {
      why: 'an integer a JSON number cannot hold exactly stays a string',
      extension: { uidNumber: '123456789012345678901' },
      expected: { uidNumber: '123456789012345678901' },
    },
    {
      why: 'attribute names match in any case',
      extension: { UIDNUMBER: '7' },
      expected: { UIDNUMBER: 7 },
    },
  ])('$why', ({ extension, expected }) => {
    expect(asPublished(user(extension), directory, true)).toEqual(user(expected));
  });

  it('keeps the pseudo-attributes only where they are published', () => {
    const withDn = user({ cn: 'A', '-dn-': 'uid=a,dc=x' });
    expect(asPublished(withDn, directory, true)).toEqual(withDn);
    expect(asPublished(withDn, directory, false)).toEqual(user({ cn: 'A' }));
  });

  it('shapes every user of a ListResponse, and leaves other bodies alone', () => {
    const list = { totalResults: 1, Resources: [user({ uidNumber: '1' })] };
    expect(asPublished(list, directory, false)).toEqual({
      totalResults: 1,
      Resources: [user({ uidNumber: 1 })],
    });
    const error = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' };
    expect(carriesUsers(error)).toBe(false);
    expect(asPublished(error, directory, false)).toEqual(error);
  });
});
