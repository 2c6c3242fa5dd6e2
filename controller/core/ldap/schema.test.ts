import { describe, expect, it } from 'vitest';
import { definitionNames, missingFromSchema, requiredAttributes } from './schema.ts';

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

describe('requiredAttributes', () => {
  // As OpenLDAP's core, cosine, inetorgperson and nis schemas define them.
  const objectClasses = [
    "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
    "( 2.5.6.6 NAME 'person' DESC 'RFC2256: a person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber ) )",
    "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ( title $ ou ) )",
    "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL MAY ( mail $ uid ) )",
    "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) MAY loginShell )",
    "( 1.3.6.1.1.1.2.1 NAME 'shadowAccount' SUP top AUXILIARY MUST uid MAY shadowExpire )",
  ];

  it.each([
    {
      reason: 'inherited through SUP, single and listed MUSTs',
      classes: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      required: ['cn', 'gidnumber', 'homedirectory', 'objectclass', 'sn', 'uid', 'uidnumber'],
    },
    { reason: 'class names in any case', classes: ['PERSON'], required: ['cn', 'objectclass', 'sn'] },
    { reason: 'nothing for a class the subschema lacks', classes: ['mystery'], required: [] },
  ])('reads $reason', ({ classes, required }) => {
    expect([...requiredAttributes(classes, objectClasses)].sort()).toEqual(required);
  });
});
