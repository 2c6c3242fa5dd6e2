/** The names of an RFC 4512 schema definition: `( 2.5.4.3 NAME ( 'cn' 'commonName' ) ... )` gives cn, commonName. */
export function definitionNames(definition: string): string[] {
  const names = /\bNAME\s+(\(([^)]*)\)|'([^']*)')/.exec(definition);
  return names ? ((names[2] ?? names[3] ?? '').match(/[^\s']+/g) ?? []) : [];
}

export interface SchemaNeeds {
  objectClasses: readonly string[];
  attributes: readonly string[];
}

/** What a connector writes that the directory's subschema does not define (names compared case-insensitively). */
export function missingFromSchema(
  needs: SchemaNeeds,
  subschema: { objectClasses: readonly string[]; attributeTypes: readonly string[] },
): SchemaNeeds {
  const defined = (definitions: readonly string[]) =>
    new Set(definitions.flatMap(definitionNames).map((n) => n.toLowerCase()));
  const classes = defined(subschema.objectClasses);
  const attributes = defined(subschema.attributeTypes);
  return {
    objectClasses: needs.objectClasses.filter((c) => !classes.has(c.toLowerCase())),
    attributes: needs.attributes.filter((a) => !attributes.has(a.toLowerCase())),
  };
}
