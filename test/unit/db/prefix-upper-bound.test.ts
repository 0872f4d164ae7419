import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../../../src/db/repositories/users.js';

/** Byte order of UTF-8, as a "C" collation compares. */
const below = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;

describe('prefixUpperBound', () => {
  it('is above every string with the prefix and below every later string without it', () => {
    const cases: [string, string[], string[]][] = [
      ['smith', ['smith', 'smithers', 'smith\u{10ffff}x', 'smithé'], ['smiti', 'smj', 'sn', 't']],
      ['é', ['é', 'éa', 'é\u{10ffff}'], ['ê', 'ê\u{10ffff}', 'ü']],
      ['a\u{10ffff}', ['a\u{10ffff}', 'a\u{10ffff}\u{10ffff}z'], ['b']],
      ['\u{d7ff}', ['\u{d7ff}z'], ['\u{e000}']],
    ];
    for (const [prefix, inside, after] of cases) {
      const upper = prefixUpperBound(prefix)!;
      for (const s of inside) expect(below(s, upper), `${prefix}: ${s}`).toBe(true);
      for (const s of after) expect(below(s, upper), `${prefix}: ${s}`).toBe(false);
    }
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{d7ff}')).toBe('\u{e000}');
  });

  it('is undefined when nothing follows', () => {
    expect(prefixUpperBound('\u{10ffff}\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('')).toBeUndefined();
  });
});
