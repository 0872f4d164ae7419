import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/**
 * Passwords are stored only as a slow salted scrypt hash (SPEC: N = 2^17). The encoding names its
 * parameters — `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` — so they can be raised later and old
 * hashes still verify (and `needsRehash` says when to upgrade one at the next successful sign-in).
 */
const LOG2_N = 17;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
const PREFIX = 'scrypt';

// The shape a stored encoding may have. Anything else is not a hash this module wrote, and fails.
const MIN_LOG2_N = 10;
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;
const MIN_SALT_BYTES = 16;
/** A shorter key would let a few wrong passwords in by chance (a 1-byte key: one in 256). */
const MIN_KEY_BYTES = 32;

/**
 * The memory one verification may take, enforced by scrypt itself (`maxmem`, checked before it
 * allocates): today's hash needs 128·N·r = 128 MiB, so a stored row can at most double that. A corrupt
 * or hostile row asking for more is refused by scrypt, and that refusal is a failed verification.
 */
export const SCRYPT_MAX_MEMORY = 2 * 128 * 2 ** LOG2_N * R + 64 * 1024;

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pw, salt, KEY_BYTES, LOG2_N, R, P);
  return [PREFIX, LOG2_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * A hash in today's encoding that no password matches: a random salt and a random key, not derived
 * from anything. Verifying against it costs the same one scrypt as against a stored hash (the cost
 * comes from the parameters in the encoding; no password derives to a random key but by a 2^-512
 * chance). Making it costs no scrypt, so sign-in needs nothing computed at start-up.
 */
export function unmatchableHash(): string {
  return [PREFIX, LOG2_N, R, P, randomBytes(SALT_BYTES).toString('base64'), randomBytes(KEY_BYTES).toString('base64')].join('$');
}

/**
 * False for a wrong password and for anything that is not a hash this module wrote: never throws, and
 * fails closed. Each refusal is its own early return (an unreadable encoding, an error from scrypt),
 * so none of them can fall through to the comparison.
 */
export async function verifyPassword(pw: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (parsed === null) return false;
  const key = await derive(pw, parsed.salt, parsed.hash.length, parsed.log2N, parsed.r, parsed.p).catch(() => null);
  if (key === null) return false;
  return timingSafeEqual(key, parsed.hash);
}

/** True when the hash was made with other parameters than today's (or cannot be read at all). */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  return parsed === null || parsed.log2N !== LOG2_N || parsed.r !== R || parsed.p !== P || parsed.hash.length !== KEY_BYTES;
}

interface Parsed {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(encoded: string): Parsed | null {
  const parts = encoded.split('$');
  if (parts.length !== 6) return null;
  const [prefix, n, r, p, salt, hash] = parts;
  if (prefix !== PREFIX) return null;
  const log2N = smallInt(n, MAX_LOG2_N);
  const rInt = smallInt(r, MAX_R);
  const pInt = smallInt(p, MAX_P);
  const saltBuf = base64(salt);
  const hashBuf = base64(hash);
  if (log2N === null || rInt === null || pInt === null || saltBuf === null || hashBuf === null) return null;
  if (log2N < MIN_LOG2_N || saltBuf.length < MIN_SALT_BYTES || hashBuf.length < MIN_KEY_BYTES || hashBuf.length > KEY_BYTES) return null;
  return { log2N, r: rInt, p: pInt, salt: saltBuf, hash: hashBuf };
}

function smallInt(s: string | undefined, max: number): number | null {
  if (s === undefined || !/^[1-9]\d{0,2}$/.test(s)) return null;
  const n = Number(s);
  return n <= max ? n : null;
}

// Buffer.from(…, 'base64') skips characters it does not know; the round trip refuses such text.
function base64(s: string | undefined): Buffer | null {
  if (s === undefined || s === '') return null;
  const buf = Buffer.from(s, 'base64');
  return buf.length > 0 && buf.toString('base64') === s ? buf : null;
}

function derive(pw: string, salt: Buffer, keyLength: number, log2N: number, r: number, p: number): Promise<Buffer> {
  // Node's default cap (32 MiB) would refuse N = 2^17; SCRYPT_MAX_MEMORY is this module's own.
  const options: ScryptOptions = { N: 2 ** log2N, r, p, maxmem: SCRYPT_MAX_MEMORY };
  return new Promise((resolve, reject) => {
    scrypt(pw.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
