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

function parseDefinition(definition: string): Definition {
  const word = (keyword: string) => new RegExp(`\\b${keyword}\\s+'?([\\w.-]+)`).exec(definition)?.[1];
  // A SYNTAX may carry a length bound: 1.3.6.1.4.1.1466.115.121.1.15{256}.
  const syntax = /\bSYNTAX\s+'?([\d.]+)/.exec(definition)?.[1];
  return {
    ...(word('SUP') ? { sup: word('SUP') as string } : {}),
    ...(syntax ? { syntax } : {}),
    ...(word('EQUALITY') ? { equality: word('EQUALITY') as string } : {}),
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

function nameList(definition: string, keyword: 'MUST' | 'SUP'): string[] {
  const match = new RegExp(`\\b${keyword}\\s+(\\(([^)]*)\\)|([\\w.;-]+))`).exec(definition);
  return match ? ((match[2] ?? match[3] ?? '').match(/[\w.;-]+/g) ?? []).filter((n) => n !== '$') : [];
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
    for (const attribute of nameList(definition, 'MUST')) must.add(attribute.toLowerCase());
    for (const parent of nameList(definition, 'SUP')) visit(parent);
  };
  for (const name of classes) visit(name);
  return must;
}
