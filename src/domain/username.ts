import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

/** The clone seed: "The username must be unique and is limited to 20 characters." */
export const USERNAME_MAX_LENGTH = 20;

const ALLOWED = /^[A-Za-z0-9._-]+$/;
const NOT_ALLOWED = /[^a-z0-9._-]/g;
const FIELD = 'username';

export type UsernameResult = { ok: true; username: string } | { ok: false; issue: FieldIssue };

export function validateUsername(raw: string): UsernameResult {
  const username = raw.trim();
  if (username === '') return { ok: false, issue: issue(FIELD, 'required', 'Username is required') };
  // Counted in code points so the number in the message matches what the person sees.
  const length = [...username].length;
  if (length > USERNAME_MAX_LENGTH) {
    return {
      ok: false,
      issue: issue(FIELD, 'too_long', `Username can be at most ${USERNAME_MAX_LENGTH} characters (this one has ${length})`),
    };
  }
  if (!ALLOWED.test(username)) {
    return {
      ok: false,
      issue: issue(FIELD, 'invalid_format', 'Username can contain only letters, digits, dots (.), underscores (_) and hyphens (-)'),
    };
  }
  return { ok: true, username };
}

/** Usernames are unique regardless of case: JDoe and jdoe would sign in as the same person. */
export function usernameKey(u: string): string {
  return u.toLowerCase();
}

// Letters that Unicode does not decompose into a base letter plus marks, so NFD alone would drop them.
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

function toUsernameChars(name: string): string {
  return name
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => TRANSLITERATIONS[c] ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(NOT_ALLOWED, '');
}

/**
 * The usual first-initial-plus-last-name username: Jane Doe → jdoe. Accents are dropped rather than the
 * whole letter (José Núñez-García → jnunez-garcia). Names in scripts with no Latin form leave nothing
 * usable, so the base falls back to `user` and the requester can type something better.
 */
export function usernameBaseFromName(first: string, last: string): string {
  const initial = toUsernameChars(first).replace(/[._-]/g, '').slice(0, 1);
  // Punctuation at either end of the last name or of the cut result reads like a typo in
  // `username@tenant`, so it goes; inside (Núñez-García) it stays.
  const surname = toUsernameChars(last).replace(/^[._-]+/, '');
  const base = (initial + surname).slice(0, USERNAME_MAX_LENGTH).replace(/^[._-]+|[._-]+$/g, '');
  return base === '' ? 'user' : base;
}

// A guard against a broken `isTaken` that never says a name is free; no real directory gets near it.
const MAX_SUGGESTION_ATTEMPTS = 100_000;

/**
 * The base itself when free, else base2, base3, …: the first free one, cut so the number still fits in
 * the 20 characters. `isTaken` receives the lower-case candidate because uniqueness ignores case.
 */
export function suggestUsername(base: string, isTaken: (candidateLowercase: string) => boolean): string {
  const root = base.slice(0, USERNAME_MAX_LENGTH) || 'user';
  if (!isTaken(usernameKey(root))) return root;
  for (let n = 2; n <= MAX_SUGGESTION_ATTEMPTS; n++) {
    const suffix = String(n);
    const candidate = root.slice(0, USERNAME_MAX_LENGTH - suffix.length) + suffix;
    if (!isTaken(usernameKey(candidate))) return candidate;
  }
  throw new Error(`no free username found for base "${root}" after ${MAX_SUGGESTION_ATTEMPTS} attempts`);
}

export function usernameTakenMessage(username: string, suggestion: string): string {
  return `Username ${username} is already taken — try ${suggestion}`;
}
