/**
 * The fuzzers' one source of randomness: a seeded generator (mulberry32), so that a run can be
 * repeated exactly with the same --seed, and the odd values they draw from.
 */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A child generator: each worker draws its own sequence, independent of the others' timing. */
  fork(salt: number): Rng {
    return new Rng(Math.imul(this.seed ^ 0x9e3779b9, salt + 1) ^ salt);
  }
}

/** Strings that have broken parsers, validators, databases and dashboards somewhere. */
export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\r\n',
  'line\nbreak',
  '\u202Egnp.exe',
  '\u2066isolate\u2069',
  '\u200B\u200C\u200D\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '결제 API 상태',
  '🚀👩🏽‍💻🇰🇷',
  'שלום\u200F',
  'Z̸̢̛̤a̵̡͚l̷̨̛g̶̢̛o̵̧̜',
  '\u001b[31mred\u001b[0m',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; drop table endpoints; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '__proto__',
  'constructor',
  'prototype',
  'NULL',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '0x10',
  '\\',
  '"',
  'a'.repeat(101),
  'b'.repeat(8193),
];

export const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1e-300,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  59,
  60,
  61,
  86_401,
  100,
  99,
  60_001,
];

/** A random JSON value, at most `depth` deep; sometimes huge. */
export function oddValue(rng: Rng, depth = 3): unknown {
  const kind = rng.int(0, depth > 0 ? 11 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(ODD_NUMBERS);
    case 3:
      return rng.int(-1000, 100_000);
    case 4:
    case 5:
      return rng.pick(ODD_STRINGS);
    case 6:
      return randomText(rng, rng.int(0, 40));
    case 7:
      return rng.chance(0.02) ? 'x'.repeat(rng.int(70_000, 300_000)) : randomText(rng, rng.int(1, 300));
    case 8:
      return Array.from({ length: rng.int(0, 5) }, () => oddValue(rng, depth - 1));
    case 9:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 5) }, () => [rng.pick([...ODD_STRINGS, 'name', 'url', 'endpointId', 'id']), oddValue(rng, depth - 1)]),
      );
    case 10:
      return rng.chance(0.3)
        ? Array.from({ length: rng.int(50, 3000) }, (_, i) => i)
        : Object.fromEntries(Array.from({ length: rng.int(51, 2000) }, (_, i) => [`k${i}`, i]));
    default:
      return nested(rng.int(20, 2000));
  }
}

/** `[[[...]]]` `depth` levels deep (as a value, built without recursion). */
export function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Random characters from every plane: ASCII, Latin, Hangul, emoji, controls, bidi marks, lone surrogates. */
export function randomText(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const range = rng.pick([
      [0x20, 0x7e],
      [0x20, 0x7e],
      [0x00, 0x1f],
      [0x80, 0x9f],
      [0xa0, 0x17f],
      [0xac00, 0xd7a3],
      [0x202a, 0x202e],
      [0x2066, 0x2069],
      [0xd800, 0xdfff],
      [0x1f300, 0x1f64f],
    ] as const);
    out += String.fromCodePoint(rng.int(range[0], range[1]));
  }
  return out;
}
