import { describe, it, expect } from 'vitest';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, NOTES_MAX_LENGTH, validateName, validateOptionalText } from '../../../src/domain/person.js';

describe('validateName', () => {
  it('has the limits 50, 500 and 2000', () => {
    expect([NAME_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, NOTES_MAX_LENGTH]).toEqual([50, 500, 2000]);
  });

  it.each([
    ['firstName', 'First Name'],
    ['lastName', 'Last Name'],
  ] as const)('requires the %s, in the words of the form', (field, label) => {
    for (const raw of ['', '   ', '\t']) {
      expect(validateName(field, raw)).toEqual({ ok: false, issue: { field, code: 'required', message: `${label} is required` } });
    }
  });

  it.each(['Jane', 'J', 'José', 'Núñez-García', "O'Brien", 'van der Berg', '王', 'Дмитрий', 'محمد', 'Nguyễn', 'Zoë', 'ศรี'])('accepts %j', (name) => {
    expect(validateName('firstName', name)).toEqual({ ok: true, value: name });
  });

  it('trims spaces', () => {
    expect(validateName('lastName', '  Doe ')).toEqual({ ok: true, value: 'Doe' });
  });

  it('stores a decomposed name composed (NFC)', () => {
    const result = validateName('firstName', 'Jose\u0301');
    expect(result).toEqual({ ok: true, value: 'José' });
    if (result.ok) expect(result.value).toHaveLength(4);
  });

  it('accepts exactly 50 characters and refuses 51', () => {
    expect(validateName('firstName', 'a'.repeat(50)).ok).toBe(true);
    expect(validateName('firstName', 'a'.repeat(51))).toEqual({
      ok: false,
      issue: { field: 'firstName', code: 'too_long', message: 'First Name can be at most 50 characters (this one has 51)' },
    });
  });

  it('counts characters as a person does, so 50 CJK or emoji characters fit', () => {
    expect(validateName('lastName', '𠀀'.repeat(50)).ok).toBe(true);
    expect(validateName('lastName', '𠀀'.repeat(51)).ok).toBe(false);
  });

  it.each(['Ja\u0000ne', 'Ja\nne', 'Ja\tne', 'Jane\u007f', 'Ja\u0085ne', 'Jane\u202Eeod', 'Jane\u2066x'])('refuses control characters in %j', (name) => {
    const result = validateName('lastName', name);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue).toEqual({ field: 'lastName', code: 'invalid_format', message: 'Last Name cannot contain control characters' });
  });

  it('keeps zero-width joiners, which some scripts need', () => {
    expect(validateName('firstName', 'क्\u200Dष').ok).toBe(true);
  });
});

describe('validateOptionalText', () => {
  it.each([undefined, null, '', '   ', '\n\t'])('treats %j as none', (raw) => {
    expect(validateOptionalText('description', raw, DESCRIPTION_MAX_LENGTH)).toEqual({ ok: true, value: null });
  });

  it('trims and keeps inner lines and tabs', () => {
    expect(validateOptionalText('notes', '  line one\n\tline two\r\n', NOTES_MAX_LENGTH)).toEqual({ ok: true, value: 'line one\n\tline two' });
  });

  it('accepts the maximum and refuses one more, naming the field by its label', () => {
    expect(validateOptionalText('description', 'x'.repeat(500), DESCRIPTION_MAX_LENGTH)).toEqual({ ok: true, value: 'x'.repeat(500) });
    expect(validateOptionalText('description', 'x'.repeat(501), DESCRIPTION_MAX_LENGTH)).toEqual({
      ok: false,
      issue: { field: 'description', code: 'too_long', message: 'Description can be at most 500 characters (this one has 501)' },
    });
    const notes = validateOptionalText('notes', 'x'.repeat(2001), NOTES_MAX_LENGTH);
    expect(notes.ok).toBe(false);
    if (!notes.ok) expect(notes.issue.message).toBe('Notes can be at most 2000 characters (this one has 2001)');
  });

  it('uses the field name when it has no label', () => {
    const result = validateOptionalText('comment', 'abc', 2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issue).toEqual({ field: 'comment', code: 'too_long', message: 'comment can be at most 2 characters (this one has 3)' });
  });

  it.each(['bad\u0000text', 'bell\u0007', 'esc\u001b[31m', 'rlo\u202Etxt'])('refuses control characters other than line breaks and tabs: %j', (raw) => {
    const result = validateOptionalText('notes', raw, NOTES_MAX_LENGTH);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issue.code).toBe('invalid_format');
  });
});
