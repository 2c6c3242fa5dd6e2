import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contosoMappings, manifests, startTestListener, type TestListener } from '../support/listener.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const PSEUDO = ['-dn-', '_distinguishedName', 'export_password'];
// RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA ("$ref" is the exception).
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

// Beyond contoso's mappings, so the walk meets every use: sub-attributes, a value path, an Entra alias of an
// enterprise attribute, an attribute only an expression reads.
const MAPPINGS = `${contosoMappings()}  - {target: givenName, source: name.givenName}
  - {target: title, source: title}
  - {target: telephoneNumber, source: 'phoneNumbers[type eq "work"].value'}
  - {target: employeeNumber, source: externalId}
  - {target: departmentNumber, source: department}
  - {target: description, expression: 'Join(" ", "nick", [nickName])'}
  - {target: labeledURI, source: profileUrl}
`;
const ATTRIBUTES = [
  'cn',
  'sn',
  'mail',
  'uid',
  'givenName',
  'uidNumber',
  'gidNumber',
  'homeDirectory',
  'loginShell',
  'shadowExpire',
  'userPassword',
];

interface Attribute {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: string;
  referenceTypes?: string[];
  canonicalValues?: string[];
  subAttributes?: Attribute[];
}
type Json = Record<string, unknown>;

let counter = 0;
/** A value of the published type: strings and numbers new each time, a canonical value where one is given. */
function sample(attribute: Attribute): unknown {
  counter += 1;
  if (attribute.canonicalValues?.length) return attribute.canonicalValues[0];
  switch (attribute.type) {
    case 'integer':
      return 40000 + counter;
    case 'boolean':
      return counter % 2 === 0;
    case 'complex':
      return Object.fromEntries(
        (attribute.subAttributes ?? [])
          .filter((s) => s.mutability !== 'readOnly' && s.type !== 'reference')
          .map((s) => [s.name, sample(s)]),
      );
    default:
      return `w${counter}`;
  }
}
const valueFor = (attribute: Attribute) => (attribute.multiValued ? [sample(attribute)] : sample(attribute));

function lookup(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (object as Json)[key];
}

/** The value has the shape the attribute is published with (RFC 7643 §2.3, §2.4). */
function expectShape(attribute: Attribute, value: unknown, where: string): void {
  const values = attribute.multiValued ? value : [value];
  expect(Array.isArray(values), `${where}: ${attribute.name} multiValued ${attribute.multiValued}`).toBe(
    true,
  );
  for (const element of values as unknown[]) {
    const type = { string: 'string', reference: 'string', integer: 'number', boolean: 'boolean' }[
      attribute.type
    ];
    if (attribute.type === 'complex') {
      expect(typeof element, `${where}: ${attribute.name} is complex`).toBe('object');
      for (const [key, sub] of Object.entries(element as Json)) {
        const published = attribute.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
        expect(published, `${where}: ${attribute.name}.${key} is published`).toBeDefined();
        if (published) expectShape(published, sub, where);
      }
    } else {
      expect(typeof element, `${where}: ${attribute.name} is ${attribute.type}`).toBe(type);
      if (attribute.type === 'integer') expect(Number.isInteger(element)).toBe(true);
    }
  }
}

/** Every extension a resource type offers is a published schema with attributes, and every schema is offered. */
async function expectExtensionsPublished(listener: TestListener): Promise<string[]> {
  const types = (await listener.scim('GET', '/scim/ResourceTypes')).body.Resources;
  const all = (await listener.scim('GET', '/scim/Schemas')).body.Resources as {
    id: string;
    attributes: [];
  }[];
  const offered = types.flatMap((t: { schema: string; schemaExtensions?: { schema: string }[] }) => [
    t.schema,
    ...(t.schemaExtensions ?? []).map((e) => e.schema),
  ]);
  for (const id of offered) {
    const schema = all.find((s) => s.id === id);
    expect(schema?.attributes.length, `${id} is published with attributes`).toBeGreaterThan(0);
  }
  expect(all.map((s) => s.id).sort()).toEqual([...offered].sort());
  return offered;
}

/** Whether a filter on the attribute, with the value in other case, finds the user: exactly when not caseExact. */
async function expectCaseClaims(
  listener: TestListener,
  base: string,
  attributes: readonly Attribute[],
  urn: string | undefined,
  sent: Json,
): Promise<void> {
  const checked = attributes.filter(
    (a) => a.type === 'string' && a.returned !== 'never' && typeof lookup(sent, a.name) === 'string',
  );
  expect(checked.length).toBeGreaterThan(0);
  for (const attribute of checked) {
    const path = urn ? `${urn}:${attribute.name}` : attribute.name;
    const filter = `${path} eq "${String(lookup(sent, attribute.name)).toUpperCase()}"`;
    const { status, body } = await listener.scim('GET', `${base}/Users?filter=${encodeURIComponent(filter)}`);
    expect(status, filter).toBe(200);
    expect(body.totalResults, `${filter}: caseExact ${attribute.caseExact}`).toBe(
      attribute.caseExact ? 0 : 1,
    );
  }
}

/**
 * A response against what was published: every attribute it carries is published, in its shape; `returned:
 * never` never appears, `always` always; what was written to an attribute that is returned comes back, and
 * what was written to a readOnly one was ignored.
 */
function expectAsPublished(
  attributes: readonly Attribute[],
  holder: unknown,
  sent: Json,
  where: string,
  ignore: readonly string[] = [],
): void {
  for (const key of Object.keys((holder ?? {}) as Json)) {
    if (ignore.includes(key)) continue;
    const published = attributes.some((a) => a.name.toLowerCase() === key.toLowerCase());
    expect(published, `${where}: ${key} is published`).toBe(true);
  }
  for (const attribute of attributes) {
    const value = lookup(holder, attribute.name);
    const wrote = lookup(sent, attribute.name);
    if (attribute.returned === 'never') {
      expect(value, `${where}: ${attribute.name} is returned never`).toBeUndefined();
      continue;
    }
    if (attribute.returned === 'always') expect(value, `${where}: ${attribute.name} always`).toBeDefined();
    if (value !== undefined) expectShape(attribute, value, where);
    if (wrote === undefined) continue;
    if (attribute.mutability === 'readOnly') {
      expect(value, `${where}: a write to readOnly ${attribute.name} is ignored`).not.toEqual(wrote);
    } else if (attribute.mutability !== 'writeOnly') {
      expect(value, `${where}: ${attribute.name} comes back as written`).toEqual(wrote);
    }
  }
}

describe('discovery tells the truth: every published claim holds against the listener and slapd', () => {
  let slapd: Slapd;
  let listener: TestListener;
  const published: Record<string, Record<string, Attribute[]>> = {};

  beforeAll(async () => {
    slapd = await startSlapd();
    listener = await startTestListener({
      'ldap.yaml': manifests(slapd, { mappings: MAPPINGS, attributes: ATTRIBUTES }),
    });
    for (const base of ['/scim', '/ecma2host_ldap/scim']) {
      const { status, body } = await listener.scim('GET', `${base}/Schemas`);
      expect(status).toBe(200);
      published[base] = Object.fromEntries(
        body.Resources.map((s: { id: string; attributes: Attribute[] }) => [s.id, s.attributes]),
      );
    }
  });
  afterAll(async () => {
    await listener?.close();
    await slapd?.stop();
  });

  const schema = (base: string, id: string) => published[base]?.[id] ?? [];
  const every = (attributes: readonly Attribute[]): Attribute[] =>
    attributes.flatMap((a) => [a, ...(a.subAttributes ?? [])]);

  it('lists as many resource types as it counts', async () => {
    const { body } = await listener.scim('GET', '/scim/ResourceTypes');
    expect(body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    expect(body.totalResults).toBe(body.Resources.length);
    expect(await expectExtensionsPublished(listener)).toContain(ENTERPRISE);
  });

  it('names every attribute at /scim by the ATTRNAME grammar; the pseudo-attributes are at the ECMA2Host path', () => {
    for (const attributes of Object.values(published['/scim'] ?? {}))
      for (const attribute of every(attributes))
        if (attribute.name !== '$ref') expect(attribute.name).toMatch(ATTRNAME);
    const names = schema('/ecma2host_ldap/scim', ECMA).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(PSEUDO));
  });

  it('gives every reference its referenceTypes, and publishes the directory INTEGER attributes as integers', () => {
    for (const attributes of Object.values(published['/scim'] ?? {}))
      for (const attribute of every(attributes).filter((a) => a.type === 'reference'))
        expect(attribute.referenceTypes, attribute.name).toEqual(expect.any(Array));
    const ecma = schema('/scim', ECMA);
    for (const name of ['uidNumber', 'gidNumber', 'shadowExpire'])
      expect(ecma.find((a) => a.name === name)?.type, name).toBe('integer');
  });

  it('supports changing passwords exactly when it publishes password', async () => {
    const { body } = await listener.scim('GET', '/scim/ServiceProviderConfig');
    expect(schema('/scim', USER).some((a) => a.name === 'password')).toBe(true);
    expect(body.changePassword.supported).toBe(true);
    const attributes = ATTRIBUTES.filter((a) => a !== 'userPassword');
    const without = await startTestListener({
      'ldap.yaml': manifests(slapd, {
        mappings: contosoMappings(undefined, { password: false }),
        attributes,
      }),
    });
    try {
      const spc = await without.scim('GET', '/scim/ServiceProviderConfig');
      expect(spc.body.changePassword.supported).toBe(false);
      const user = (await without.scim('GET', `/scim/Schemas/${USER}`)).body.attributes;
      expect(user.map((a: Attribute) => a.name)).not.toContain('password');
      // No mapping reads an enterprise attribute: the extension is not offered.
      expect(await expectExtensionsPublished(without)).not.toContain(ENTERPRISE);
    } finally {
      await without.close();
    }
  });

  it('refuses a second user holding a value published as unique', async () => {
    const required = (id: string) =>
      Object.fromEntries(
        schema('/scim', id)
          .filter((a) => a.required)
          .map((a) => [a.name, valueFor(a)]),
      );
    const first = required(USER);
    expect((await listener.scim('POST', '/scim/Users', first)).status).toBe(201);
    const unique = schema('/scim', USER).filter((a) => a.uniqueness === 'server' && a.name !== 'id');
    expect(unique.map((a) => a.name)).toContain('userName');
    for (const attribute of unique) {
      const second = { ...required(USER), [attribute.name]: first[attribute.name] ?? valueFor(attribute) };
      const again = await listener.scim('POST', '/scim/Users', second);
      expect(again.status, attribute.name).toBe(409);
    }
    const base = '/ecma2host_ldap/scim';
    const directory = schema(base, ECMA).filter((a) => a.uniqueness === 'server');
    expect(directory.map((a) => a.name)).toEqual(['mail']);
    for (const attribute of directory) {
      const value = valueFor(attribute);
      const make = () => ({ ...required(USER), [ECMA]: { [attribute.name]: value } });
      expect((await listener.scim('POST', `${base}/Users`, make())).status, attribute.name).toBe(201);
      expect((await listener.scim('POST', `${base}/Users`, make())).status, attribute.name).toBe(409);
    }
  });

  it('creates resources from their required attributes alone, and refuses them without each', async () => {
    for (const [path, id] of [
      ['/scim/Users', USER],
      ['/scim/Groups', GROUP],
    ] as const) {
      const required = schema('/scim', id).filter((a) => a.required);
      expect(required.length, `${id} requires something`).toBeGreaterThan(0);
      const body = Object.fromEntries(required.map((a) => [a.name, valueFor(a)]));
      const minimal = await listener.scim('POST', path, { schemas: [id], ...body });
      expect(minimal.status, `${path}: ${JSON.stringify(minimal.body)}`).toBe(201);
      for (const attribute of required) {
        const { [attribute.name]: _, ...without } = Object.fromEntries(
          required.map((a) => [a.name, valueFor(a)]),
        );
        const refused = await listener.scim('POST', path, { schemas: [id], ...without });
        expect(refused.status, `${path} without ${attribute.name}`).toBe(400);
      }
    }
  });

  it('stores, returns and updates User attributes as /scim publishes them', async () => {
    const core = schema('/scim', USER);
    const enterprise = schema('/scim', ENTERPRISE);
    const writes = (attributes: Attribute[]) =>
      Object.fromEntries(attributes.map((a) => [a.name, valueFor(a)]));
    const sent = writes(core);
    const sentEnterprise = writes(enterprise);
    const created = await listener.scim('POST', '/scim/Users', {
      ...sent,
      schemas: [USER, ENTERPRISE],
      [ENTERPRISE]: sentEnterprise,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const read = await listener.scim('GET', `/scim/Users/${id}`);
    const filter = encodeURIComponent(`userName eq "${sent['userName']}"`);
    const listed = await listener.scim('GET', `/scim/Users?filter=${filter}`);
    expect(listed.body.totalResults).toBe(1);
    for (const [where, body] of [
      ['POST', created.body],
      ['GET', read.body],
      ['list', listed.body.Resources[0]],
    ] as const) {
      expectAsPublished(core, body, sent, where, ['schemas', 'meta', ENTERPRISE, ECMA]);
      expectAsPublished(enterprise, body[ENTERPRISE], sentEnterprise, `${where} enterprise`);
    }

    await expectCaseClaims(listener, '/scim', core, undefined, sent);
    expect(core.find((a) => a.name === 'profileUrl')?.caseExact).toBe(true);

    // returned always: even when attributes or excludedAttributes leave it out (RFC 7644 §3.9).
    for (const attribute of core.filter((a) => a.returned === 'always')) {
      for (const query of ['attributes=displayName', `excludedAttributes=${attribute.name}`]) {
        const projected = await listener.scim('GET', `/scim/Users/${id}?${query}`);
        expect(projected.body[attribute.name], `${attribute.name} with ${query}`).toBeDefined();
      }
    }

    for (const [urn, attributes] of [
      [undefined, core],
      [ENTERPRISE, enterprise],
    ] as const) {
      for (const attribute of attributes.filter((a) => a.mutability !== 'readOnly')) {
        const value = valueFor(attribute);
        const path = urn ? `${urn}:${attribute.name}` : attribute.name;
        const patched = await listener.scim('PATCH', `/scim/Users/${id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path, value }],
        });
        const after = await listener.scim('GET', `/scim/Users/${id}`);
        const shown = lookup(urn ? after.body[urn] : after.body, attribute.name);
        if (attribute.mutability === 'readWrite') {
          expect(patched.status, `PATCH ${path}`).toBe(204);
          if (attribute.returned !== 'never') expect(shown, `PATCH ${path}`).toEqual(value);
        } else if (attribute.mutability === 'immutable') {
          // RFC 7644 §3.5.2: refused, or (as Entra expects of this server) left as it was.
          if (patched.status !== 400) expect(shown, `PATCH immutable ${path}`).not.toEqual(value);
        } else {
          expect(patched.status, `PATCH ${path}`).toBe(204);
          expect(shown, `PATCH writeOnly ${path}`).toBeUndefined();
        }
      }
    }
  });

  it('stores and returns directory attributes as the ECMA2Host path publishes them, numbers as numbers', async () => {
    const base = '/ecma2host_ldap/scim';
    const ecma = schema(base, ECMA);
    const sent: Json = Object.fromEntries(
      ecma.filter((a) => !PSEUDO.includes(a.name)).map((a) => [a.name, valueFor(a)]),
    );
    sent['-dn-'] = `uid=${sent['uid']},ou=people,${slapd.baseDN}`;
    sent['_distinguishedName'] = `uid=other,ou=people,${slapd.baseDN}`;
    sent['export_password'] = 'Export-password-1';
    const created = await listener.scim('POST', `${base}/Users`, {
      schemas: [USER, ECMA],
      userName: `walker${counter}@example.org`,
      [ECMA]: sent,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const read = await listener.scim('GET', `${base}/Users/${id}`);
    expectAsPublished(ecma, created.body[ECMA], sent, 'POST');
    expectAsPublished(ecma, read.body[ECMA], sent, 'GET');
    await expectCaseClaims(
      listener,
      base,
      ecma.filter((a) => !PSEUDO.includes(a.name)),
      ECMA,
      sent,
    );

    // Entra sends numbers as strings too.
    const patched = await listener.scim('PATCH', `${base}/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: `${ECMA}:uidNumber`, value: '41999' }],
    });
    expect(patched.status).toBe(204);
    expect((await listener.scim('GET', `${base}/Users/${id}`)).body[ECMA].uidNumber).toBe(41999);

    for (const attribute of ecma.filter((a) => a.mutability === 'readWrite')) {
      const value = valueFor(attribute);
      const response = await listener.scim('PATCH', `${base}/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: `${ECMA}:${attribute.name}`, value }],
      });
      expect(response.status, `PATCH ${attribute.name}`).toBe(204);
      const after = (await listener.scim('GET', `${base}/Users/${id}`)).body[ECMA];
      if (attribute.returned !== 'never') expect(after[attribute.name], attribute.name).toEqual(value);
      else expect(after[attribute.name], attribute.name).toBeUndefined();
    }

    // The whole extension at once: its schema as the path, its attributes as the value.
    const writable = ecma.filter((a) => a.mutability === 'readWrite');
    const whole = Object.fromEntries(writable.map((a) => [a.name, valueFor(a)]));
    const replaced = await listener.scim('PATCH', `${base}/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: ECMA, value: whole }],
    });
    expect(replaced.status).toBe(204);
    expectAsPublished(ecma, (await listener.scim('GET', `${base}/Users/${id}`)).body[ECMA], whole, 'whole');

    for (const attribute of ecma.filter((a) => a.mutability === 'immutable')) {
      const before = (await listener.scim('GET', `${base}/Users/${id}`)).body[ECMA][attribute.name];
      const response = await listener.scim('PATCH', `${base}/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: `${ECMA}:${attribute.name}`, value: `uid=moved,${slapd.baseDN}` },
        ],
      });
      const after = (await listener.scim('GET', `${base}/Users/${id}`)).body[ECMA][attribute.name];
      // RFC 7644 §3.5.2: refused, or left as it was.
      if (response.status !== 400) expect(after, `PATCH immutable ${attribute.name}`).toEqual(before);
    }

    // /scim publishes no pseudo-attributes: it neither returns nor accepts them.
    const plain = await listener.scim('GET', `/scim/Users/${id}`);
    for (const name of PSEUDO) expect(plain.body[ECMA][name], name).toBeUndefined();
    const refused = await listener.scim('PATCH', `/scim/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${ECMA}:export_password`, value: 'Other-password-2' }],
    });
    expect(refused).toMatchObject({ status: 400, body: { scimType: 'invalidSyntax' } });
    const posted = await listener.scim('POST', '/scim/Users', {
      userName: 'pseudo@example.org',
      [ECMA]: { '-dn-': `uid=pseudo,ou=people,${slapd.baseDN}` },
    });
    expect(posted.status).toBe(400);
  });

  it('refuses directory values that do not fit the published attribute, naming it', async () => {
    const base = '/ecma2host_ldap/scim';
    const writable = schema(base, ECMA).filter(
      (a) => !PSEUDO.includes(a.name) && a.mutability !== 'readOnly',
    );
    const required = () =>
      Object.fromEntries(
        schema('/scim', USER)
          .filter((a) => a.required)
          .map((a) => [a.name, valueFor(a)]),
      );
    const tries = [
      ...writable.filter((a) => !a.multiValued).map((a) => ({ a, value: [sample(a), sample(a)] })),
      ...writable.filter((a) => a.type === 'integer').map((a) => ({ a, value: 'not-a-number' })),
    ];
    expect(tries.length).toBeGreaterThan(0);
    for (const { a, value } of tries) {
      const response = await listener.scim('POST', `${base}/Users`, {
        ...required(),
        [ECMA]: { [a.name]: value },
      });
      expect(response.status, `${a.name}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body.scimType).toBe('invalidValue');
      expect(response.body.detail).toContain(a.name);
    }
  });

  it('stores and returns Group attributes as published', async () => {
    const group = schema('/scim', GROUP);
    const member = await listener.scim('POST', '/scim/Users', {
      userName: 'member@example.org',
      displayName: 'Member',
      name: { familyName: 'Member' },
    });
    const sent = Object.fromEntries(
      group
        .filter((a) => a.mutability !== 'readOnly' && a.name !== 'members')
        .map((a) => [a.name, valueFor(a)]),
    );
    sent['members'] = [{ value: member.body.id }];
    const created = await listener.scim('POST', '/scim/Groups', { schemas: [GROUP], ...sent });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const read = await listener.scim('GET', `/scim/Groups/${created.body.id}`);
    for (const [where, body] of [
      ['POST', created.body],
      ['GET', read.body],
    ] as const) {
      const { members, ...rest } = sent;
      expectAsPublished(group, body, rest, `Group ${where}`, ['schemas', 'meta']);
      expect(body.members.map((m: { value: string }) => m.value)).toEqual([member.body.id]);
    }

    for (const attribute of group.filter((a) => a.uniqueness === 'server' && a.name !== 'id')) {
      const again = await listener.scim('POST', '/scim/Groups', { schemas: [GROUP], ...sent });
      expect(again.status, `a second group with this ${attribute.name}`).toBe(409);
    }
    for (const attribute of group.filter((a) => a.mutability === 'readWrite' && a.type !== 'complex')) {
      const value = valueFor(attribute);
      const patched = await listener.scim('PATCH', `/scim/Groups/${created.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: attribute.name, value }],
      });
      expect(patched.status, `PATCH ${attribute.name}`).toBe(204);
      const after = await listener.scim('GET', `/scim/Groups/${created.body.id}`);
      if (attribute.returned !== 'never') expect(after.body[attribute.name], attribute.name).toEqual(value);
    }
  });
});
