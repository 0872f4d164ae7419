import { describe, it, expect } from 'vitest';
import { EMAIL_MAX_LENGTH, emailInUseMessage, emailKey, parseEmail } from '../../../src/domain/email.js';

describe('parseEmail', () => {
  it.each([undefined, null, '', '   ', '\t'])('treats %j as no email', (raw) => {
    expect(parseEmail(raw)).toEqual({ ok: true, email: null });
  });

  it.each(['jane.doe@example.com', 'a+tag@ex.co', 'j_doe-2@mail.example.org', 'Jane.Doe@Example.COM'])('accepts %s as typed', (e) => {
    expect(parseEmail(e)).toEqual({ ok: true, email: e });
  });

  it('trims surrounding spaces', () => {
    expect(parseEmail('  jane.doe@example.com \n')).toEqual({ ok: true, email: 'jane.doe@example.com' });
  });

  it.each(['jane', 'jane@', '@example.com', 'jane@example', 'jane doe@example.com', 'jane@@example.com', 'jane@example..com', 'a@b.c'])(
    'refuses %j',
    (e) => {
      const result = parseEmail(e);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issue).toEqual({ field: 'email', code: 'invalid_format', message: 'Email must be an address like name@example.com' });
    },
  );

  it('accepts an address of exactly 254 characters and refuses 255', () => {
    expect(EMAIL_MAX_LENGTH).toBe(254);
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(at254).toHaveLength(254);
    expect(parseEmail(at254)).toEqual({ ok: true, email: at254 });

    const at255 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
    const result = parseEmail(at255);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('too_long');
    expect(result.issue.message).toBe('Email can be at most 254 characters');
  });
});

describe('emailKey', () => {
  it('makes addresses that differ only in case the same key', () => {
    expect(emailKey('Jane.Doe@Example.COM')).toBe('jane.doe@example.com');
    expect(emailKey('JANE.DOE@EXAMPLE.COM')).toBe(emailKey('jane.doe@example.com'));
  });
});

describe('emailInUseMessage', () => {
  it('names the address', () => {
    expect(emailInUseMessage('jane.doe@example.com')).toBe('Email jane.doe@example.com is already used by another user');
  });
});
