/**
 * Values an expression computes with. Entra's functions are string-typed at heart: booleans print as
 * "True"/"False" and dates as "M/d/yyyy h:mm:ss tt" (UTC), as in Entra.
 */
export type Scalar = string | number | boolean | Date;
export type Value = Scalar | readonly Scalar[] | null;

/** Thrown by IgnoreFlowIfNullOrEmpty: the target attribute is left out of the flow entirely. */
export class DropFlow {
  public readonly reason = 'IgnoreFlowIfNullOrEmpty';
}

/** A problem found while evaluating against a resource (bad date, impossible RandomString...). */
export class EvaluationError extends Error {
  public readonly function: string;

  public constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'EvaluationError';
    this.function = fn;
  }
}

export function isNullOrEmpty(value: Value | undefined): boolean {
  if (value === null || value === undefined || value === '') return true;
  return Array.isArray(value) && value.length === 0;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** .NET invariant "M/d/yyyy h:mm:ss tt", in UTC. */
export function formatEntraDate(date: Date): string {
  const hours = date.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${h12}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

export function scalarText(value: Scalar): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return formatEntraDate(value);
  return String(value);
}

/** The text of a value; a multi-valued one gives its first value. Null stays null. */
export function toText(value: Value | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? scalarText(value[0] as Scalar) : null;
  return scalarText(value as Scalar);
}

export function toTextOrEmpty(value: Value | undefined): string {
  return toText(value) ?? '';
}

export function toList(value: Value | undefined): Scalar[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as Scalar];
}

/** A number from a number, a numeric string, or a boolean; NaN when the value is not numeric. */
export function toNumber(value: Value | undefined): number {
  const text = toText(value);
  if (text === null || text.trim() === '') return Number.NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (/^&H[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  return Number(text);
}

export function toInteger(fn: string, name: string, value: Value | undefined): number {
  const n = toNumber(value);
  if (!Number.isFinite(n))
    throw new EvaluationError(fn, `${name} must be a number, got ${JSON.stringify(toText(value))}`);
  return Math.trunc(n);
}

/** Entra booleans: true, "True" (any case) and non-zero numbers are true. */
export function toBoolean(value: Value | undefined): boolean {
  if (typeof value === 'boolean') return value;
  const text = toText(value);
  if (text === null) return false;
  if (text.toLowerCase() === 'true') return true;
  if (text.toLowerCase() === 'false') return false;
  const n = Number(text);
  return Number.isFinite(n) && n !== 0;
}
