import { EvaluationError, toText, type Value } from './values.ts';

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

function utc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone?: string,
): Date | null {
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes(zone) * 60_000);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return date;
}

/**
 * CDate: ISO 8601 (a date alone, or with a time; an offset is applied) and the "M/d/yyyy h:mm:ss tt" form that
 * Entra's own date functions print. A value without an offset is UTC.
 */
export function parseEntraDate(value: Value | undefined): Date | null {
  if (value instanceof Date) return value;
  const text = toText(value)?.trim();
  if (!text) return null;
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    return utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms, zone);
  }
  const us = US.exec(text);
  if (us) {
    const [, mo, d, y, h, mi, s, ampm, zone] = us;
    let hours = Number(h ?? 0);
    if (ampm) {
      if (hours < 1 || hours > 12) return null;
      hours = (hours % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    }
    return utc(Number(y), Number(mo), Number(d), hours, Number(mi ?? 0), Number(s ?? 0), 0, zone);
  }
  return null;
}

export function requireDate(fn: string, value: Value | undefined): Date {
  const date = parseEntraDate(value);
  if (!date) throw new EvaluationError(fn, `not a date: ${JSON.stringify(toText(value))}`);
  return date;
}

const DAY = 86_400_000;

function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return target;
}

const INTERVAL_MS: Record<string, number> = { d: DAY, ww: 7 * DAY, h: 3_600_000, n: 60_000, s: 1000 };

export const DATE_INTERVALS = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'] as const;

/** DateAdd; months and years clamp to the end of a shorter month, as .NET does. */
export function dateAdd(interval: string, amount: number, date: Date): Date {
  if (interval === 'yyyy') return addMonths(date, 12 * amount);
  if (interval === 'm') return addMonths(date, amount);
  const ms = INTERVAL_MS[interval];
  if (ms === undefined) throw new EvaluationError('DateAdd', `unknown interval "${interval}"`);
  return new Date(date.getTime() + amount * ms);
}

function floorTo(date: Date, unit: number): number {
  return Math.floor(date.getTime() / unit);
}

/** Start of the (Sunday-based) week, in days since the epoch. */
function weekStart(date: Date): number {
  const day = floorTo(date, DAY);
  return day - date.getUTCDay();
}

/** DateDiff: date2 - date1 counted in calendar boundaries crossed, as VBA and Entra count them. */
export function dateDiff(interval: string, date1: Date, date2: Date): number {
  switch (interval) {
    case 'yyyy':
      return date2.getUTCFullYear() - date1.getUTCFullYear();
    case 'm':
      return (
        (date2.getUTCFullYear() - date1.getUTCFullYear()) * 12 + date2.getUTCMonth() - date1.getUTCMonth()
      );
    case 'ww':
      return (weekStart(date2) - weekStart(date1)) / 7;
    default: {
      const unit = INTERVAL_MS[interval];
      if (unit === undefined) throw new EvaluationError('DateDiff', `unknown interval "${interval}"`);
      return floorTo(date2, unit) - floorTo(date1, unit);
    }
  }
}

// Active Directory dates are Windows FILETIME: 100 ns ticks since 1601-01-01 UTC.
const FILETIME_EPOCH_MS = 11_644_473_600_000n;

export function dateFromFiletime(ticks: bigint): Date {
  return new Date(Number(ticks / 10_000n - FILETIME_EPOCH_MS));
}

export function filetimeFromDate(date: Date): bigint {
  return (BigInt(date.getTime()) + FILETIME_EPOCH_MS) * 10_000n;
}
