import { describe, expect, it } from 'vitest';
import {
  type AttributeUse,
  type ConnectorSchema,
  caseExactAttributes,
  directoryAttributes,
  resourceTypes,
  schemas,
  serviceProviderConfig,
  useKey,
} from './discovery.ts';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is the one exception.
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const SUBSCHEMA = [
  "( 2.5.4.41 NAME 'name' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768} )",
  "( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )",
  "( 2.5.4.42 NAME ( 'givenName' 'gn' ) SUP name )",
  "( 1.3.6.1.1.1.1.0 NAME 'uidNumber' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
  "( 1.3.6.1.1.1.1.10 NAME 'shadowExpire' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
  "( 1.3.6.1.1.1.1.3 NAME 'homeDirectory' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )",
  "( 2.5.4.35 NAME 'userPassword' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )",
  "( 0.9.2342.19200300.100.1.3 NAME ( 'mail' 'rfc822Mailbox' ) EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )",
];

describe('directoryAttributes', () => {
  const byName = new Map(
    directoryAttributes(
      ['cn', 'givenName', 'uidNumber', 'shadowExpire', 'homeDirectory', 'userPassword', 'mail', 'unknown'],
      SUBSCHEMA,
    ).map((a) => [a.name, a]),
  );
  it.each([
    {
      name: 'uidNumber',
      why: 'INTEGER syntax, SINGLE-VALUE',
      type: 'integer',
      multiValued: false,
      caseExact: false,
    },
    { name: 'shadowExpire', why: 'INTEGER syntax', type: 'integer', multiValued: false, caseExact: false },
    {
      name: 'givenName',
      why: 'multi-valued in the directory, syntax through SUP',
      type: 'string',
      multiValued: true,
      caseExact: false,
    },
    {
      name: 'cn',
      why: 'multi-valued in the directory, single-valued as the tutorial says',
      type: 'string',
      multiValued: false,
      caseExact: false,
    },
    {
      name: 'mail',
      why: 'single-valued as the tutorial says',
      type: 'string',
      multiValued: false,
      caseExact: false,
    },
    {
      name: 'homeDirectory',
      why: 'caseExactIA5Match compares case-sensitively',
      type: 'string',
      multiValued: false,
      caseExact: true,
    },
    { name: 'userPassword', why: 'octetStringMatch', type: 'string', multiValued: false, caseExact: true },
    {
      name: 'unknown',
      why: 'not in the subschema: a multi-valued string',
      type: 'string',
      multiValued: true,
      caseExact: false,
    },
  ])('$name: $why', ({ name, type, multiValued, caseExact }) => {
    expect(byName.get(name)).toEqual({ name, type, multiValued, caseExact });
  });
});

describe('caseExactAttributes', () => {
  it('lists, under every alias, the attributes whose equality rule compares case-sensitively', () => {
    expect([...caseExactAttributes(SUBSCHEMA)].sort()).toEqual(['homedirectory', 'userpassword']);
  });
});

const use = (returned: boolean, subs: string[] = [], more: Partial<AttributeUse> = {}): AttributeUse => ({
  returned,
  onCreateOnly: false,
  unique: false,
  subAttributes: new Set(subs),
  canonicalValues: new Map(),
  required: false,
  requiredSubAttributes: new Set(),
  caseExact: false,
  ...more,
});

const CONNECTOR: ConnectorSchema = {
  users: new Map([
    [useKey(undefined, 'userName'), use(true, ['value'], { unique: true })],
    [useKey(undefined, 'displayName'), use(true, ['value'])],
    [
      useKey(undefined, 'name'),
      use(true, ['familyname'], { required: true, requiredSubAttributes: new Set(['familyname']) }),
    ],
    [useKey(undefined, 'title'), use(false, ['value'])],
    [useKey(undefined, 'nickName'), use(true, ['value'], { onCreateOnly: true })],
    [
      useKey(undefined, 'emails'),
      use(true, ['value', 'type'], { canonicalValues: new Map([['type', ['work']]]) }),
    ],
    [useKey(undefined, 'password'), use(false, ['value'])],
    [useKey(ENTERPRISE, 'manager'), use(true, ['value', '$ref'])],
  ]),
  groups: new Map([[useKey(undefined, 'displayName'), use(true, ['value'])]]),
  directory: directoryAttributes(['cn', 'uidNumber', 'userPassword', 'mail', 'objectClass'], SUBSCHEMA, [
    'MAIL',
  ]),
};

type Attribute = Record<string, unknown> & { name: string; subAttributes?: Attribute[] };

function published(ecma2host: boolean) {
  const all = schemas(CONNECTOR, { ecma2host });
  const of = (id: string) => (all.find((s) => s['id'] === id)?.['attributes'] ?? []) as Attribute[];
  return {
    all,
    user: of('urn:ietf:params:scim:schemas:core:2.0:User'),
    group: of('urn:ietf:params:scim:schemas:core:2.0:Group'),
    enterprise: of(ENTERPRISE),
    ecma: of(ECMA),
  };
}
const named = (attributes: Attribute[], name: string) => attributes.find((a) => a.name === name);
const everyAttribute = (attributes: Attribute[]): Attribute[] =>
  attributes.flatMap((a) => [a, ...(a.subAttributes ?? [])]);

describe('serviceProviderConfig', () => {
  it('supports changing passwords only where the connector writes userPassword', () => {
    expect(serviceProviderConfig(CONNECTOR)['changePassword']).toEqual({ supported: true });
    const users = new Map([...CONNECTOR.users].filter(([key]) => key !== useKey(undefined, 'password')));
    expect(serviceProviderConfig({ ...CONNECTOR, users })['changePassword']).toEqual({ supported: false });
  });
});

describe('resourceTypes', () => {
  it('offers the enterprise extension only when mappings read an enterprise attribute', () => {
    const extensions = (connector: ConnectorSchema) =>
      ((resourceTypes(connector)[0] ?? {})['schemaExtensions'] as { schema: string }[]).map((e) => e.schema);
    expect(extensions(CONNECTOR)).toEqual([ENTERPRISE, ECMA]);
    const users = new Map([...CONNECTOR.users].filter(([key]) => !key.startsWith(ENTERPRISE.toLowerCase())));
    expect(extensions({ ...CONNECTOR, users })).toEqual([ECMA]);
    expect(schemas({ ...CONNECTOR, users }, { ecma2host: false }).map((s) => s['id'])).not.toContain(
      ENTERPRISE,
    );
  });
});

describe('schemas', () => {
  const { user, group, enterprise, ecma, all } = published(false);

  it.each([
    {
      name: 'id',
      claims: { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' },
    },
    { name: 'userName', claims: { required: true, mutability: 'readWrite', uniqueness: 'server' } },
    { name: 'active', claims: { type: 'boolean', mutability: 'readWrite', returned: 'default' } },
    { name: 'password', claims: { mutability: 'writeOnly', returned: 'never' } },
    { name: 'title', claims: { mutability: 'writeOnly', returned: 'never' } },
    { name: 'nickName', claims: { mutability: 'immutable', returned: 'default' } },
    { name: 'groups', claims: { mutability: 'readOnly', multiValued: true, type: 'complex' } },
    { name: 'emails', claims: { multiValued: true, type: 'complex' } },
  ])('User $name: $claims', ({ name, claims }) => {
    expect(named(user, name)).toMatchObject(claims);
  });

  it('publishes only what the mappings read, with the sub-attributes they read', () => {
    expect(user.map((a) => a.name)).toEqual([
      'id',
      'userName',
      'name',
      'displayName',
      'nickName',
      'title',
      'active',
      'password',
      'emails',
      'groups',
    ]);
    expect(named(user, 'name')?.subAttributes?.map((s) => s.name)).toEqual(['familyName']);
    expect(named(user, 'emails')?.subAttributes?.map((s) => s.name)).toEqual(['value', 'type']);
    // Only the email a value path selects is stored.
    expect(named(named(user, 'emails')?.subAttributes ?? [], 'type')?.['canonicalValues']).toEqual(['work']);
    expect(enterprise.map((a) => a.name)).toEqual(['manager']);
  });

  it('gives every reference its referenceTypes (RFC 7643 §7)', () => {
    const references = all
      .flatMap((s) => everyAttribute(s['attributes'] as Attribute[]))
      .filter((a) => a['type'] === 'reference');
    expect(references.map((a) => a.name)).toEqual(['$ref', '$ref', '$ref']);
    for (const reference of references) expect(reference['referenceTypes']).toEqual(expect.any(Array));
    expect(named(named(group, 'members')?.subAttributes ?? [], '$ref')?.['referenceTypes']).toEqual(['User']);
  });

  it('requires what a create cannot go without, sub-attributes too', () => {
    expect(named(user, 'name')).toMatchObject({ required: true });
    expect(named(user, 'name')?.subAttributes?.[0]).toMatchObject({ name: 'familyName', required: true });
    expect(named(user, 'displayName')).toMatchObject({ required: false });
  });

  it('says a Group needs its displayName, as a create without one is refused', () => {
    expect(named(group, 'displayName')).toMatchObject({ required: true, returned: 'default' });
  });

  it('publishes directory attributes with the types and shapes the subschema gives, userPassword write-only', () => {
    expect(named(ecma, 'uidNumber')).toMatchObject({ type: 'integer', multiValued: false });
    expect(named(ecma, 'cn')).toMatchObject({ type: 'string', multiValued: false });
    expect(named(ecma, 'userPassword')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(named(ecma, 'mail')).toMatchObject({ uniqueness: 'server' });
    expect(named(ecma, 'cn')).toMatchObject({ uniqueness: 'none', mutability: 'readWrite' });
    expect(named(ecma, 'objectClass')).toMatchObject({ mutability: 'immutable', multiValued: true });
  });

  it('names every attribute by RFC 7643 ATTRNAME at /scim, with the ECMA2Host pseudo-attributes left out', () => {
    for (const schema of all)
      for (const attribute of everyAttribute(schema['attributes'] as Attribute[]))
        if (attribute.name !== '$ref') expect(attribute.name).toMatch(ATTRNAME);
    expect(ecma.map((a) => a.name)).toEqual(['cn', 'uidNumber', 'userPassword', 'mail', 'objectClass']);
  });

  it('publishes the ECMA2Host pseudo-attributes on the ECMA2Host path', () => {
    expect(published(true).ecma.map((a) => a.name)).toEqual([
      'cn',
      'uidNumber',
      'userPassword',
      'mail',
      'objectClass',
      '-dn-',
      '_distinguishedName',
      'export_password',
    ]);
  });
});
