/**
 * SCIM protocol errors (RFC 7644 §3.12). The status/scimType pairs are a closed union, so the compiler refuses a
 * pairing the RFC does not allow.
 */
export type ScimErrorKind =
  | {
      status: 400;
      scimType:
        | 'invalidFilter'
        | 'tooMany'
        | 'invalidSyntax'
        | 'invalidPath'
        | 'noTarget'
        | 'invalidValue'
        | 'invalidVers'
        | 'sensitive';
    }
  | { status: 409; scimType: 'uniqueness' }
  | { status: 413; scimType: 'tooLarge' }
  | { status: 401 | 403 | 404 | 412 | 500 | 501 | 503; scimType?: undefined };

export class ScimError extends Error {
  public readonly status: ScimErrorKind['status'];
  public readonly scimType: ScimErrorKind['scimType'];

  public constructor(kind: ScimErrorKind, message: string) {
    super(message);
    this.name = 'ScimError';
    this.status = kind.status;
    this.scimType = kind.scimType;
  }
}

export function invalidFilter(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'invalidFilter' }, message);
}

export function invalidPath(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'invalidPath' }, message);
}
