import { type Dn, escapeDnValue, parseDn } from '../ldap/dn.ts';
import type { Lookup } from './expression/compile.ts';
import type { EvaluationContext } from './expression/functions.ts';
import { AttributeText } from './expression/trace.ts';
import { toText } from './expression/values.ts';
import type { CompiledMapping } from './mapping-set.ts';

/**
 * The DN a -dn- mapping builds. Text that came from the resource's attributes is escaped (RFC 4514) before the
 * result is parsed, so a value such as "Smith, John" or "o'brien+x" stays one value: it can never add an RDN or
 * move the entry to another container. Null when the mapping produces nothing.
 */
export function buildDn(mapping: CompiledMapping, lookup: Lookup, ctx: EvaluationContext): Dn | null {
  let text: string | null;
  switch (mapping.kind) {
    case 'constant':
      text = mapping.constant;
      break;
    case 'source': {
      const value = toText(lookup(mapping.source));
      text = value === null ? null : escapeDnValue(value);
      break;
    }
    case 'expression': {
      const traced = mapping.expression.evaluateTraced(lookup, ctx);
      text =
        traced instanceof AttributeText
          ? traced.parts.map((p) => (p.fromAttribute ? escapeDnValue(p.text) : p.text)).join('')
          : toText(traced ?? null);
      break;
    }
    default:
      text = null;
  }
  return text === null || text === '' ? null : parseDn(text);
}
