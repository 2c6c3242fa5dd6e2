import { ScimError } from '../scim/errors.ts';

/**
 * THE table from LDAP result codes (RFC 4511 §4.1.9, plus the client-side "no connection") to what a SCIM client
 * is told. Directory outages are 503, which Entra retries; everything else names the cause without values.
 */
export const LDAP_RESULT_TO_SCIM: Readonly<
  Record<number, { status: ScimError['status']; scimType?: 'uniqueness' | 'invalidValue'; reason: string }>
> = {
  3: { status: 503, reason: 'the directory timed out' },
  4: { status: 503, reason: 'the directory size limit was exceeded' },
  11: { status: 503, reason: 'the directory administrative limit was exceeded' },
  16: { status: 400, scimType: 'invalidValue', reason: 'an attribute to change does not exist' },
  17: { status: 400, scimType: 'invalidValue', reason: 'the directory schema has no such attribute' },
  18: {
    status: 400,
    scimType: 'invalidValue',
    reason: 'a value cannot be matched as the directory requires',
  },
  19: {
    status: 409,
    scimType: 'uniqueness',
    reason: 'a directory constraint (such as a unique attribute) was violated',
  },
  20: { status: 409, scimType: 'uniqueness', reason: 'the value already exists' },
  21: { status: 400, scimType: 'invalidValue', reason: 'a value has the wrong syntax for its attribute' },
  32: {
    status: 404,
    reason: 'no such entry in the directory (on a create: the container the mapped DN names does not exist)',
  },
  34: { status: 400, scimType: 'invalidValue', reason: 'the mapped DN is invalid' },
  49: { status: 503, reason: 'the listener cannot bind to the directory' },
  50: { status: 503, reason: 'the listener lacks directory permissions for this operation' },
  51: { status: 503, reason: 'the directory is busy' },
  52: { status: 503, reason: 'the directory is unavailable' },
  53: { status: 400, scimType: 'invalidValue', reason: 'the directory refuses to perform this change' },
  64: { status: 400, scimType: 'invalidValue', reason: 'the entry name violates the directory naming rules' },
  65: {
    status: 400,
    scimType: 'invalidValue',
    reason: 'the entry violates its object classes (a required attribute is missing?)',
  },
  67: { status: 400, scimType: 'invalidValue', reason: 'the change would remove the value naming the entry' },
  68: { status: 409, scimType: 'uniqueness', reason: 'an entry with this DN already exists' },
  69: { status: 400, scimType: 'invalidValue', reason: 'object classes cannot be changed this way' },
  80: { status: 503, reason: 'the directory failed' },
};

/** Not an LDAP result code: the connection to the directory failed or timed out. */
export const CONNECTION_FAILED = -1;

export function scimErrorForLdap(code: number, operation: string): ScimError {
  const row =
    LDAP_RESULT_TO_SCIM[code] ??
    (code === CONNECTION_FAILED
      ? { status: 503 as const, reason: 'the directory cannot be reached' }
      : { status: 500 as const, reason: `the directory answered with result code ${code}` });
  const message = `${operation}: ${row.reason}`;
  if (row.scimType === 'uniqueness') return new ScimError({ status: 409, scimType: 'uniqueness' }, message);
  if (row.scimType === 'invalidValue')
    return new ScimError({ status: 400, scimType: 'invalidValue' }, message);
  return new ScimError({ status: row.status as 404 | 500 | 503 }, message);
}
