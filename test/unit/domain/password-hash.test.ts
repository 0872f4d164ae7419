import { describe, it, expect, beforeAll } from 'vitest';
import { scryptSync } from 'node:crypto';
import { hashPassword, needsRehash, SCRYPT_MAX_MEMORY, unmatchableHash, verifyPassword } from '../../../src/domain/password-hash.js';

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
    const saltBuf = Buffer.alloc(16, 7);
    const old = scryptSync('old password 1', saltBuf, 32, { N: 2 ** 10, r: 8, p: 1 });
    const encoded = `scrypt$10$8$1$${saltBuf.toString('base64')}$${old.toString('base64')}`;
    expect(await verifyPassword('old password 1', encoded)).toBe(true);
    expect(await verifyPassword('old password 2', encoded)).toBe(false);
  });
});

/**
 * Verification fails closed. Each case below is a stored row that verifies the RIGHT password against
 * a key really derived from it, so only the refusal under test stands between it and a `true`: the
 * check for an unreadable encoding, the bounds on the parameters, or the handling of scrypt's error.
 */
describe('verifyPassword fails closed', () => {
  const password = 'Jd5555551234!!';
  const salt = Buffer.alloc(16, 9);
  const encode = (log2N: number | string, r: number | string, p: number | string, key: Buffer, saltBuf = salt) =>
    `scrypt$${log2N}$${r}$${p}$${saltBuf.toString('base64')}$${key.toString('base64')}`;
  const derive = (log2N: number, r: number, keyLength = 32, saltBuf = salt) => scryptSync(password, saltBuf, keyLength, { N: 2 ** log2N, r, p: 1, maxmem: 2 ** 30 });

  it('verifies a well-formed cheap hash of the right password (so the refusals below are the parameters’ doing)', async () => {
    expect(await verifyPassword(password, encode(10, 8, 1, derive(10, 8)))).toBe(true);
  });

  it.each([
    ['a key of 1 byte: any of 256 passwords would match', 1],
    ['a key of 16 bytes', 16],
    ['a key of 65 bytes, longer than this module ever wrote', 65],
  ])('refuses the right password against a hash with the wrong key length: %s', async (_name, keyLength) => {
    expect(await verifyPassword(password, encode(10, 8, 1, derive(10, 8, keyLength)))).toBe(false);
  });

  it('refuses the right password against a salt shorter than 16 bytes', async () => {
    const short = Buffer.alloc(4, 9);
    expect(await verifyPassword(password, encode(10, 8, 1, derive(10, 8, 32, short), short))).toBe(false);
  });

  it.each([
    ['N written out (131072), not as its log2', '131072'],
    ['a fractional log2 N: N not a power of two', '10.5'],
    ['an exponent form', '1e1'],
    ['a negative log2 N', '-10'],
    ['a leading zero', '010'],
    ['log2 N below the floor (N = 2^4: a hash anyone could brute-force)', 4],
  ])('refuses the right password when N is wrong: %s', async (_name, log2N) => {
    const key = derive(typeof log2N === 'number' ? log2N : 10, 8);
    expect(await verifyPassword(password, encode(log2N, 8, 1, key))).toBe(false);
  });

  it.each([
    ['r = 0', 10, 0, 1],
    ['p = 0', 10, 8, 0],
    ['a huge r', 10, 999, 1],
    ['a huge p', 10, 8, 99],
  ])('refuses the right password with absurd sizes: %s', async (_name, log2N, r, p) => {
    expect(await verifyPassword(password, encode(log2N, r, p, derive(10, 8)))).toBe(false);
  });

  it('refuses, and does not throw, when scrypt itself refuses the parameters (more memory than SCRYPT_MAX_MEMORY)', async () => {
    // Within the encoding's bounds, but N = 2^20 with r = 32 asks scrypt for 4 GiB: it throws before allocating.
    expect(128 * 2 ** 20 * 32).toBeGreaterThan(SCRYPT_MAX_MEMORY);
    const encoded = encode(20, 32, 1, Buffer.alloc(64, 3));
    await expect(verifyPassword(password, encoded)).resolves.toBe(false);
    // Just past the budget (N = 2^18, r = 9: 288 MiB) is refused the same way, before any work.
    await expect(verifyPassword(password, encode(18, 9, 1, Buffer.alloc(64, 3)))).resolves.toBe(false);
  });

  it('still verifies a hash at the memory ceiling: twice today’s cost (N = 2^18, r = 8, 256 MiB and scrypt’s own 3 KiB)', async () => {
    // The key was derived once (scryptSync, maxmem 1 GiB) and is written down: deriving it here would cost another second.
    const key = Buffer.from('EV2AdaFuQxe2q3dE0VbMdKyJF2J2nwTv9n+oWGf0XU8=', 'base64');
    expect(await verifyPassword(password, encode(18, 8, 1, key))).toBe(true);
  });

  it('takes r up to 32 and p up to 16, and refuses one more, even for a key really derived with it', async () => {
    const derived = (r: number, p: number) => scryptSync(password, salt, 32, { N: 2 ** 10, r, p });
    expect(await verifyPassword(password, encode(10, 32, 1, derived(32, 1)))).toBe(true);
    expect(await verifyPassword(password, encode(10, 33, 1, derived(33, 1)))).toBe(false);
    expect(await verifyPassword(password, encode(10, 1, 16, derived(1, 16)))).toBe(true);
    expect(await verifyPassword(password, encode(10, 1, 17, derived(1, 17)))).toBe(false);
  });

  it('refuses, and does not throw, for corrupt stored text', async () => {
    const good = encode(10, 8, 1, derive(10, 8));
    for (const corrupt of [good.slice(0, -4), `${good}$`, `scrypt$${good}`, good.replaceAll('$', ':'), `x${good}`, '\u0000', 'null']) {
      await expect(verifyPassword(password, corrupt)).resolves.toBe(false);
    }
  });
});

describe('stored hashes: what is read, and what wants a rehash', () => {
  const cheap = (pw: string, log2N: number, r: number, p: number, salt = Buffer.alloc(16, 7)) =>
    ['scrypt', log2N, r, p, salt.toString('base64'), scryptSync(pw, salt, 64, { N: 2 ** log2N, r, p }).toString('base64')].join('$');

  it('wants a rehash when only r or only p differs from today’s', () => {
    // needsRehash reads the parameters only: a 64-byte key of zeros stands in for a real one.
    const today = ['scrypt', 17, 8, 1, Buffer.alloc(16, 7).toString('base64'), Buffer.alloc(64).toString('base64')].map(String);
    expect(needsRehash(['scrypt', 17, 4, 1, today[4], today[5]].join('$'))).toBe(true);
    expect(needsRehash(['scrypt', 17, 8, 2, today[4], today[5]].join('$'))).toBe(true);
    expect(needsRehash(today.join('$'))).toBe(false);
  });

  it('refuses a salt or key whose base64 does not read back as written (characters Buffer.from skips)', async () => {
    const good = cheap('right password', 10, 8, 1);
    expect(await verifyPassword('right password', good)).toBe(true);
    const parts = good.split('$');
    expect(await verifyPassword('right password', [...parts.slice(0, 4), `${parts[4]}!`, parts[5]].join('$'))).toBe(false);
    expect(await verifyPassword('right password', [...parts.slice(0, 5), `!${parts[5]}`].join('$'))).toBe(false);
    expect(await verifyPassword('right password', [...parts.slice(0, 4), '', parts[5]].join('$'))).toBe(false);
  });
});

// Sign-in verifies against it when there is no user's hash: the same encoding as a real hash makes
// verifying cost the same one scrypt, and nothing derived it, so no password matches.
describe('the unmatchable hash', () => {
  it('has exactly the shape and parameters of a real hash, so verifying against it costs the same', async () => {
    const dummy = unmatchableHash();
    const real = await hashPassword('Jd5555551234!!');
    const shape = (h: string) => h.split('$').map((part, i) => (i < 4 ? part : Buffer.from(part, 'base64').length));
    expect(shape(dummy)).toEqual(shape(real));
    expect(needsRehash(dummy)).toBe(false);
  });

  it('matches no password, and two are never alike', async () => {
    const dummy = unmatchableHash();
    expect(unmatchableHash()).not.toBe(dummy);
    for (const password of ['', 'Jd5555551234!!', dummy]) expect(await verifyPassword(password, dummy)).toBe(false);
  });
});
