import { describe, expect, it } from 'vitest';
import { attributeTypeFacts, definitionNames, missingFromSchema, mustAttributes } from './schema.ts';

describe('definitionNames', () => {
  it.each([
    { definition: "( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )", names: ['cn', 'commonName'] },
    {
      definition: "( 1.3.6.1.1.1.1.0 NAME 'uidNumber' EQUALITY integerMatch SINGLE-VALUE )",
      names: ['uidNumber'],
    },
    { definition: '( 1.2.3 DESC no name )', names: [] },
  ])('reads $names', ({ definition, names }) => {
    expect(definitionNames(definition)).toEqual(names);
  });
});

describe('missingFromSchema', () => {
  const subschema = {
    objectClasses: ["( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson )"],
    attributeTypes: [
      "( 2.5.4.3 NAME ( 'cn' 'commonName' ) )",
      "( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) )",
    ],
  };
  it('names what the directory does not define, in any case, through any alias', () => {
    expect(
      missingFromSchema(
        { objectClasses: ['InetOrgPerson', 'posixAccount'], attributes: ['CN', 'userid', 'uidNumber'] },
        subschema,
      ),
    ).toEqual({ objectClasses: ['posixAccount'], attributes: ['uidNumber'] });
  });
});

describe('attributeTypeFacts', () => {
  const facts = attributeTypeFacts([
    "( 2.5.4.41 NAME 'name' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768} )",
    "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s)' SUP name )",
    "( 1.3.6.1.1.1.1.0 NAME 'uidNumber' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
    "( 9.9 NAME 'loop' SUP loop )",
  ]);
  it.each([
    {
      name: 'commonName',
      why: 'inherits syntax and matching rule through SUP, under any alias',
      expected: { syntax: '1.3.6.1.4.1.1466.115.121.1.15', equality: 'caseIgnoreMatch', singleValue: false },
    },
    {
      name: 'uidnumber',
      why: 'reads SINGLE-VALUE and the syntax, names compared in any case',
      expected: { syntax: '1.3.6.1.4.1.1466.115.121.1.27', equality: 'integerMatch', singleValue: true },
    },
    { name: 'loop', why: 'stops on a SUP cycle', expected: { singleValue: false } },
  ])('$name: $why', ({ name, expected }) => {
    expect(facts.get(name.toLowerCase())).toEqual(expected);
  });
});

describe('mustAttributes', () => {
  const objectClasses = [
    "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
    "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber ) )",
    "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY title )",
    "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL MAY mail )",
    "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) )",
  ];
  it('gathers MUST through superclasses, of structural and auxiliary classes, in any case', () => {
    expect([...mustAttributes(['InetOrgPerson', 'posixAccount', 'unknown'], objectClasses)].sort()).toEqual([
      'cn',
      'gidnumber',
      'homedirectory',
      'objectclass',
      'sn',
      'uid',
      'uidnumber',
    ]);
  });
});
