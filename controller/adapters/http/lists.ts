import { ScimError } from '../../core/scim/errors.ts';
import { keepsAttribute, listResponse, paging, projectAttributes } from '../../core/scim/list.ts';
import { withLocation } from '../../core/scim/meta.ts';
import type { ListQuery as Query } from '../../core/scim/search.ts';
import type { ConnectorEndpoint } from './app.ts';

/** Each resource with its meta.location under the connector's root, then projected as the query asks. */
function projectList(list: Record<string, unknown>, query: Query, root: string): Record<string, unknown> {
  list['Resources'] = (list['Resources'] as Record<string, unknown>[]).map((r) => {
    const type = (r['meta'] as { resourceType?: string } | undefined)?.resourceType;
    return projectAttributes(withLocation(r, root, type === 'Group' ? 'Groups' : 'Users'), query);
  });
  return list;
}

/** GET /Users and POST /Users/.search. */
export async function listUsers(endpoint: ConnectorEndpoint, query: Query, root: string) {
  const { startIndex, count } = paging(query);
  return projectList(await endpoint.users.list({ filter: query['filter'], startIndex, count }), query, root);
}

/** GET /Groups and POST /Groups/.search; Entra looks groups up with excludedAttributes=members, and members
 * are only read when they are shown. */
export async function listGroups(endpoint: ConnectorEndpoint, query: Query, root: string) {
  const { startIndex, count } = paging(query);
  const withMembers = keepsAttribute(query, 'members');
  return projectList(
    await endpoint.groups.list({ filter: query['filter'], startIndex, count, withMembers }),
    query,
    root,
  );
}

/** A filter on an attribute one resource type does not have matches none of that type (RFC 7644 §3.4.2.1). */
async function unlessUnmapped(list: () => Promise<Record<string, unknown>>) {
  try {
    return await list();
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') return error;
    throw error;
  }
}

/**
 * POST /.search (RFC 7644 §3.4.3): users, then groups, as one list paged across both; each resource names its
 * type in meta.resourceType. A filter neither type can evaluate is the error either gives.
 */
export async function searchAll(endpoint: ConnectorEndpoint, query: Query, root: string) {
  const { startIndex, count } = paging(query);
  const users = await unlessUnmapped(() =>
    endpoint.users.list({ filter: query['filter'], startIndex, count }),
  );
  const userTotal = users instanceof ScimError ? 0 : (users['totalResults'] as number);
  const userPage = users instanceof ScimError ? [] : (users['Resources'] as Record<string, unknown>[]);
  const groups = await unlessUnmapped(() =>
    endpoint.groups.list({
      filter: query['filter'],
      startIndex: Math.max(1, startIndex - userTotal),
      count: count - userPage.length,
      withMembers: keepsAttribute(query, 'members'),
    }),
  );
  if (users instanceof ScimError && groups instanceof ScimError) throw users;
  const groupTotal = groups instanceof ScimError ? 0 : (groups['totalResults'] as number);
  const groupPage = groups instanceof ScimError ? [] : (groups['Resources'] as Record<string, unknown>[]);
  return projectList(
    listResponse([...userPage, ...groupPage], userTotal + groupTotal, startIndex),
    query,
    root,
  );
}
