import { DirectoryError } from '../adapters/ldap/directory.ts';
import { scimErrorForLdap } from '../core/ldap/result-codes.ts';
import { MappingError } from '../core/mapping/to-ldap.ts';
import { NoUniqueValueError } from '../core/mapping/unique.ts';
import { invalidValue } from '../core/scim/errors.ts';

/** Runs a directory call, turning its failure into the SCIM error of the one LDAP → SCIM table. */
export async function ldap<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DirectoryError) throw scimErrorForLdap(error.code, operation);
    throw error;
  }
}

/** Runs mapping work; a mapping that cannot be evaluated for this resource is the client's 400 invalidValue. */
export async function mapped<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MappingError || error instanceof NoUniqueValueError)
      throw invalidValue(error.message);
    throw error;
  }
}

/**
 * What the listener logs (as `code`) when it carries on past a failure that no request caused or can be told
 * of: a configuration change it rejected, a serving certificate it could not use, a bookkeeping write that failed.
 */
export type ListenerIncidentCode =
  | 'ConfigRejected'
  | 'ServingCertificateRejected'
  | 'ExportMarkFailed'
  | 'WatchFailed';
