import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

/** An operator-defined block of extension numbers, both ends included. */
export interface ExtensionRange {
  from: number;
  to: number;
}

const FIELD = 'extensionNumber';
const MIN_DIGITS = 2;
/** Nine digits: the largest that always fits the database's integer column. */
const MAX_DIGITS = 9;
const SMALLEST = 10 ** (MIN_DIGITS - 1);
const LARGEST = 10 ** MAX_DIGITS - 1;

/** Problems with the operator's ranges, in words for the start-up log; empty when they are usable. */
export function validateRanges(ranges: readonly ExtensionRange[]): string[] {
  const problems: string[] = [];
  ranges.forEach((r, i) => {
    const name = `Range ${i + 1} (${r.from}–${r.to})`;
    for (const end of [r.from, r.to]) {
      if (!Number.isSafeInteger(end) || end < SMALLEST || end > LARGEST) {
        problems.push(`${name}: ${end} is not an extension number of ${MIN_DIGITS} to ${MAX_DIGITS} digits`);
      }
    }
    if (r.from > r.to) problems.push(`${name}: from must not be greater than to`);
  });
  const sorted = sortedRanges(ranges);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1];
    const current = sorted[i];
    if (before && current && current.from <= before.to) {
      problems.push(`Ranges ${before.from}–${before.to} and ${current.from}–${current.to} overlap`);
    }
  }
  return problems;
}

export function isInRanges(n: number, ranges: readonly ExtensionRange[]): boolean {
  return ranges.some((r) => n >= r.from && n <= r.to);
}

/** The lowest free number, ranges taken in order of their start whatever order the operator wrote them in. */
export function nextFreeExtension(ranges: readonly ExtensionRange[], isTaken: (n: number) => boolean): number | null {
  for (const r of sortedRanges(ranges)) {
    for (let n = r.from; n <= r.to; n++) {
      if (!isTaken(n)) return n;
    }
  }
  return null;
}

export type ExtensionNumberResult = { ok: true; number: number } | { ok: false; issue: FieldIssue };

/**
 * A typed extension number. Leading zeros are refused because the number is stored as a number and
 * 0123 would silently become 123. With no ranges configured any number of the right length is
 * accepted: the operator has not restricted them.
 */
export function parseExtensionNumber(raw: string, ranges: readonly ExtensionRange[]): ExtensionNumberResult {
  const text = raw.trim();
  if (text === '') return fail('required', 'Extension Number is required');
  if (!/^\d+$/.test(text)) return fail('invalid_format', 'Extension Number can contain only digits');
  if (text.length < MIN_DIGITS || text.length > MAX_DIGITS) {
    return fail('invalid_format', `Extension Number must have ${MIN_DIGITS} to ${MAX_DIGITS} digits`);
  }
  if (text.startsWith('0')) return fail('invalid_format', 'Extension Number cannot start with 0');
  const number = Number(text);
  if (ranges.length > 0 && !isInRanges(number, ranges)) {
    return fail('extension_out_of_range', `Extension Number must be within ${describeRanges(ranges)}`);
  }
  return { ok: true, number };
}

/** "1000–1999", "1000–1999 or 5000–5099", "1000–1999, 3000 or 5000–5099". */
export function describeRanges(ranges: readonly ExtensionRange[]): string {
  const parts = sortedRanges(ranges).map((r) => (r.from === r.to ? String(r.from) : `${r.from}–${r.to}`));
  const last = parts.pop();
  if (last === undefined) return 'no range';
  return parts.length === 0 ? last : `${parts.join(', ')} or ${last}`;
}

export function extensionTakenMessage(n: number, suggestion?: number | null): string {
  return suggestion === undefined || suggestion === null
    ? `Extension ${n} is already taken`
    : `Extension ${n} is already taken — try ${suggestion}`;
}

function sortedRanges(ranges: readonly ExtensionRange[]): ExtensionRange[] {
  return [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
}

function fail(code: FieldIssue['code'], message: string): ExtensionNumberResult {
  return { ok: false, issue: issue(FIELD, code, message) };
}

/**
 * The extension number as typed, trimmed; '' when none was typed, which means "draw the next free one"
 * (or, for a user, "no extension").
 */
export function typedExtensionNumber(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}
