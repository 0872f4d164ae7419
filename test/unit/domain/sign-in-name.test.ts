import { describe, it, expect } from 'vitest';
import { TENANT_SUFFIX_LENGTH, isTenantSuffix, parseSignInName, signInName } from '../../../src/domain/sign-in-name.js';

describe('isTenantSuffix', () => {
  it('is three characters', () => {
    expect(TENANT_SUFFIX_LENGTH).toBe(3);
  });

  it.each(['abc', 'ABC', 'a1z', '123', 'HcC'])('accepts %j', (s) => {
    expect(isTenantSuffix(s)).toBe(true);
  });

  it.each(['', 'ab', 'abcd', 'a-c', 'a c', ' abc', 'abc ', 'ab\n', 'äbc', 'ab_', 'a.c'])('refuses %j', (s) => {
    expect(isTenantSuffix(s)).toBe(false);
  });
});

describe('signInName', () => {
  it('joins username and suffix with @', () => {
    expect(signInName('jdoe', 'abc')).toBe('jdoe@abc');
    expect(signInName('j.doe-2', 'X9Z')).toBe('j.doe-2@X9Z');
  });

  it.each(['ab', 'abcd', '', 'a@c'])('throws for the suffix %j', (suffix) => {
    expect(() => signInName('jdoe', suffix)).toThrow(Error);
  });

  it.each(['', 'j doe', 'jdoe@x', ' jdoe', 'a'.repeat(21)])('throws for the username %j', (username) => {
    expect(() => signInName(username, 'abc')).toThrow(Error);
  });
});

describe('parseSignInName', () => {
  it('splits a sign-in name back into username and suffix', () => {
    expect(parseSignInName('jdoe@abc')).toEqual({ username: 'jdoe', suffix: 'abc' });
  });

  it('round-trips what signInName makes', () => {
    expect(parseSignInName(signInName('J.Doe_2', 'Q7r'))).toEqual({ username: 'J.Doe_2', suffix: 'Q7r' });
  });

  it('splits on the last @', () => {
    expect(parseSignInName('jane@example.com@abc')).toEqual({ username: 'jane@example.com', suffix: 'abc' });
  });

  it('ignores spaces around the whole name', () => {
    expect(parseSignInName('  jdoe@abc \n')).toEqual({ username: 'jdoe', suffix: 'abc' });
  });

  it.each(['jdoe', '@abc', 'jdoe@', 'jdoe@ab', 'jdoe@abcd', 'jane.doe@example.com', '', '@', 'jdoe@a c'])('is null for %j', (s) => {
    expect(parseSignInName(s)).toBeNull();
  });
});
