import { describe, expect, it } from 'vitest';
import { SEARCH_REQUEST_SCHEMA, searchQuery } from './search.ts';

const schemas = [SEARCH_REQUEST_SCHEMA];

describe('searchQuery', () => {
  it.each([
    { reason: 'an empty search', body: { schemas }, query: {} },
    {
      reason: 'every field, attributes as an array',
      body: {
        schemas,
        filter: 'userName sw "a"',
        startIndex: 2,
        count: 5,
        attributes: ['userName', 'name.familyName'],
        sortBy: 'userName',
        sortOrder: 'descending',
      },
      query: {
        filter: 'userName sw "a"',
        startIndex: '2',
        count: '5',
        attributes: 'userName,name.familyName',
      },
    },
    {
      reason: 'excludedAttributes in the comma form of the query parameter',
      body: { schemas, excludedAttributes: 'members' },
      query: { excludedAttributes: 'members' },
    },
    { reason: 'null fields, as absent', body: { schemas, filter: null, count: null }, query: {} },
  ])('reads $reason as the equivalent GET query', ({ body, query }) => {
    expect(searchQuery(body)).toEqual(query);
  });

  it.each([
    { reason: 'no schemas', body: {}, scimType: 'invalidSyntax', field: 'schemas' },
    {
      reason: 'another message schema',
      body: { schemas: ['urn:x'] },
      scimType: 'invalidSyntax',
      field: 'schemas',
    },
    {
      reason: 'a filter object',
      body: { schemas, filter: { a: 1 } },
      scimType: 'invalidValue',
      field: 'filter',
    },
    { reason: 'a count string', body: { schemas, count: '10' }, scimType: 'invalidValue', field: 'count' },
    {
      reason: 'a fractional startIndex',
      body: { schemas, startIndex: 1.5 },
      scimType: 'invalidValue',
      field: 'startIndex',
    },
    {
      reason: 'attributes of numbers',
      body: { schemas, attributes: [1] },
      scimType: 'invalidValue',
      field: 'attributes',
    },
    {
      reason: 'excludedAttributes as an object',
      body: { schemas, excludedAttributes: {} },
      scimType: 'invalidValue',
      field: 'excludedAttributes',
    },
    {
      reason: 'an unknown sortOrder',
      body: { schemas, sortOrder: 'up' },
      scimType: 'invalidValue',
      field: 'sortOrder',
    },
    { reason: 'a sortBy number', body: { schemas, sortBy: 3 }, scimType: 'invalidValue', field: 'sortBy' },
  ])('rejects $reason with 400 $scimType naming $field', ({ body, scimType, field }) => {
    expect(() => searchQuery(body)).toThrow(
      expect.objectContaining({ status: 400, scimType, message: expect.stringContaining(field) }),
    );
  });
});
