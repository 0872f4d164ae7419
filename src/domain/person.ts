import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

export const NAME_MAX_LENGTH = 50;
export const DESCRIPTION_MAX_LENGTH = 500;
/** Notes are visible to other admins (HCC seed), so they get room for a paragraph or two, not a file. */
export const NOTES_MAX_LENGTH = 2000;

export type TextResult<T> = { ok: true; value: T } | { ok: false; issue: FieldIssue };

// The seeds' own labels, so a message reads like the form the person filled in.
const LABELS: Readonly<Record<string, string>> = {
  firstName: 'First Name',
  lastName: 'Last Name',
  description: 'Description',
  notes: 'Notes',
};

// Control characters, and the bidirectional overrides and isolates that can make a name display as
// something other than what is stored. Joiners (ZWJ, ZWNJ) stay: some scripts need them in names.
const NAME_FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
// Free text may span lines; other control characters have no business in it.
const TEXT_FORBIDDEN = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;

/**
 * A first or last name: required, any script, at most 50 characters (counted as the person counts
 * them, in code points). Stored in NFC so the same name typed on two keyboards is the same text.
 */
export function validateName(field: 'firstName' | 'lastName', raw: string): TextResult<string> {
  const value = raw.trim().normalize('NFC');
  const label = labelFor(field);
  if (value === '') return { ok: false, issue: issue(field, 'required', `${label} is required`) };
  const length = [...value].length;
  if (length > NAME_MAX_LENGTH) return tooLong(field, label, NAME_MAX_LENGTH, length);
  if (NAME_FORBIDDEN.test(value)) {
    return { ok: false, issue: issue(field, 'invalid_format', `${label} cannot contain control characters`) };
  }
  return { ok: true, value };
}

/** An optional free-text field (Description, Notes): blank means none. */
export function validateOptionalText(field: string, raw: string | undefined | null, max: number): TextResult<string | null> {
  const value = (raw ?? '').trim().normalize('NFC');
  if (value === '') return { ok: true, value: null };
  const label = labelFor(field);
  const length = [...value].length;
  if (length > max) return tooLong(field, label, max, length);
  if (TEXT_FORBIDDEN.test(value)) {
    return { ok: false, issue: issue(field, 'invalid_format', `${label} cannot contain control characters`) };
  }
  return { ok: true, value };
}

function labelFor(field: string): string {
  return LABELS[field] ?? field;
}

function tooLong(field: string, label: string, max: number, length: number): { ok: false; issue: FieldIssue } {
  return { ok: false, issue: issue(field, 'too_long', `${label} can be at most ${max} characters (this one has ${length})`) };
}
