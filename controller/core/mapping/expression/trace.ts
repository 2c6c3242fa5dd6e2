import type { Arg, EvaluationContext, FunctionDef, Thunk } from './functions.ts';
import { DropFlow, isNullOrEmpty, toBoolean, toList, toTextOrEmpty, type Value } from './values.ts';

export interface TextPart {
  text: string;
  fromAttribute: boolean;
}

/** Text assembled from pieces, each marked with whether it came from the resource's attributes. */
export class AttributeText {
  public readonly parts: readonly TextPart[];

  public constructor(parts: readonly TextPart[]) {
    this.parts = parts;
  }

  public static of(value: Value): AttributeText | null {
    if (isNullOrEmpty(value)) return null;
    return new AttributeText([{ text: toTextOrEmpty(value), fromAttribute: true }]);
  }

  public get text(): string {
    return this.parts.map((p) => p.text).join('');
  }
}

/** A value computed while tracing: attribute-derived text stays marked as such. */
export type Traced = Value | AttributeText | undefined;

export function flatten(value: Traced): Arg {
  return value instanceof AttributeText ? value.text : value;
}

function partsOf(value: Traced): TextPart[] {
  if (value instanceof AttributeText) return [...value.parts];
  return toList(flatten(value) ?? null)
    .map((v) => toTextOrEmpty(v))
    .filter((t) => t !== '')
    .map((text) => ({ text, fromAttribute: false }));
}

function isTracedEmpty(value: Traced): boolean {
  return value instanceof AttributeText ? value.text === '' : isNullOrEmpty(value);
}

function join(separator: TextPart[], sources: Traced[]): AttributeText {
  const parts: TextPart[] = [];
  for (const source of sources) {
    const pieces = source instanceof AttributeText ? [source.parts] : partsOf(source).map((p) => [p]);
    for (const piece of pieces) {
      if (piece.every((p) => p.text === '')) continue;
      if (parts.length) parts.push(...separator);
      parts.push(...piece);
    }
  }
  return new AttributeText(parts);
}

function firstPresent(args: Thunk[]): Traced {
  for (const arg of args) {
    const value = arg() as Traced;
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Calls a function while tracing, following its taint policy (see TaintPolicy). */
export function tracedCall(
  name: string,
  def: FunctionDef,
  args: (() => Traced)[],
  ctx: EvaluationContext,
  prepared?: unknown,
): Traced {
  const plain = (i: number) => flatten(args[i]?.());
  switch (name) {
    case 'Join': {
      const [separator, ...sources] = args.map((arg) => arg());
      return join(partsOf(separator), sources);
    }
    case 'Append': {
      const [source, suffix] = args.map((arg) => arg());
      if (source === null || source === undefined) return null;
      return new AttributeText([...partsOf(source), ...partsOf(suffix)]);
    }
    case 'IIF': {
      const condition = plain(0);
      if (condition === null || condition === undefined) return null;
      return (toBoolean(condition) ? args[1] : args[2])?.() ?? null;
    }
    case 'Switch': {
      const source = toTextOrEmpty(plain(0));
      for (let i = 2; i + 1 < args.length; i += 2) {
        if (toTextOrEmpty(plain(i)) === source) return args[i + 1]?.() ?? null;
      }
      return args[1]?.() ?? null;
    }
    case 'Coalesce':
      return firstPresent(args as Thunk[]);
    case 'IgnoreFlowIfNullOrEmpty': {
      const value = args[0]?.();
      if (isTracedEmpty(value)) throw new DropFlow();
      return value;
    }
    case 'Redact':
      return args[0]?.();
    default:
      break;
  }
  const values = args.map((arg) => arg());
  const flat = values.map(flatten);
  if (def.taint === 'map' && values[0] instanceof AttributeText) {
    const rest = flat.slice(1);
    const call = def.call as (a: Arg[], c: EvaluationContext, p?: unknown) => Value;
    return new AttributeText(
      values[0].parts.map((p) => ({
        text: toTextOrEmpty(call([p.text, ...rest], ctx, prepared)),
        fromAttribute: p.fromAttribute,
      })),
    );
  }
  const result = def.lazy
    ? def.call(
        flat.map(
          (v): Thunk =>
            () =>
              v,
        ),
        ctx,
        prepared,
      )
    : def.call(flat, ctx, prepared);
  return values.some((v) => v instanceof AttributeText) ? AttributeText.of(result) : result;
}
