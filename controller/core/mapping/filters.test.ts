import { describe, expect, it } from 'vitest';
import { parseFilter } from '../scim/filter.ts';
import { scimFilterToLdap } from './filters.ts';
import { contosoSet, testContext } from './mapping.fixtures.ts';

const ldap = (scim: string) => scimFilterToLdap(contosoSet(), parseFilter(scim), testContext).toString();

describe('scimFilterToLdap', () => {
  it.each([
    {
      reason: 'a direct mapping filters on its target',
      scim: 'userName eq "Britta@contoso.lab"',
      ldap: '(mail=Britta@contoso.lab)',
    },
    {
      reason: 'operators map to LDAP forms',
      scim: 'displayName sw "Br" and displayName ew "ta" and displayName co "it"',
      ldap: '(&(cn=Br*)(cn=*ta)(cn=*it*))',
    },
    {
      reason: 'ne, pr, or and not',
      scim: 'not (displayName pr) or name.familyName ne "x"',
      ldap: '(|(!(cn=*))(!(sn=x)))',
    },
    {
      reason: 'gt and lt exclude equality',
      scim: 'displayName gt "a" and displayName lt "b"',
      ldap: '(&(&(cn>=a)(!(cn=a)))(&(cn<=b)(!(cn=b))))',
    },
    {
      reason: 'ECMA2Host attributes filter on the directory attribute',
      scim: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:uidNumber eq "10042"',
      ldap: '(uidNumber=10042)',
    },
    {
      reason:
        'an exposed attribute no mapping answers for filters by its bare name, as the ECMA app sends it',
      scim: 'mail eq "Britta@contoso.lab" and UID eq "britta"',
      ldap: '(&(mail=Britta@contoso.lab)(uid=britta))',
    },
    {
      reason: 'a mapping answers a bare name before the exposed attribute of that name',
      scim: 'displayName eq "x"',
      ldap: '(cn=x)',
    },
    {
      reason: 'values are escaped by construction',
      scim: 'displayName eq "*)(uid=*))(|(uid=*"',
      ldap: '(cn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)',
    },
    {
      reason: 'a NUL and a backslash are escaped',
      scim: 'displayName eq "a\\\\b\\u0000"',
      ldap: '(cn=a\\5cb\\00)',
    },
  ])('$reason', ({ scim, ldap: expected }) => {
    expect(ldap(scim)).toBe(expected);
  });

  it('evaluates a matching expression with the filter value', () => {
    const set = contosoSet();
    const withoutDirect = { ...set, attributes: set.attributes.filter((m) => m.target !== 'mail') };
    expect(
      scimFilterToLdap(
        withoutDirect,
        parseFilter('userName eq "Britta.Simon@contoso.lab"'),
        testContext,
      ).toString(),
    ).toBe('(|(uid=britta.simon))');
  });

  it.each([
    'title eq "x"',
    'userPassword eq "secret"',
    'userPassword pr',
    'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:userPassword eq "secret"',
  ])('rejects an attribute no mapping or exposed attribute answers for, or the password: %s', (scim) => {
    expect(() => ldap(scim)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
  });
});
