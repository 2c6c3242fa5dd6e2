import type { AttributeUse, AttributeUses } from '../scim/discovery.ts';
import { useKey } from '../scim/discovery.ts';
import { scimPath } from './attributes.ts';
import { type CompiledMapping, type MappingSet, mappingReads } from './mapping-set.ts';

interface Building {
  returned: boolean;
  onCreateOnly: boolean;
  unique: boolean;
  subAttributes: Set<string>;
  canonicalValues: Map<string, string[]>;
  required: boolean;
  requiredSubAttributes: Set<string>;
  caseExact: boolean;
}

/** What the directory's subschema says about the entries of a mapping set (names in lower case). */
export interface DirectoryRules {
  /** Attributes the entries' object classes require (MUST). */
  must?: ReadonlySet<string>;
  /** Attributes whose equality rule compares case-sensitively. */
  caseExact?: ReadonlySet<string>;
}

/**
 * How a mapping set uses each SCIM attribute, for discovery: a direct mapping gives its source back (toScim),
 * any mapping stores what it reads; the password is stored when the connector writes userPassword. A SCIM
 * attribute that is the one direct source of an attribute the directory requires is required.
 */
export function attributeUses(set: MappingSet, directory: DirectoryRules = {}): AttributeUses {
  const uses = new Map<string, Building>();
  const note = (reference: string, mapping: CompiledMapping | undefined, returned: boolean) => {
    const path = scimPath(reference);
    if (!path) return;
    const key = useKey(path.urn, path.name);
    const use = uses.get(key) ?? {
      returned: false,
      onCreateOnly: true,
      unique: false,
      subAttributes: new Set(),
      canonicalValues: new Map(),
      required: false,
      requiredSubAttributes: new Set(),
      caseExact: false,
    };
    use.returned ||= returned;
    // Filters on it are the directory's comparisons of the attribute it is stored in.
    if (returned && mapping && directory.caseExact?.has(mapping.target.toLowerCase())) use.caseExact = true;
    if (returned && mapping?.apply === 'Always') use.onCreateOnly = false;
    if (mapping?.match !== undefined) use.unique = true;
    if (path.sub) use.subAttributes.add(path.sub.toLowerCase());
    else if (path.valueFilter) use.subAttributes.add('value');
    const filter = path.valueFilter;
    if (filter?.kind === 'compare') {
      const sub = filter.path.name.toLowerCase();
      use.subAttributes.add(sub);
      if (filter.op === 'eq' && typeof filter.value === 'string')
        use.canonicalValues.set(sub, [...(use.canonicalValues.get(sub) ?? []), filter.value]);
    }
    if (!path.sub && !path.valueFilter) use.subAttributes.add('value');
    uses.set(key, use);
  };
  for (const mapping of [set.dn, ...set.attributes]) {
    const givesBack = mapping.kind === 'source' && mapping.target.toLowerCase() !== 'userpassword';
    for (const reference of mappingReads(mapping)) note(reference, mapping, givesBack && mapping !== set.dn);
  }
  if (set.exposed.some((a) => a.toLowerCase() === 'userpassword')) note('password', undefined, false);
  for (const target of directory.must ?? []) {
    const producing = set.attributes.filter((m) => m.target.toLowerCase() === target);
    const only = producing.length === 1 ? producing[0] : undefined;
    const path = only?.kind === 'source' ? scimPath(only.source) : null;
    const use = path ? uses.get(useKey(path.urn, path.name)) : undefined;
    if (!path || !use) continue;
    use.required = true;
    if (path.sub ?? path.valueFilter) use.requiredSubAttributes.add((path.sub ?? 'value').toLowerCase());
  }
  return new Map(
    [...uses].map(([key, use]): [string, AttributeUse] => [
      key,
      { ...use, onCreateOnly: use.returned && use.onCreateOnly },
    ]),
  );
}
