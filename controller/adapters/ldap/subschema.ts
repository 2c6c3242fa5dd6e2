import type { Directory } from './directory.ts';

export interface Subschema {
  objectClasses: string[];
  attributeTypes: string[];
}

/** The directory's schema definitions (RFC 4512), from the subschema entry its root DSE names. */
export async function readSubschema(directory: Directory): Promise<Subschema> {
  const [root] = await directory.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['subschemaSubentry'],
  });
  const subschema = root?.attributes['subschemaSubentry']?.[0] ?? 'cn=Subschema';
  const [entry] = await directory.search(subschema, {
    scope: 'base',
    filter: '(objectClass=subschema)',
    attributes: ['objectClasses', 'attributeTypes'],
  });
  return {
    objectClasses: entry?.attributes['objectClasses'] ?? [],
    attributeTypes: entry?.attributes['attributeTypes'] ?? [],
  };
}
