import { invalidSyntax, invalidValue } from './errors.ts';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** The query parameters of a GET on a collection, as the same handlers read them. */
export type ListQuery = Record<string, string | undefined>;

type Json = Record<string, unknown>;

function stringField(body: Json, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(`SearchRequest ${name} must be a string`);
  return value;
}

function integerField(body: Json, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidValue(`SearchRequest ${name} must be an integer`);
  return String(value);
}

/** A list of attribute names; RFC 7644 §3.4.3 makes it an array, the query parameter's comma form is accepted too. */
function namesField(body: Json, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  throw invalidValue(`SearchRequest ${name} must be an array of attribute names`);
}

/**
 * A POST .search body (RFC 7644 §3.4.3) as the query of the equivalent GET, so both take the same path through
 * filtering, paging and projection. sortBy and sortOrder are checked and then ignored, as on GET: the
 * ServiceProviderConfig says sorting is not supported.
 */
export function searchQuery(body: Json): ListQuery {
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.includes(SEARCH_REQUEST_SCHEMA))
    throw invalidSyntax(`SearchRequest schemas must contain ${SEARCH_REQUEST_SCHEMA}`);
  stringField(body, 'sortBy');
  const order = stringField(body, 'sortOrder');
  if (order !== undefined && order !== 'ascending' && order !== 'descending')
    throw invalidValue('SearchRequest sortOrder must be "ascending" or "descending"');
  const query: ListQuery = {
    filter: stringField(body, 'filter'),
    startIndex: integerField(body, 'startIndex'),
    count: integerField(body, 'count'),
    attributes: namesField(body, 'attributes'),
    excludedAttributes: namesField(body, 'excludedAttributes'),
  };
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
}
