import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.ts';
import { applyPatch, parsePatch } from './patch.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patch = (resource: Record<string, unknown>, ...operations: unknown[]) =>
  applyPatch(resource, parsePatch({ Operations: operations }));

describe('PATCH in the shapes Entra sends', () => {
  const user = {
    userName: 'a@x',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ type: 'work', value: 'a@x', primary: true }],
    members: [{ value: '1' }, { value: '2' }, { value: '3' }],
  };

  it.each([
    {
      reason: 'a capitalised Replace of a simple attribute',
      op: { op: 'Replace', path: 'displayName', value: 'New' },
      check: (r: Record<string, unknown>) => expect(r['displayName']).toBe('New'),
      touched: ['displayname'],
    },
    {
      reason: 'a sub-attribute replace',
      op: { op: 'Replace', path: 'name.familyName', value: 'C' },
      check: (r: Record<string, unknown>) => expect(r['name']).toEqual({ givenName: 'A', familyName: 'C' }),
      touched: ['name'],
    },
    {
      reason: 'a value-path replace of an existing element',
      op: { op: 'Replace', path: 'emails[type eq "work"].value', value: 'b@x' },
      check: (r: Record<string, unknown>) =>
        expect(r['emails']).toEqual([{ type: 'work', value: 'b@x', primary: true }]),
      touched: ['emails'],
    },
    {
      reason: 'a value-path replace that creates the element',
      op: { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1' },
      check: (r: Record<string, unknown>) =>
        expect(r['phoneNumbers']).toEqual([{ type: 'mobile', value: '+1' }]),
      touched: ['phonenumbers'],
    },
    {
      reason: 'a path-less replace with dotted and URN keys (aadOptscim062020)',
      op: {
        op: 'replace',
        value: { displayName: 'D', 'name.givenName': 'G', [`${ENTERPRISE}:employeeNumber`]: '7' },
      },
      check: (r: Record<string, unknown>) => {
        expect(r['displayName']).toBe('D');
        expect(r['name']).toEqual({ givenName: 'G', familyName: 'B' });
        expect(r[ENTERPRISE]).toEqual({ employeeNumber: '7' });
      },
      touched: ['displayname', 'name', `${ENTERPRISE}:employeenumber`.toLowerCase()],
    },
    {
      reason: 'Add of values to a multi-valued attribute, without duplicates',
      op: { op: 'Add', path: 'members', value: [{ value: '3', $ref: null }, { value: '4' }] },
      check: (r: Record<string, unknown>) =>
        expect(r['members']).toEqual([{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }]),
      touched: ['members'],
    },
    {
      reason: 'Remove on members with a value list: those values, not all',
      op: { op: 'Remove', path: 'members', value: [{ value: '2' }] },
      check: (r: Record<string, unknown>) => expect(r['members']).toEqual([{ value: '1' }, { value: '3' }]),
      touched: ['members'],
    },
    {
      reason: 'remove with a value filter path',
      op: { op: 'remove', path: 'members[value eq "1"]' },
      check: (r: Record<string, unknown>) => expect(r['members']).toEqual([{ value: '2' }, { value: '3' }]),
      touched: ['members'],
    },
    {
      reason: 'an add whose path is the extension schema, its value the attributes inside it',
      op: { op: 'add', path: ENTERPRISE, value: { department: 'Ops', costCenter: '42' } },
      check: (r: Record<string, unknown>) =>
        expect(r[ENTERPRISE]).toEqual({ department: 'Ops', costCenter: '42' }),
      touched: [`${ENTERPRISE}:department`.toLowerCase(), `${ENTERPRISE}:costcenter`.toLowerCase()],
    },
    {
      reason: 'an extension attribute by its full path',
      op: { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Eng' },
      check: (r: Record<string, unknown>) => expect(r[ENTERPRISE]).toEqual({ department: 'Eng' }),
      touched: [`${ENTERPRISE}:department`.toLowerCase()],
    },
  ])('applies $reason', ({ op, check, touched }) => {
    const result = patch(user, op);
    check(result.resource);
    expect([...result.touched]).toEqual(touched);
  });

  it('leaves the original resource untouched', () => {
    patch(user, { op: 'replace', path: 'name.givenName', value: 'Z' });
    expect(user.name.givenName).toBe('A');
  });

  it.each([
    { reason: 'no Operations', body: {}, scimType: 'invalidSyntax', message: 'non-empty "Operations"' },
    {
      reason: 'an unknown op',
      body: { Operations: [{ op: 'move', path: 'a' }] },
      scimType: 'invalidSyntax',
      message: 'Operations[0].op must be add, replace or remove',
    },
    {
      reason: 'remove without a path',
      body: { Operations: [{ op: 'remove' }] },
      scimType: 'noTarget',
      message: 'Operations[0]: remove needs a path',
    },
    {
      reason: 'a malformed path',
      body: { Operations: [{ op: 'add', path: 'a[b eq', value: 1 }] },
      scimType: 'invalidPath',
      message: 'Operations[0].path',
    },
    {
      reason: 'a path-less add of a non-object',
      body: { Operations: [{ op: 'add', value: 'x' }] },
      scimType: 'invalidValue',
      message: 'needs an object value',
    },
    {
      reason: 'a replace without a value',
      body: {
        Operations: [
          { op: 'replace', path: 'a' },
          { op: 'replace', path: 'b' },
        ],
      },
      scimType: 'invalidValue',
      message: 'Operations[0]: replace needs a value',
    },
  ])('rejects $reason, naming the operation', ({ body, scimType, message }) => {
    let error: unknown;
    try {
      parsePatch(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType });
    expect((error as Error).message).toContain(message);
  });
});
