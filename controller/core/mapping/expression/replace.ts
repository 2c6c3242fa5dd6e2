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

export type RegexFlags = 'g' | 'gd' | '';
/** The compiled pattern for a Replace call; patterns fixed in the mapping are compiled once, at load. */
export type RegexFor = (pattern: string, flags: RegexFlags) => RegExp;

/**
 * The regexes of one Replace call site. A pattern written in the mapping (the usual case) is compiled here,
 * when the mapping loads, in each form Replace uses; one computed from attributes is compiled when it is used.
 * The compiled regexes are shared by every evaluation: Replace only uses them synchronously, from lastIndex 0.
 */
export function prepareRegexes(constantPattern: string | undefined): RegexFor {
  if (constantPattern === undefined) return compileRegex;
  const compiled: Record<RegexFlags, RegExp> = {
    g: compileRegex(constantPattern, 'g'),
    gd: compileRegex(constantPattern, 'gd'),
    '': compileRegex(constantPattern, ''),
  };
  return (pattern, flags) => (pattern === constantPattern ? compiled[flags] : compileRegex(pattern, flags));
}

/** .NET substitutions ${name} and $1 → JavaScript's $<name> and $1. */
function jsReplacement(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$<$1>');
}

function replaceGroup(regex: RegExp, source: string, group: string, replacement: string): string {
  let out = '';
  let last = 0;
  // exec on the shared regex rather than matchAll, which would construct a copy of it on every call.
  regex.lastIndex = 0;
  for (let match = regex.exec(source); match; match = regex.exec(source)) {
    if (match[0] === '') regex.lastIndex++;
    const span = match.indices?.groups?.[group];
    if (!span) continue;
    out += source.slice(last, span[0]) + replacement;
    last = span[1];
  }
  regex.lastIndex = 0;
  return out + source.slice(last);
}

/**
 * Entra's Replace, by which parameters are given: oldValue+replacementValue (literal, every occurrence);
 * oldValue+template (oldValue in template replaced by source); regexPattern+replacementValue (regex, ${group}
 * substitutions); regexPattern+regexGroupName+replacementValue (only the group's span); regexPattern+
 * regexGroupName+replacementAttributeName (source if it has a value, else the group taken from that attribute).
 */
export function replace(args: ReplaceArgs, regexFor: RegexFor = compileRegex): string | null {
  const { source, oldValue, regexPattern, regexGroupName, replacementValue, template } = args;
  if (oldValue !== undefined && template !== undefined) {
    return source === null ? null : template.split(oldValue).join(source);
  }
  if (regexPattern !== undefined && regexGroupName !== undefined && args.replacementAttributeGiven) {
    if (source !== null && source !== '') return source;
    const fallback = args.replacementAttribute;
    if (fallback === null || fallback === undefined) return null;
    const match = regexFor(regexPattern, '').exec(fallback);
    return match?.groups?.[regexGroupName] ?? null;
  }
  if (source === null) return null;
  if (oldValue !== undefined && replacementValue !== undefined) {
    return oldValue === '' ? source : source.split(oldValue).join(replacementValue);
  }
  if (regexPattern !== undefined && replacementValue !== undefined) {
    if (regexGroupName !== undefined)
      return replaceGroup(regexFor(regexPattern, 'gd'), source, regexGroupName, replacementValue);
    return source.replace(regexFor(regexPattern, 'g'), jsReplacement(replacementValue));
  }
  return source;
}
