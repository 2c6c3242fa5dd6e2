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

interface ObjectClassDefinition {
  sup: string[];
  must: string[];
}

/** `KEYWORD ( a $ b )` or `KEYWORD a` of an RFC 4512 definition, as names. */
function oids(definition: string, keyword: 'SUP' | 'MUST'): string[] {
  const match = new RegExp(`\\b${keyword}\\s+(\\(([^)]*)\\)|([\\w.-]+))`).exec(definition);
  if (!match) return [];
  return (match[2] ?? match[3] ?? '')
    .split('$')
    .map((n) => n.trim())
    .filter(Boolean);
}

/**
 * The attributes an entry of these object classes must hold (MUST, inherited through SUP), lower-case, from the
 * subschema's objectClasses definitions. Classes the subschema does not define add nothing.
 */
export function requiredAttributes(
  classes: readonly string[],
  objectClasses: readonly string[],
): Set<string> {
  const byName = new Map<string, ObjectClassDefinition>();
  for (const definition of objectClasses) {
    const parsed = { sup: oids(definition, 'SUP'), must: oids(definition, 'MUST') };
    for (const name of definitionNames(definition)) byName.set(name.toLowerCase(), parsed);
  }
  const required = new Set<string>();
  const seen = new Set<string>();
  const pending = classes.map((c) => c.toLowerCase());
  while (pending.length) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const definition = byName.get(name);
    if (!definition) continue;
    for (const attribute of definition.must) required.add(attribute.toLowerCase());
    pending.push(...definition.sup.map((s) => s.toLowerCase()));
  }
  return required;
}
