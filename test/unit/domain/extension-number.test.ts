import { describe, it, expect } from 'vitest';
import {
  describeRanges,
  extensionTakenMessage,
  isInRanges,
  nextFreeExtension,
  parseExtensionNumber,
  validateRanges,
  typedExtensionNumber,
} from '../../../src/domain/extension-number.js';
import type { ExtensionRange } from '../../../src/domain/extension-number.js';

const twoRanges: ExtensionRange[] = [
  { from: 5000, to: 5099 },
  { from: 1000, to: 1999 },
];

describe('validateRanges', () => {
  it('accepts separate ranges in any order, and single-number ranges', () => {
    expect(validateRanges(twoRanges)).toEqual([]);
    expect(validateRanges([{ from: 1000, to: 1000 }, { from: 1001, to: 1001 }])).toEqual([]);
    expect(validateRanges([])).toEqual([]);
  });

  it('refuses from greater than to', () => {
    const problems = validateRanges([{ from: 2000, to: 1000 }]);
    expect(problems).toEqual(['Range 1 (2000–1000): from must not be greater than to']);
  });

  it.each([
    [{ from: 0, to: 99 }, 0],
    [{ from: -5, to: 99 }, -5],
    [{ from: 100.5, to: 199 }, 100.5],
    [{ from: 1, to: 99 }, 1],
    [{ from: 100, to: 1_000_000_000 }, 1_000_000_000],
    [{ from: Number.NaN, to: 99 }, Number.NaN],
  ])('refuses %j, which is not a positive number of 2 to 9 digits', (range, bad) => {
    const problems = validateRanges([range]);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toContain(`${bad} is not an extension number`);
  });

  it('accepts the extremes of 2 and 9 digits', () => {
    expect(validateRanges([{ from: 10, to: 99 }, { from: 999_999_000, to: 999_999_999 }])).toEqual([]);
  });

  it('refuses overlapping ranges, including ones sharing a single number, whatever their order', () => {
    expect(validateRanges([{ from: 1000, to: 1999 }, { from: 1500, to: 2500 }])).toEqual(['Ranges 1000–1999 and 1500–2500 overlap']);
    expect(validateRanges([{ from: 1999, to: 2500 }, { from: 1000, to: 1999 }])).toEqual(['Ranges 1000–1999 and 1999–2500 overlap']);
  });

  it('refuses a range nested inside another', () => {
    expect(validateRanges([{ from: 1000, to: 1999 }, { from: 1200, to: 1300 }])).toHaveLength(1);
  });

  it('accepts adjacent ranges', () => {
    expect(validateRanges([{ from: 1000, to: 1999 }, { from: 2000, to: 2999 }])).toEqual([]);
  });
});

describe('isInRanges', () => {
  it.each([
    [1000, true],
    [1999, true],
    [1500, true],
    [5000, true],
    [5099, true],
    [999, false],
    [2000, false],
    [4999, false],
    [5100, false],
  ])('%i in 1000–1999 or 5000–5099: %s', (n, expected) => {
    expect(isInRanges(n, twoRanges)).toBe(expected);
  });

  it('is false with no ranges', () => {
    expect(isInRanges(1000, [])).toBe(false);
  });
});

describe('nextFreeExtension', () => {
  it('gives the lowest number of the lowest range, whatever order the ranges are in', () => {
    expect(nextFreeExtension(twoRanges, () => false)).toBe(1000);
  });

  it('skips taken numbers', () => {
    const taken = new Set([1000, 1001, 1003]);
    expect(nextFreeExtension(twoRanges, (n) => taken.has(n))).toBe(1002);
  });

  it('moves to the next range across the gap when the first is full', () => {
    expect(nextFreeExtension(twoRanges, (n) => n < 2000)).toBe(5000);
  });

  it('never offers a number in the gap between ranges', () => {
    const asked: number[] = [];
    nextFreeExtension(twoRanges, (n) => {
      asked.push(n);
      return n < 5001;
    });
    expect(asked.some((n) => n >= 2000 && n < 5000)).toBe(false);
    expect(asked.at(-1)).toBe(5001);
  });

  it('is null when every range is full', () => {
    expect(nextFreeExtension(twoRanges, () => true)).toBeNull();
  });

  it('is null with no ranges', () => {
    expect(nextFreeExtension([], () => false)).toBeNull();
  });

  it('handles a single-number range', () => {
    expect(nextFreeExtension([{ from: 42, to: 42 }], () => false)).toBe(42);
    expect(nextFreeExtension([{ from: 42, to: 42 }], (n) => n === 42)).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const ranges = [...twoRanges];
    nextFreeExtension(ranges, () => false);
    expect(ranges).toEqual(twoRanges);
  });
});

describe('parseExtensionNumber', () => {
  it.each([
    ['1000', 1000],
    ['1999', 1999],
    ['5042', 5042],
    [' 1234 ', 1234],
  ])('accepts %j', (raw, number) => {
    expect(parseExtensionNumber(raw, twoRanges)).toEqual({ ok: true, number });
  });

  it.each(['', '   '])('requires a number (%j)', (raw) => {
    expect(parseExtensionNumber(raw, twoRanges)).toEqual({
      ok: false,
      issue: { field: 'extensionNumber', code: 'required', message: 'Extension Number is required' },
    });
  });

  it.each(['12a4', '1 234', '-1000', '1000.0', '1e3', '+1000', '１２３４'])('refuses %j: digits only', (raw) => {
    const result = parseExtensionNumber(raw, twoRanges);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('invalid_format');
    expect(result.issue.message).toBe('Extension Number can contain only digits');
  });

  it('accepts 2 and 9 digits and refuses 1 and 10 (no ranges configured)', () => {
    expect(parseExtensionNumber('12', [])).toEqual({ ok: true, number: 12 });
    expect(parseExtensionNumber('123456789', [])).toEqual({ ok: true, number: 123456789 });
    for (const raw of ['7', '1234567890']) {
      const result = parseExtensionNumber(raw, []);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.issue.code).toBe('invalid_format');
      expect(result.issue.message).toBe('Extension Number must have 2 to 9 digits');
    }
  });

  it('refuses a leading zero, which a stored number would lose', () => {
    const result = parseExtensionNumber('0123', []);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.message).toBe('Extension Number cannot start with 0');
  });

  it.each(['999', '2000', '4999', '5100'])('refuses %s outside the ranges, naming them in order', (raw) => {
    expect(parseExtensionNumber(raw, twoRanges)).toEqual({
      ok: false,
      issue: {
        field: 'extensionNumber',
        code: 'extension_out_of_range',
        message: 'Extension Number must be within 1000–1999 or 5000–5099',
      },
    });
  });
});

describe('describeRanges', () => {
  it('reads naturally for one, two and three ranges', () => {
    expect(describeRanges([{ from: 1000, to: 1999 }])).toBe('1000–1999');
    expect(describeRanges(twoRanges)).toBe('1000–1999 or 5000–5099');
    expect(describeRanges([...twoRanges, { from: 3000, to: 3000 }])).toBe('1000–1999, 3000 or 5000–5099');
  });
});

describe('extensionTakenMessage', () => {
  it('names the number and the suggestion', () => {
    expect(extensionTakenMessage(1001, 1002)).toBe('Extension 1001 is already taken — try 1002');
  });

  it('offers nothing when there is no free number', () => {
    expect(extensionTakenMessage(1001)).toBe('Extension 1001 is already taken');
    expect(extensionTakenMessage(1001, null)).toBe('Extension 1001 is already taken');
  });
});

describe('extension numbers: edge cases of order and format', () => {
  it('a leading zero is a format problem, on the Extension Number field', () => {
    expect(parseExtensionNumber('0123', [])).toEqual({ ok: false, issue: { field: 'extensionNumber', code: 'invalid_format', message: 'Extension Number cannot start with 0' } });
  });

  it('describes no range plainly, and ranges with one start shortest first', () => {
    expect(describeRanges([])).toBe('no range');
    expect(describeRanges([{ from: 1000, to: 1999 }, { from: 1000, to: 1000 }])).toBe('1000 or 1000–1999');
  });

  it('reports ranges with the same start as overlapping, once', () => {
    expect(validateRanges([{ from: 1000, to: 1999 }, { from: 1000, to: 1000 }])).toEqual(['Ranges 1000–1000 and 1000–1999 overlap']);
  });
});

describe('typedExtensionNumber', () => {
  it('is the number as typed, trimmed, and empty when none was typed', () => {
    expect(typedExtensionNumber(' 1500 ')).toBe('1500');
    expect(typedExtensionNumber(1500)).toBe('1500');
    expect(typedExtensionNumber('   ')).toBe('');
    expect(typedExtensionNumber(null)).toBe('');
    expect(typedExtensionNumber(undefined)).toBe('');
  });
});
