import { EvaluationError } from './values.ts';

/** Replace's seven positional parameters; `undefined` is an empty slot, which differs from "". */
export interface ReplaceArgs {
  source: string | null;
  oldValue?: string | undefined;
  regexPattern?: string | undefined;
  regexGroupName?: string | undefined;
  replacementValue?: string | undefined;
  /** The value of the replacementAttributeName slot (an attribute reference); null when that attribute is absent. */
  replacementAttribute?: string | null | undefined;
  replacementAttributeGiven: boolean;
  template?: string | undefined;
}

/** Compiles a .NET-style pattern; named groups (?<name>…) are the same in JavaScript. */
export function compileRegex(pattern: string, flags = 'g'): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new EvaluationError('Replace', `invalid regular expression: ${(error as Error).message}`);
  }
}

/** .NET substitutions ${name} and $1 → JavaScript's $<name> and $1. */
function jsReplacement(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$<$1>');
}

function replaceGroup(source: string, pattern: string, group: string, replacement: string): string {
  const regex = compileRegex(pattern, 'gd');
  let out = '';
  let last = 0;
  for (const match of source.matchAll(regex)) {
    const span = match.indices?.groups?.[group];
    if (!span) continue;
    out += source.slice(last, span[0]) + replacement;
    last = span[1];
  }
  return out + source.slice(last);
}

/**
 * Entra's Replace, by which parameters are given: oldValue+replacementValue (literal, every occurrence);
 * oldValue+template (oldValue in template replaced by source); regexPattern+replacementValue (regex, ${group}
 * substitutions); regexPattern+regexGroupName+replacementValue (only the group's span); regexPattern+
 * regexGroupName+replacementAttributeName (source if it has a value, else the group taken from that attribute).
 */
export function replace(args: ReplaceArgs): string | null {
  const { source, oldValue, regexPattern, regexGroupName, replacementValue, template } = args;
  if (oldValue !== undefined && template !== undefined) {
    return source === null ? null : template.split(oldValue).join(source);
  }
  if (regexPattern !== undefined && regexGroupName !== undefined && args.replacementAttributeGiven) {
    if (source !== null && source !== '') return source;
    const fallback = args.replacementAttribute;
    if (fallback === null || fallback === undefined) return null;
    const match = compileRegex(regexPattern, '').exec(fallback);
    return match?.groups?.[regexGroupName] ?? null;
  }
  if (source === null) return null;
  if (oldValue !== undefined && replacementValue !== undefined) {
    return oldValue === '' ? source : source.split(oldValue).join(replacementValue);
  }
  if (regexPattern !== undefined && replacementValue !== undefined) {
    if (regexGroupName !== undefined)
      return replaceGroup(source, regexPattern, regexGroupName, replacementValue);
    return source.replace(compileRegex(regexPattern), jsReplacement(replacementValue));
  }
  return source;
}
