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

/** What an attribute type definition says about its values, with SYNTAX and EQUALITY inherited through SUP. */
export interface AttributeTypeFacts {
  syntax?: string;
  equality?: string;
  singleValue: boolean;
}

interface Definition {
  sup?: string;
  syntax?: string;
  equality?: string;
  singleValue: boolean;
}

/**
 * The values of one keyword of an RFC 4512 definition: `SUP top`, `MUST ( uid $ cn )`, `EQUALITY caseExactMatch`;
 * quotes and a SYNTAX's length bound (`1.3.6.1.4.1.1466.115.121.1.15{256}`) left off.
 */
function keywordValues(definition: string, keyword: 'SUP' | 'MUST' | 'SYNTAX' | 'EQUALITY'): string[] {
  const match = new RegExp(`\\b${keyword}\\s+(\\(([^)]*)\\)|'?([\\w.;-]+))`).exec(definition);
  return match ? ((match[2] ?? match[3] ?? '').match(/[\w.;-]+/g) ?? []) : [];
}

function parseDefinition(definition: string): Definition {
  const [sup] = keywordValues(definition, 'SUP');
  const [syntax] = keywordValues(definition, 'SYNTAX');
  const [equality] = keywordValues(definition, 'EQUALITY');
  return {
    ...(sup ? { sup } : {}),
    ...(syntax ? { syntax } : {}),
    ...(equality ? { equality } : {}),
    singleValue: /\bSINGLE-VALUE\b/.test(definition),
  };
}

/** The facts of every attribute type in a subschema, by lower-case name (each alias included). */
export function attributeTypeFacts(attributeTypes: readonly string[]): Map<string, AttributeTypeFacts> {
  const definitions = new Map<string, Definition>();
  for (const text of attributeTypes) {
    const definition = parseDefinition(text);
    for (const name of definitionNames(text)) definitions.set(name.toLowerCase(), definition);
  }
  const resolve = (definition: Definition, depth: number): AttributeTypeFacts => {
    const parent = definition.sup ? definitions.get(definition.sup.toLowerCase()) : undefined;
    // SINGLE-VALUE is not inherited (RFC 4512 §4.1.2); syntax and matching rules are.
    const inherited = parent && depth < 16 ? resolve(parent, depth + 1) : { singleValue: false };
    const syntax = definition.syntax ?? inherited.syntax;
    const equality = definition.equality ?? inherited.equality;
    return {
      ...(syntax ? { syntax } : {}),
      ...(equality ? { equality } : {}),
      singleValue: definition.singleValue,
    };
  };
  return new Map([...definitions].map(([name, definition]) => [name, resolve(definition, 0)]));
}

/** The attributes entries of these object classes must hold (RFC 4512 MUST), superclasses' included, lower case. */
export function mustAttributes(classes: readonly string[], objectClasses: readonly string[]): Set<string> {
  const definitions = new Map<string, string>();
  for (const text of objectClasses)
    for (const name of definitionNames(text)) definitions.set(name.toLowerCase(), text);
  const must = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    const key = name.toLowerCase();
    const definition = definitions.get(key);
    if (seen.has(key) || !definition) return;
    seen.add(key);
    for (const attribute of keywordValues(definition, 'MUST')) must.add(attribute.toLowerCase());
    for (const parent of keywordValues(definition, 'SUP')) visit(parent);
  };
  for (const name of classes) visit(name);
  return must;
}
