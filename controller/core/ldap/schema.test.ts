import { describe, expect, it } from 'vitest';
import { definitionNames, missingFromSchema } from './schema.ts';

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
