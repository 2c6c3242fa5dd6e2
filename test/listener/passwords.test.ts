import { Client, InvalidCredentialsError } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { bindAs, type Slapd, startSlapd } from '../support/slapd.ts';

// A value generated the way Entra's RandomString(20, 2, 2, 2, 2, "") would, sent in the create.
const SENT = 'q7#Lm2!xR9vTbW4kZ_pe';

describe('passwords the listener writes, verified by slapd', () => {
  let slapd: Slapd | undefined;
  let listener: TestListener | undefined;
  afterEach(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  const binds = (dn: string, password: string) => bindAs(slapd?.ldapUrl ?? '', dn, password);

  it.each([
    { scheme: 'CRYPT-SHA512', stored: /^\{CRYPT\}\$6\$/ },
    { scheme: 'SSHA512', stored: /^\{SSHA512\}/ },
  ])(
    '$scheme: the user created with a sent password binds with it; a wrong one fails',
    async ({ scheme, stored }) => {
      slapd = await startSlapd();
      const mappings = contosoMappings(undefined, { password: false });
      listener = await startTestListener({
        'ldap.yaml': manifests(slapd, { mappings, spec: `  passwordHash: ${scheme}` }),
      });
      const created = await listener.scim('POST', '/scim/Users', {
        userName: 'Ada.Byron@example.org',
        displayName: 'Ada Byron',
        name: { givenName: 'Ada', familyName: 'Byron' },
        password: SENT,
        active: true,
      });
      expect(created.status).toBe(201);
      const dn = `uid=ada.byron,ou=people,${slapd.baseDN}`;
      const admin = new Client({ url: slapd.ldapUrl, timeout: 5000 });
      await admin.bind(slapd.adminDN, slapd.adminPassword);
      const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['userPassword'] });
      await admin.unbind();
      expect(String(searchEntries[0]?.['userPassword'])).toMatch(stored);
      await binds(dn, SENT);
      await expect(binds(dn, SENT.toUpperCase())).rejects.toBeInstanceOf(InvalidCredentialsError);
    },
  );
});
