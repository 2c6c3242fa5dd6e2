import { EvaluationError } from './values.ts';

// NormalizeDiacritics: Entra's documented table, character sequences (some with combining marks) → replacement.
const DIACRITICS: Record<string, string> = {
  a: 'ä à â ã å á ą ă ā ā́ ā̀ ā̂ ā̃ ǟ ā̈ ǡ a̱ å̄',
  A: 'Ä À Â Ã Å Á Ą Ă Ā Ā́ Ā̀ Ā̂ Ā̃ Ǟ Ā̈ Ǡ A̱ Å̄',
  ae: 'æ ǣ',
  AE: 'Æ Ǣ',
  c: 'ç č ć c̄ c̱',
  C: 'Ç Č Ć C̄ C̱',
  d: 'ď d̄ ḏ',
  D: 'Ď D̄ Ḏ',
  e: 'ë è é ê ę ě ė ē ḗ ḕ ē̂ ē̃ ê̄ e̱ ë̄ e̊̄',
  E: 'Ë È É Ê Ę Ě Ė Ē Ḗ Ḕ Ē̂ Ē̃ Ê̄ E̱ Ë̄ E̊̄',
  g: 'ğ ḡ g̱',
  G: 'Ğ Ḡ G̱',
  i: 'ï î ì í ı ī ī́ ī̀ ī̂ ī̃ i̱',
  I: 'Ï Î Ì Í İ Ī Ī́ Ī̀ Ī̂ Ī̃ I̱',
  l: 'ľ ł l̄ ḹ ḻ',
  L: 'Ł Ľ L̄ Ḹ Ḻ',
  n: 'ñ ń ň n̄ ṉ',
  N: 'Ñ Ń Ň N̄ Ṉ',
  o: 'ö ò ő õ ô ó ō ṓ ṑ ō̂ ō̃ ȫ ō̈ ǭ ȭ ȱ o̱',
  O: 'Ö Ò Ő Õ Ô Ó Ō Ṓ Ṑ Ō̂ Ō̃ Ȫ Ō̈ Ǭ Ȭ Ȱ O̱',
  oe: 'ø ø̄ œ̄',
  OE: 'Ø Ø̄ Œ̄',
  r: 'ř r̄ ṟ ṝ',
  R: 'Ř R̄ Ṟ Ṝ',
  ss: 'ß',
  s: 'š ś ș ş s̄ s̱',
  S: 'Š Ś Ș Ş S̄ S̱',
  t: 'ť ț t̄ ṯ',
  T: 'Ť Ț T̄ Ṯ',
  u: 'ü ù û ú ů ű ū ū́ ū̀ ū̂ ū̃ u̇̄ ǖ ṻ ṳ̄ u̱',
  U: 'Ü Ù Û Ú Ů Ű Ū Ū́ Ū̀ Ū̂ Ū̃ U̇̄ Ǖ Ṻ Ṳ̄ U̱',
  y: 'ÿ ý ȳ ȳ́ ȳ̀ ȳ̃ y̱',
  Y: 'Ÿ Ý Ȳ Ȳ́ Ȳ̀ Ȳ̃ Y̱',
  z: 'ź ž ż z̄ ẕ',
  Z: 'Ź Ž Ż Z̄ Ẕ',
};

const diacriticMap = new Map<string, string>();
for (const [replacement, sequences] of Object.entries(DIACRITICS)) {
  for (const sequence of sequences.split(' ')) diacriticMap.set(sequence.normalize('NFC'), replacement);
}
const longestSequence = Math.max(...[...diacriticMap.keys()].map((k) => k.length));

/**
 * Entra's table first (longest sequence wins, so "ā́" is one character); any other letter with combining marks
 * loses the marks, so "ŷ" becomes "y" too.
 */
export function normalizeDiacritics(text: string): string {
  const source = text.normalize('NFC');
  let out = '';
  let i = 0;
  outer: while (i < source.length) {
    for (let length = Math.min(longestSequence, source.length - i); length > 0; length--) {
      const replacement = diacriticMap.get(source.slice(i, i + length));
      if (replacement !== undefined) {
        out += replacement;
        i += length;
        continue outer;
      }
    }
    const codePoint = source.codePointAt(i) as number;
    const char = String.fromCodePoint(codePoint);
    out += char.normalize('NFD').replace(/\p{M}/gu, '');
    i += char.length;
  }
  return out;
}

// .NET ToTitleCase keeps letters, digits, combining marks and the apostrophe inside a word.
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}']/u;

/** PCase: first letter of each word upper case, the rest lower case. */
export function properCase(text: string, separators?: string): string {
  const isSeparator =
    separators === undefined ? (c: string) => !WORD_CHARACTER.test(c) : (c: string) => separators.includes(c);
  let out = '';
  let startOfWord = true;
  for (const c of text) {
    if (isSeparator(c)) {
      out += c;
      startOfWord = true;
    } else {
      out += startOfWord ? c.toUpperCase() : c.toLowerCase();
      startOfWord = false;
    }
  }
  return out;
}

/** Word: the n-th (1-based) run of characters between delimiters; "" when there is none. */
export function word(text: string, n: number, delimiters: string): string {
  if (n < 1) return '';
  let count = 0;
  let current = '';
  for (const c of `${text}${delimiters[0] ?? ''}`) {
    if (delimiters.includes(c)) {
      if (current !== '' && ++count === n) return current;
      current = '';
    } else {
      current += c;
    }
  }
  return count + 1 === n && current !== '' ? current : '';
}

/** Mid: 1-based start; a start before 1 counts from 1, a length past the end stops at the end. */
export function mid(text: string, start: number, length: number): string {
  if (length <= 0) return '';
  const from = Math.max(start, 1) - 1;
  return [...text].slice(from, from + length).join('');
}

/** Left: "" for 0, the whole text for a negative count or a count past the end. */
export function left(text: string, count: number): string {
  if (count < 0) return text;
  return [...text].slice(0, count).join('');
}

/** InStr: 1-based position of `needle` at or after `start`, 0 when absent. */
export function inStr(haystack: string, needle: string, start: number, ignoreCase: boolean): number {
  const from = Math.max(start, 1) - 1;
  const h = ignoreCase ? haystack.toLowerCase() : haystack;
  const n = ignoreCase ? needle.toLowerCase() : needle;
  const index = h.indexOf(n, from);
  return index < 0 ? 0 : index + 1;
}

const CLASSES = {
  digits: '0123456789',
  special: '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
};
export const RANDOM_STRING_MAX_LENGTH = 256;

/** A uniformly random integer in [0, bound), from a cryptographically random byte source, without modulo bias. */
function randomBelow(bound: number, randomBytes: (n: number) => Uint8Array): number {
  if (bound <= 256) {
    const limit = 256 - (256 % bound);
    for (;;) {
      const byte = randomBytes(1)[0] as number;
      if (byte < limit) return byte % bound;
    }
  }
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  for (;;) {
    const b = randomBytes(4);
    const n =
      ((b[0] as number) * 0x1000000 +
        ((b[1] as number) << 16) +
        ((b[2] as number) << 8) +
        (b[3] as number)) >>>
      0;
    if (n < limit) return n % bound;
  }
}

type Pools = Record<keyof typeof CLASSES, string>;
const poolCache = new Map<string, Pools>();

function poolsWithout(avoid: string): Pools {
  let pools = poolCache.get(avoid);
  if (!pools) {
    const allowed = (chars: string) => [...chars].filter((c) => !avoid.includes(c)).join('');
    pools = {
      digits: allowed(CLASSES.digits),
      special: allowed(CLASSES.special),
      upper: allowed(CLASSES.upper),
      lower: allowed(CLASSES.lower),
    };
    // Expressions hold their avoid strings as constants, so this stays small; a bound keeps it so regardless.
    if (poolCache.size < 64) poolCache.set(avoid, pools);
  }
  return pools;
}

export interface RandomStringSpec {
  length: number;
  digits: number;
  special: number;
  upper: number;
  lower: number;
  avoid: string;
}

/**
 * The least entropy of a RandomString value, in bits: each required character drawn from its class, the rest
 * from all classes (the shuffle adds more, not counted).
 */
export function randomStringBits(spec: RandomStringSpec): number {
  const pools = poolsWithout(spec.avoid);
  const all = pools.digits + pools.special + pools.upper + pools.lower;
  const bits = (size: number) => (size > 1 ? Math.log2(size) : 0);
  const required = (['digits', 'special', 'upper', 'lower'] as const).reduce(
    (sum, key) => sum + spec[key] * bits(pools[key].length),
    0,
  );
  const minimums = spec.digits + spec.special + spec.upper + spec.lower;
  return required + Math.max(0, spec.length - minimums) * bits(all.length);
}

/** RandomString: at least the given count of each class, the rest from all classes, none of `avoid`, shuffled. */
export function randomString(spec: RandomStringSpec, randomBytes: (n: number) => Uint8Array): string {
  const { length, avoid } = spec;
  const minimums = spec.digits + spec.special + spec.upper + spec.lower;
  if (length < 1 || length > RANDOM_STRING_MAX_LENGTH) {
    throw new EvaluationError('RandomString', `Length must be between 1 and ${RANDOM_STRING_MAX_LENGTH}`);
  }
  if ([spec.digits, spec.special, spec.upper, spec.lower].some((n) => n < 0)) {
    throw new EvaluationError('RandomString', 'minimum counts must not be negative');
  }
  if (minimums > length)
    throw new EvaluationError(
      'RandomString',
      `Length ${length} is less than the sum of the minimums (${minimums})`,
    );
  const pools = poolsWithout(avoid);
  const all = pools.digits + pools.special + pools.upper + pools.lower;
  const chars: string[] = [];
  for (const key of ['digits', 'special', 'upper', 'lower'] as const) {
    if (spec[key] > 0 && pools[key] === '')
      throw new EvaluationError('RandomString', `every ${key} character is avoided`);
    for (let n = 0; n < spec[key]; n++)
      chars.push(pools[key][randomBelow(pools[key].length, randomBytes)] as string);
  }
  if (all === '') throw new EvaluationError('RandomString', 'every character is avoided');
  while (chars.length < length) chars.push(all[randomBelow(all.length, randomBytes)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1, randomBytes);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
