import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTION_FAILED, LDAP_RESULT_TO_SCIM, scimErrorForLdap } from './result-codes.ts';

describe('the LDAP result code → SCIM table', () => {
  it.each([
    { code: 32, status: 404, scimType: undefined },
    { code: 68, status: 409, scimType: 'uniqueness' },
    { code: 19, status: 409, scimType: 'uniqueness' },
    { code: 65, status: 400, scimType: 'invalidValue' },
    { code: 52, status: 503, scimType: undefined },
    { code: CONNECTION_FAILED, status: 503, scimType: undefined },
    { code: 1, status: 500, scimType: undefined },
  ])('maps $code to $status $scimType', ({ code, status, scimType }) => {
    const error = scimErrorForLdap(code, 'add user');
    expect(error.status).toBe(status);
    expect(error.scimType).toBe(scimType);
    expect(error.message).toMatch(/^add user: /);
  });

  it('matches the table documented in docs/listener.md, code for code', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'listener.md'), 'utf8');
    const section = doc.slice(doc.indexOf('| directory says'), doc.indexOf('Bad filters'));
    const documented = [...section.matchAll(/\b(\d{1,2})\b(?=[,)])/g)].map((m) => Number(m[1]));
    expect([...new Set(documented)].sort((a, b) => a - b)).toEqual(
      Object.keys(LDAP_RESULT_TO_SCIM)
        .map(Number)
        .sort((a, b) => a - b),
    );
  });
});
