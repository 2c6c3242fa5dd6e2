import { ENTERPRISE_USER_SCHEMA } from './resources.ts';

type Json = Record<string, unknown>;

function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/**
 * What Entra sends, in the shape RFC 7643 means: explicit nulls dropped (Entra never means "clear" by them),
 * "True"/"False" strings made booleans for `active` and every `primary`, and the misspelled enterprise URN
 * (`…enterprise:2.0User`) of an old Entra example read as the real one.
 */
export function normalizeResource(body: Json): Json {
  const resource = withoutNulls(body) as Json;
  for (const key of Object.keys(resource)) {
    if (key.toLowerCase() === 'active') resource[key] = toBoolean(resource[key]);
    if (key.toLowerCase() === `${ENTERPRISE_USER_SCHEMA.replace(':2.0:User', ':2.0User')}`.toLowerCase()) {
      resource[ENTERPRISE_USER_SCHEMA] = resource[key];
      delete resource[key];
    }
    const value = resource[key];
    if (Array.isArray(value)) {
      for (const element of value) {
        if (typeof element !== 'object' || element === null) continue;
        for (const sub of Object.keys(element))
          if (sub.toLowerCase() === 'primary') (element as Json)[sub] = toBoolean((element as Json)[sub]);
      }
    }
  }
  return resource;
}
