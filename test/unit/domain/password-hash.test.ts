import { describe, it, expect, beforeAll } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../../src/domain/password-hash.js';

// Each hash costs about 0.3 s and 128 MB, so two are made once and shared.
describe('password hashing', () => {
  const password = 'Jd5555551234!!';
  let first = '';
  let second = '';

  beforeAll(async () => {
    first = await hashPassword(password);
    second = await hashPassword(password);
  });

  it('is self-describing: scrypt, N = 2^17, r = 8, p = 1, 16-byte salt, 64-byte key', () => {
    const parts = first.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(64);
  });

  it('never contains the password', () => {
    expect(first).not.toContain(password);
    expect(first).not.toContain('5555551234');
  });

  it('salts: two hashes of one password differ', () => {
    expect(second).not.toBe(first);
    expect(second.split('$')[4]).not.toBe(first.split('$')[4]);
  });

  it('verifies the right password against either hash', async () => {
    expect(await verifyPassword(password, first)).toBe(true);
    expect(await verifyPassword(password, second)).toBe(true);
  });

  it('refuses a wrong password, even one differing only in case or by a character', async () => {
    expect(await verifyPassword('jd5555551234!!', first)).toBe(false);
    expect(await verifyPassword('Jd5555551234!', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('refuses a hash whose key was altered', async () => {
    const parts = first.split('$');
    const key = Buffer.from(parts[5] ?? '', 'base64');
    key[0] = (key[0] ?? 0) ^ 1;
    parts[5] = key.toString('base64');
    expect(await verifyPassword(password, parts.join('$'))).toBe(false);
  });

  it('wants no rehash for a hash made today', () => {
    expect(needsRehash(first)).toBe(false);
  });
});

describe('verifyPassword on malformed encodings', () => {
  const salt = Buffer.alloc(16, 1).toString('base64');
  const key = Buffer.alloc(64, 2).toString('base64');

  it.each([
    ['empty', ''],
    ['plain text', 'Jd5555551234!!'],
    ['another algorithm', `bcrypt$17$8$1$${salt}$${key}`],
    ['too few parts', `scrypt$17$8$1$${salt}`],
    ['too many parts', `scrypt$17$8$1$${salt}$${key}$x`],
    ['non-numeric N', `scrypt$x$8$1$${salt}$${key}`],
    ['N of zero', `scrypt$0$8$1$${salt}$${key}`],
    ['a huge N that would exhaust memory', `scrypt$40$8$1$${salt}$${key}`],
    ['a huge r', `scrypt$17$999$1$${salt}$${key}`],
    ['an empty salt', `scrypt$17$8$1$$${key}`],
    ['a salt that is not base64', `scrypt$17$8$1$not*base64!$${key}`],
    ['an empty key', `scrypt$17$8$1$${salt}$`],
  ])('is false, not an exception, for %s', async (_name, encoded) => {
    await expect(verifyPassword('Jd5555551234!!', encoded)).resolves.toBe(false);
    expect(needsRehash(encoded)).toBe(true);
  });

  it('wants a rehash for weaker parameters than today', () => {
    expect(needsRehash(`scrypt$14$8$1$${salt}$${key}`)).toBe(true);
    expect(needsRehash(`scrypt$17$8$1$${salt}$${Buffer.alloc(32).toString('base64')}`)).toBe(true);
  });

  it('still verifies a hash made with other (older, cheaper) parameters', async () => {
    const { scryptSync } = await import('node:crypto');
    const saltBuf = Buffer.alloc(16, 7);
    const old = scryptSync('old password 1', saltBuf, 32, { N: 2 ** 10, r: 8, p: 1 });
    const encoded = `scrypt$10$8$1$${saltBuf.toString('base64')}$${old.toString('base64')}`;
    expect(await verifyPassword('old password 1', encoded)).toBe(true);
    expect(await verifyPassword('old password 2', encoded)).toBe(false);
  });
});
