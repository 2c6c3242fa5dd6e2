import { describePosition } from '../text/position.ts';
import { invalidFilter, invalidPath } from './errors.ts';

/** An attribute path: `[urn:]name[.sub]`, optionally with a value filter `name[filter].sub` (RFC 7644 §3.4.2.2). */
export interface AttrPath {
  /** Schema URN for extension attributes, without the trailing colon. */
  urn?: string;
  name: string;
  /** Filter on the elements of a multi-valued attribute, as in `emails[type eq "work"]`. */
  valueFilter?: Filter;
  sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompValue = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  | { kind: 'present'; path: AttrPath }
  /** `emails[type eq "work"]` on its own: some element matches. */
  | { kind: 'has'; path: AttrPath }
  | { kind: 'and'; filters: Filter[] }
  | { kind: 'or'; filters: Filter[] }
  | { kind: 'not'; filter: Filter };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: '(' | ')' | '[' | ']'; at: number }
  | { type: 'end'; at: number };

// A word: an attribute path (URNs carry ':' and '.'), a keyword, or an unquoted value such as an e-mail address
// (Entra's tutorial shows `externalId eq jyoung`; Microsoft's test collection sends `userName sw O`).
const WORD = /[^\s()[\]"]/;

function tokenize(text: string, fail: (message: string, at: number) => Error): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, at: i });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw fail('unterminated string', start);
      i++;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, i));
      } catch {
        throw fail('invalid escape in string', start);
      }
      tokens.push({ type: 'string', value: value as string, at: start });
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), at: start });
    } else {
      throw fail(`unexpected character ${JSON.stringify(c)}`, i);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

function splitAttrName(word: string): { urn?: string; name: string; sub?: string } {
  const colon = word.lastIndexOf(':');
  const urn = colon >= 0 ? word.slice(0, colon) : undefined;
  const local = word.slice(colon + 1);
  const dot = local.indexOf('.');
  const name = dot >= 0 ? local.slice(0, dot) : local;
  const sub = dot >= 0 ? local.slice(dot + 1) : undefined;
  return { ...(urn !== undefined ? { urn } : {}), name, ...(sub !== undefined ? { sub } : {}) };
}

const ATTR_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;

/**
 * How deeply groups, `not` and value filters may nest. The parser and every consumer of the tree recurse, so an
 * unbounded depth (a URL or `.search` body of nested parentheses) would overflow the stack; no real client nests
 * anywhere near this.
 */
export const MAX_FILTER_DEPTH = 32;

class Parser {
  private readonly text: string;
  private readonly makeError: (message: string) => Error;
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  public constructor(text: string, makeError: (message: string) => Error) {
    this.text = text;
    this.makeError = makeError;
    this.tokens = tokenize(text, (message, at) => this.error(message, at));
  }

  public error(message: string, at: number): Error {
    return this.makeError(`${message} ${describePosition(this.text, at)}`);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }

  private keyword(token: Token): string | undefined {
    return token.type === 'word' ? token.text.toLowerCase() : undefined;
  }

  private expect(type: Token['type'], what: string): Token {
    const token = this.next();
    if (token.type !== type) throw this.error(`expected ${what}`, token.at);
    return token;
  }

  public atEnd(): boolean {
    return this.peek().type === 'end';
  }

  public expectEnd(): void {
    const token = this.peek();
    if (token.type !== 'end') throw this.error('unexpected text after the end of the expression', token.at);
  }

  public parseOr(): Filter {
    const filters = [this.parseAnd()];
    while (this.keyword(this.peek()) === 'or') {
      this.next();
      filters.push(this.parseAnd());
    }
    return filters.length === 1 ? (filters[0] as Filter) : { kind: 'or', filters };
  }

  private parseAnd(): Filter {
    const filters = [this.parseUnary()];
    while (this.keyword(this.peek()) === 'and') {
      this.next();
      filters.push(this.parseUnary());
    }
    return filters.length === 1 ? (filters[0] as Filter) : { kind: 'and', filters };
  }

  private parseUnary(): Filter {
    const token = this.peek();
    if (this.keyword(token) === 'not' && this.tokens[this.index + 1]?.type === '(') {
      this.next();
      return { kind: 'not', filter: this.parseGroup() };
    }
    if (token.type === '(') return this.parseGroup();
    return this.parseAttrExpression();
  }

  private parseGroup(): Filter {
    const open = this.expect('(', '"("');
    const filter = this.nested(open.at, () => this.parseOr());
    this.expect(')', '")"');
    return filter;
  }

  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_FILTER_DEPTH)
      throw this.error(`nested more than ${MAX_FILTER_DEPTH} levels deep`, at);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** `path`, `path[filter]`, `path[filter].sub`, as used in filters and PATCH paths. */
  public parsePath(): AttrPath {
    const token = this.next();
    if (token.type !== 'word') throw this.error('expected an attribute name', token.at);
    const path: AttrPath = splitAttrName(token.text);
    if (!ATTR_NAME.test(path.name)) throw this.error(`invalid attribute name "${path.name}"`, token.at);
    if (this.peek().type === '[') {
      if (path.sub !== undefined)
        throw this.error('a value filter must follow the attribute name', this.peek().at);
      const open = this.next();
      path.valueFilter = this.nested(open.at, () => this.parseOr());
      const close = this.expect(']', '"]"');
      const after = this.peek();
      if (after.type === 'word' && after.text.startsWith('.') && after.at === close.at + 1) {
        this.next();
        path.sub = after.text.slice(1);
        if (!ATTR_NAME.test(path.sub)) throw this.error(`invalid sub-attribute name "${path.sub}"`, after.at);
      }
    }
    if (path.sub !== undefined && !ATTR_NAME.test(path.sub)) {
      throw this.error(`invalid sub-attribute name "${path.sub}"`, token.at);
    }
    return path;
  }

  private parseAttrExpression(): Filter {
    const start = this.peek();
    const path = this.parsePath();
    const opToken = this.peek();
    const op = this.keyword(opToken);
    if (op === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (op !== undefined && COMPARE_OPS.has(op)) {
      this.next();
      return { kind: 'compare', path, op: op as CompareOp, value: this.parseValue() };
    }
    if (path.valueFilter && path.sub === undefined) return { kind: 'has', path };
    throw this.error(
      op === undefined
        ? 'expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)'
        : `unknown operator "${op}"`,
      opToken.type === 'end' ? start.at : opToken.at,
    );
  }

  private parseValue(): CompValue {
    const token = this.next();
    if (token.type === 'string') return token.value;
    if (token.type === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.text)) return Number(token.text);
      return token.text;
    }
    throw this.error('expected a value: a string, a number, true, false or null', token.at);
  }
}

/** Parses a SCIM filter; throws 400 invalidFilter naming the position. Operators and keywords are case-insensitive. */
export function parseFilter(text: string): Filter {
  const parser = new Parser(text, (message) => invalidFilter(`invalid filter: ${message}`));
  if (parser.atEnd()) throw parser.error('empty filter', 0);
  const filter = parser.parseOr();
  parser.expectEnd();
  return filter;
}

/** Parses a SCIM attribute path such as `emails[type eq "work"].value`; throws 400 invalidPath. */
export function parsePath(text: string): AttrPath {
  const parser = new Parser(text, (message) => invalidPath(`invalid path: ${message}`));
  const path = parser.parsePath();
  parser.expectEnd();
  return path;
}

export function formatPath(path: AttrPath): string {
  const name = path.urn !== undefined ? `${path.urn}:${path.name}` : path.name;
  const filter = path.valueFilter ? `[${formatFilter(path.valueFilter)}]` : '';
  return `${name}${filter}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}

/** The canonical text of a filter, which parses back to the same filter. */
export function formatFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${formatPath(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`;
    case 'present':
      return `${formatPath(filter.path)} pr`;
    case 'has':
      return formatPath(filter.path);
    case 'and':
    case 'or':
      return filter.filters
        .map((f) => (f.kind === 'or' || f.kind === 'and' ? `(${formatFilter(f)})` : formatFilter(f)))
        .join(` ${filter.kind} `);
    case 'not':
      return `not (${formatFilter(filter.filter)})`;
  }
}
