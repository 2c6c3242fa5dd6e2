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
        | 'mutability'
        | 'invalidVers'
        | 'sensitive';
    }
  | { status: 409; scimType: 'uniqueness' }
  | { status: 413; scimType: 'tooLarge' }
  | { status: 401 | 403 | 404 | 405 | 412 | 500 | 501 | 503; scimType?: undefined };

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

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The SCIM Error body (RFC 7644 §3.12); status is a string, as the RFC's examples and Entra expect. */
export function errorBody(error: ScimError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    detail: error.message,
  };
  if (error.scimType) body['scimType'] = error.scimType;
  return body;
}

export function notFound(message: string): ScimError {
  return new ScimError({ status: 404 }, message);
}

export function invalidValue(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'invalidValue' }, message);
}

export function invalidSyntax(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'invalidSyntax' }, message);
}

export function noTarget(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'noTarget' }, message);
}

export function mutability(message: string): ScimError {
  return new ScimError({ status: 400, scimType: 'mutability' }, message);
}

/** The methods a path answers go into the `Allow` header (RFC 9110 §15.5.6). */
export class MethodNotAllowed extends ScimError {
  public readonly allow: readonly string[];

  public constructor(method: string, allow: readonly string[]) {
    super({ status: 405 }, `${method} is not supported here; use ${allow.join(' or ')}`);
    this.allow = allow;
  }
}

export function uniqueness(message: string): ScimError {
  return new ScimError({ status: 409, scimType: 'uniqueness' }, message);
}
