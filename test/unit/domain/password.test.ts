import { describe, it, expect } from 'vitest';
import {
  DEFAULT_PASSWORD_TTL_HOURS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_POLICIES,
  checkNewPassword,
  defaultPassword,
  initialPassword,
  isOneTimePasswordExpired,
  oneTimePasswordExpiresAt,
  randomOneTimePassword,
} from '../../../src/domain/password.js';

describe('defaultPassword', () => {
  it('gives Jane Doe with 555-555-1234 the password Jd5555551234!!, word for word', () => {
    expect(defaultPassword('Jane', 'Doe', '555-555-1234')).toBe('Jd5555551234!!');
  });

  it('upper-cases the first initial and lower-cases the last whatever was typed', () => {
    expect(defaultPassword('jane', 'DOE', '555-555-1234')).toBe('Jd5555551234!!');
  });

  it('uses the digits exactly as typed, including a country code or 00', () => {
    expect(defaultPassword('Jane', 'Doe', '+1 (555) 555-1234')).toBe('Jd15555551234!!');
    expect(defaultPassword('Jane', 'Doe', '0044 20 7946 0958')).toBe('Jd00442079460958!!');
  });

  it('ignores spaces around the names', () => {
    expect(defaultPassword('  Jane', ' Doe ', '5555551234')).toBe('Jd5555551234!!');
  });

  it('keeps accented and non-Latin initials as letters of their own, not stripped to ASCII', () => {
    expect(defaultPassword('élodie', 'Łukasz', '0612345678')).toBe('Éł0612345678!!');
    expect(defaultPassword('Ольга', 'Иванова', '123456789')).toBe('Ои123456789!!');
  });

  it('takes one whole code point, not half a surrogate pair', () => {
    expect(defaultPassword('𝒜lice', 'Doe', '12345678')).toBe('𝒜d12345678!!');
  });

  it('treats a decomposed É (E + combining accent) as the initial É', () => {
    expect(defaultPassword('E\u0301lodie', 'Doe', '12345678')).toBe('Éd12345678!!');
  });

  it('keeps the full upper case of a letter that has no single upper-case form', () => {
    expect(defaultPassword('ßabine', 'Doe', '12345678')).toBe('SSd12345678!!');
  });

  it.each([
    ['', 'Doe', '555'],
    ['Jane', '  ', '555'],
    ['Jane', 'Doe', '---'],
  ])('refuses to make a password from %j %j %j', (first, last, phone) => {
    expect(() => defaultPassword(first, last, phone)).toThrow(Error);
  });
});

describe('randomOneTimePassword', () => {
  it('is at least 16 characters with upper, lower, digit and symbol, every time', () => {
    for (let i = 0; i < 200; i++) {
      const pw = randomOneTimePassword();
      expect(pw.length).toBeGreaterThanOrEqual(16);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[^A-Za-z0-9]/);
    }
  });

  it('avoids look-alike characters and the ones Slack formats or escapes', () => {
    for (let i = 0; i < 200; i++) expect(randomOneTimePassword()).not.toMatch(/[0O1lI*_~`&<>\s]/);
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 500 }, () => randomOneTimePassword()));
    expect(seen.size).toBe(500);
  });

  it('does not always put the guaranteed classes first', () => {
    const firsts = new Set(Array.from({ length: 200 }, () => /[A-Z]/.test(randomOneTimePassword().charAt(0))));
    expect(firsts).toEqual(new Set([true, false]));
  });
});

describe('one-time password expiry', () => {
  const now = new Date('2025-03-01T12:00:00Z');

  it('defaults to 72 hours', () => {
    expect(DEFAULT_PASSWORD_TTL_HOURS).toBe(72);
    expect(oneTimePasswordExpiresAt(now, DEFAULT_PASSWORD_TTL_HOURS).toISOString()).toBe('2025-03-04T12:00:00.000Z');
  });

  it('accepts other durations, including fractions of an hour', () => {
    expect(oneTimePasswordExpiresAt(now, 1).toISOString()).toBe('2025-03-01T13:00:00.000Z');
    expect(oneTimePasswordExpiresAt(now, 0.5).toISOString()).toBe('2025-03-01T12:30:00.000Z');
  });

  it('does not change the date it was given', () => {
    oneTimePasswordExpiresAt(now, 72);
    expect(now.toISOString()).toBe('2025-03-01T12:00:00.000Z');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a duration of %s hours', (ttl) => {
    expect(() => oneTimePasswordExpiresAt(now, ttl)).toThrow(RangeError);
  });

  it('is not expired a millisecond before, and is expired at and after the instant', () => {
    const expiresAt = oneTimePasswordExpiresAt(now, 72);
    expect(isOneTimePasswordExpired(expiresAt, new Date(expiresAt.getTime() - 1))).toBe(false);
    expect(isOneTimePasswordExpired(expiresAt, expiresAt)).toBe(true);
    expect(isOneTimePasswordExpired(expiresAt, new Date(expiresAt.getTime() + 1))).toBe(true);
  });

  it('never expires without an expiry', () => {
    expect(isOneTimePasswordExpired(null, new Date('2100-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('checkNewPassword', () => {
  const ctx = { username: 'jdoe', oneTimePassword: 'Jd5555551234!!' };

  it('has limits of 12 and 128', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
  });

  it('accepts a good password', () => {
    expect(checkNewPassword('correct horse battery', ctx)).toBeNull();
  });

  it('refuses 11 characters and accepts 12', () => {
    const issue = checkNewPassword('a'.repeat(11), ctx);
    expect(issue).toEqual({ field: 'newPassword', code: 'password_weak', message: 'New password must be at least 12 characters' });
    expect(checkNewPassword('a'.repeat(12), ctx)).toBeNull();
  });

  it('refuses the empty password', () => {
    expect(checkNewPassword('', ctx)?.code).toBe('password_weak');
  });

  it('accepts 128 characters and refuses 129', () => {
    expect(checkNewPassword('a'.repeat(128), ctx)).toBeNull();
    const issue = checkNewPassword('a'.repeat(129), ctx);
    expect(issue?.code).toBe('password_weak');
    expect(issue?.message).toBe('New password can be at most 128 characters');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkNewPassword('😀'.repeat(12), ctx)).toBeNull();
    expect(checkNewPassword('😀'.repeat(11), ctx)?.code).toBe('password_weak');
  });

  it('refuses the one-time password itself', () => {
    expect(checkNewPassword('Jd5555551234!!', ctx)).toEqual({
      field: 'newPassword',
      code: 'password_is_default',
      message: 'New password must be different from the one-time password',
    });
  });

  it('accepts a password that only differs from the one-time one in case', () => {
    expect(checkNewPassword('jd5555551234!!', ctx)).toBeNull();
  });

  it.each(['jdoe-is-my-name', 'my-JDOE-password', 'secretpassJDoe'])('refuses %j, which contains the username', (pw) => {
    expect(checkNewPassword(pw, ctx)).toEqual({
      field: 'newPassword',
      code: 'password_contains_username',
      message: 'New password must not contain your username',
    });
  });

  it('checks the username case-insensitively in both directions', () => {
    expect(checkNewPassword('xx-jdoe-xx-xx', { username: 'JDoe' })?.code).toBe('password_contains_username');
  });

  it('works without a one-time password', () => {
    expect(checkNewPassword('Jd5555551234!!', { username: 'jdoe' })).toBeNull();
  });

  it('does not treat an empty username as contained in every password', () => {
    expect(checkNewPassword('a perfectly fine one', { username: '' })).toBeNull();
  });
});

describe('initialPassword', () => {
  const jane = { firstName: 'Jane', lastName: 'Doe', phoneAsTyped: '555-555-1234' };

  it('knows the two policies', () => {
    expect(PASSWORD_POLICIES).toEqual(['default', 'random']);
  });

  it('uses the default password under the default policy, as a one-time password', () => {
    expect(initialPassword('default', jane)).toEqual({ password: 'Jd5555551234!!', kind: 'default', oneTime: true });
    expect(initialPassword('default', { ...jane, typedPassword: null })).toEqual({ password: 'Jd5555551234!!', kind: 'default', oneTime: true });
  });

  it('uses a random one-time password under the random policy', () => {
    const a = initialPassword('random', jane);
    const b = initialPassword('random', jane);
    expect(a.kind).toBe('random');
    expect(a.oneTime).toBe(true);
    expect(a.password).not.toBe('Jd5555551234!!');
    expect(a.password.length).toBeGreaterThanOrEqual(16);
    expect(a.password).not.toBe(b.password);
  });

  it.each(['default', 'random'] as const)('uses a typed password as is under the %s policy, still one-time', (policy) => {
    expect(initialPassword(policy, { ...jane, typedPassword: ' Typed pass 1 ' })).toEqual({
      password: ' Typed pass 1 ',
      kind: 'typed',
      oneTime: true,
    });
  });

  it('treats a typed password of only spaces as none', () => {
    expect(initialPassword('default', { ...jane, typedPassword: '   ' }).kind).toBe('default');
    expect(initialPassword('default', { ...jane, typedPassword: '' }).kind).toBe('default');
  });
});

describe('default password: inputs it cannot work from', () => {
  it.each([
    ['', 'Doe', '555-555-1234'],
    ['Jane', '   ', '555-555-1234'],
    ['Jane', 'Doe', '---'],
  ])('refuses (%j, %j, %j) as a programming error instead of making a weaker password', (first, last, phone) => {
    expect(() => defaultPassword(first, last, phone)).toThrow(/first name, a last name and a phone number/);
  });
});

describe('random one-time password: its alphabet and length', () => {
  it('is exactly 20 characters drawn only from the unambiguous alphabet, each class present', () => {
    for (let i = 0; i < 200; i++) {
      const pw = randomOneTimePassword();
      expect(pw).toHaveLength(20);
      expect(pw).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%+=?@]+$/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[2-9]/);
      expect(pw).toMatch(/[!#$%+=?@]/);
    }
  });

  it('does not keep the guaranteed classes in the first four places', () => {
    const firstFour = new Set<string>();
    for (let i = 0; i < 50; i++) firstFour.add(randomOneTimePassword().slice(0, 4).replace(/[A-Z]/g, 'U').replace(/[a-z]/g, 'l').replace(/[2-9]/g, 'd').replace(/[!#$%+=?@]/g, 's'));
    expect(firstFour.size).toBeGreaterThan(1);
  });
});

describe('new password: the username rule ignores case and surrounding spaces', () => {
  it('refuses a password containing the username written in another case, the username given with spaces', () => {
    expect(checkNewPassword('my-JDOE-is-long-enough', { username: ' jdoe ' })?.code).toBe('password_contains_username');
    expect(checkNewPassword('my-jdoe-is-long-enough', { username: 'JDoe' })?.code).toBe('password_contains_username');
  });
});
