import { type LdapAttributes, valuesOf } from '../ldap/entry.ts';

type Json = Record<string, unknown>;

/** GeneralizedTime (20260102030405Z) as ISO 8601, for meta.created and meta.lastModified. */
function isoTime(value: string | undefined): string | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : undefined;
}

/** A resource's meta from its entry's operational timestamps (createTimestamp, modifyTimestamp). */
export function resourceMeta(resourceType: 'User' | 'Group', attributes: LdapAttributes): Json {
  const meta: Json = { resourceType };
  const created = isoTime(valuesOf(attributes, 'createTimestamp')[0]);
  const modified = isoTime(valuesOf(attributes, 'modifyTimestamp')[0]);
  if (created) meta['created'] = created;
  if (modified) meta['lastModified'] = modified;
  return meta;
}

/**
 * The resource with meta.location: the URL path it is served at under `root` (the connector's SCIM root the
 * request came in on, `/ecma2host_<name>/scim` or `/scim`). A path, since behind Entra's provisioning agent
 * or an Ingress the listener does not know the host name the client used.
 */
export function withLocation(resource: Json, root: string, collection: 'Users' | 'Groups'): Json {
  const id = resource['id'];
  if (typeof id !== 'string') return resource;
  const meta = typeof resource['meta'] === 'object' && resource['meta'] !== null ? resource['meta'] : {};
  return { ...resource, meta: { ...meta, location: `${root}/${collection}/${encodeURIComponent(id)}` } };
}
