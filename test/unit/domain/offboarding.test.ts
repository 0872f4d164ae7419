import { describe, expect, it } from 'vitest';
import { effectiveTimeIssue, isScheduledAfter, MAX_SCHEDULE_DAYS } from '../../../src/domain/offboarding.js';

const NOW = new Date('2026-12-02T09:00:00.000Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('an offboarding’s effective time', () => {
  it('"Now" (null) needs no check', () => {
    expect(effectiveTimeIssue('effectiveAt', null, NOW)).toBeNull();
  });

  it('refuses the present moment and anything before it on the field, as in the past', () => {
    for (const past of [at(0), at(-1), at(-DAY)]) {
      expect(effectiveTimeIssue('effectiveAt', past, NOW)).toEqual({
        field: 'effectiveAt',
        code: 'in_the_past',
        message: 'That time has already passed: pick a time ahead, or choose Now',
      });
    }
  });

  it('accepts a time one millisecond ahead and one exactly a year (366 days) ahead', () => {
    expect(MAX_SCHEDULE_DAYS).toBe(366);
    expect(effectiveTimeIssue('effectiveAt', at(1), NOW)).toBeNull();
    expect(effectiveTimeIssue('effectiveAt', at(366 * DAY), NOW)).toBeNull();
  });

  it('refuses a time past the year, naming the limit', () => {
    expect(effectiveTimeIssue('when', at(366 * DAY + 1), NOW)).toEqual({ field: 'when', code: 'invalid_format', message: 'Pick a time within 366 days' });
    expect(effectiveTimeIssue('when', at(3650 * DAY), NOW)?.code).toBe('invalid_format');
  });

  it('refuses an invalid date (a picker value that did not parse) instead of letting it through as "not in the past"', () => {
    expect(effectiveTimeIssue('when', new Date(Number.NaN), NOW)).toEqual({ field: 'when', code: 'invalid_format', message: 'Pick a date and time' });
  });
});

describe('whether an approved offboarding waits', () => {
  it('waits only for a time still ahead', () => {
    expect(isScheduledAfter(null, NOW)).toBe(false);
    expect(isScheduledAfter(at(0), NOW)).toBe(false);
    expect(isScheduledAfter(at(-1), NOW)).toBe(false);
    expect(isScheduledAfter(at(1), NOW)).toBe(true);
  });
});
