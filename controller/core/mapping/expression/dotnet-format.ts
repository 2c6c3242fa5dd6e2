/**
 * The .NET custom date and time format strings FormatDateTime uses (invariant culture): yyyy yy MM M dd d HH H
 * hh h mm m ss s f… F… tt t zzz zz z K, 'quoted' and \escaped literals. Times are read and written in UTC.
 */
type Token = { spec: string } | { literal: string };

const SPECIFIERS = [
  'yyyy',
  'yyy',
  'yy',
  'MM',
  'M',
  'dd',
  'd',
  'HH',
  'H',
  'hh',
  'h',
  'mm',
  'm',
  'ss',
  's',
  'tt',
  't',
  'zzz',
  'zz',
  'z',
  'K',
];

function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      const stop = end < 0 ? format.length : end;
      tokens.push({ literal: format.slice(i + 1, stop) });
      i = stop + 1;
      continue;
    }
    if (c === '\\') {
      tokens.push({ literal: format[i + 1] ?? '' });
      i += 2;
      continue;
    }
    if (c === 'f' || c === 'F') {
      let j = i;
      while (format[j] === c && j - i < 7) j++;
      tokens.push({ spec: format.slice(i, j) });
      i = j;
      continue;
    }
    const spec = SPECIFIERS.find((s) => format.startsWith(s, i));
    if (spec) {
      tokens.push({ spec });
      i += spec.length;
    } else {
      tokens.push({ literal: c });
      i++;
    }
  }
  return tokens;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatDotNet(date: Date, format: string): string {
  const h = date.getUTCHours();
  return tokenize(format)
    .map((token) => {
      if ('literal' in token) return token.literal;
      const s = token.spec;
      if (s[0] === 'f' || s[0] === 'F') {
        const digits = pad(date.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, s.length);
        return s[0] === 'F' ? digits.replace(/0+$/, '') : digits;
      }
      switch (s) {
        case 'yyyy':
        case 'yyy':
          return pad(date.getUTCFullYear(), s.length);
        case 'yy':
          return pad(date.getUTCFullYear() % 100, 2);
        case 'MM':
          return pad(date.getUTCMonth() + 1, 2);
        case 'M':
          return String(date.getUTCMonth() + 1);
        case 'dd':
          return pad(date.getUTCDate(), 2);
        case 'd':
          return String(date.getUTCDate());
        case 'HH':
          return pad(h, 2);
        case 'H':
          return String(h);
        case 'hh':
          return pad(h % 12 || 12, 2);
        case 'h':
          return String(h % 12 || 12);
        case 'mm':
          return pad(date.getUTCMinutes(), 2);
        case 'm':
          return String(date.getUTCMinutes());
        case 'ss':
          return pad(date.getUTCSeconds(), 2);
        case 's':
          return String(date.getUTCSeconds());
        case 'tt':
          return h < 12 ? 'AM' : 'PM';
        case 't':
          return h < 12 ? 'A' : 'P';
        case 'zzz':
          return '+00:00';
        case 'zz':
          return '+00';
        case 'z':
          return '+0';
        default:
          return 'Z';
      }
    })
    .join('');
}

const PATTERNS: Record<string, string> = {
  yyyy: '(?<year>\\d{4})',
  yyy: '(?<year>\\d{3,4})',
  yy: '(?<year2>\\d{2})',
  MM: '(?<month>\\d{2})',
  M: '(?<month>\\d{1,2})',
  dd: '(?<day>\\d{2})',
  d: '(?<day>\\d{1,2})',
  HH: '(?<hour>\\d{2})',
  H: '(?<hour>\\d{1,2})',
  hh: '(?<hour12>\\d{2})',
  h: '(?<hour12>\\d{1,2})',
  mm: '(?<minute>\\d{2})',
  m: '(?<minute>\\d{1,2})',
  ss: '(?<second>\\d{2})',
  s: '(?<second>\\d{1,2})',
  tt: '(?<ampm>AM|PM)',
  t: '(?<ampm1>A|P)',
  zzz: '(?<offset>[+-]\\d{2}:\\d{2})',
  zz: '(?<offset>[+-]\\d{2})',
  z: '(?<offset>[+-]\\d{1,2})',
  K: '(?<offset>Z|[+-]\\d{2}:\\d{2})?',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ParseExact: the whole text must match the format (surrounding white space allowed); null when it does not. */
export function parseDotNet(text: string, format: string): Date | null {
  const source = tokenize(format)
    .map((token) => {
      if ('literal' in token) {
        // With RoundtripKind a literal Z marks UTC, which is how we read every value anyway.
        return escapeRegExp(token.literal);
      }
      if (token.spec[0] === 'f' || token.spec[0] === 'F') {
        return token.spec[0] === 'f'
          ? `(?<fraction>\\d{${token.spec.length}})`
          : `(?<fraction>\\d{0,${token.spec.length}})`;
      }
      return PATTERNS[token.spec] ?? '';
    })
    .join('');
  let match: RegExpExecArray | null;
  try {
    match = new RegExp(`^\\s*${source}\\s*$`, 'i').exec(text);
  } catch {
    return null;
  }
  const g = match?.groups;
  if (!g) return null;
  const year =
    g['year'] !== undefined ? Number(g['year']) : g['year2'] !== undefined ? 2000 + Number(g['year2']) : 1;
  let hour = Number(g['hour'] ?? 0);
  if (g['hour12'] !== undefined) {
    const ampm = (g['ampm'] ?? g['ampm1'] ?? 'A').toUpperCase();
    hour = (Number(g['hour12']) % 12) + (ampm.startsWith('P') ? 12 : 0);
  }
  const ms = g['fraction'] ? Math.round(Number(`0.${g['fraction']}`) * 1000) : 0;
  const offset = g['offset'];
  let offsetMinutes = 0;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [hh, mm] = offset.slice(1).split(':');
    offsetMinutes = sign * (Number(hh) * 60 + Number(mm ?? 0));
  }
  const month = Number(g['month'] ?? 1);
  const day = Number(g['day'] ?? 1);
  const date = new Date(
    Date.UTC(year, month - 1, day, hour, Number(g['minute'] ?? 0), Number(g['second'] ?? 0), ms) -
      offsetMinutes * 60_000,
  );
  return Number.isNaN(date.getTime()) || month > 12 || day > 31 ? null : date;
}
