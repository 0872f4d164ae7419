import { isSupportedCountry, ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js';
import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

export type { CountryCode } from 'libphonenumber-js';
/** Finding numbers in free text (the new-hire post): phone.ts is the one door to libphonenumber-js. */
export { findPhoneNumbersInText } from 'libphonenumber-js';

/** The clone seed: "This field supports up to 15 digits" — also the E.164 maximum. */
export const PHONE_MAX_DIGITS = 15;

const FIELD = 'phone';
// What people put between digits: spaces, dashes of any kind, dots, slashes and brackets. Letters
// (vanity numbers, "ext") are refused rather than guessed at, because the default password is made of
// the digits as typed and must match what the person sees.
const ALLOWED = /^\+?[\d\s\p{Pd}.()/]+$/u;

export type PhoneResult = { ok: true; e164: string; digits: string } | { ok: false; issue: FieldIssue };

export function isCountryCode(s: string): s is CountryCode {
  return isSupportedCountry(s);
}

/**
 * Accepts any *possible* number for the operator's default country, or any international number
 * written with + or 00. "Possible" (right length) rather than "valid" (an assigned range), because the
 * seeds' own example, 555-555-1234, is not valid in the strict sense and must be accepted.
 */
export function parsePhone(raw: string, defaultCountry: CountryCode): PhoneResult {
  const text = raw.trim();
  if (text === '') return fail('required', 'Phone Number is required');
  if (!ALLOWED.test(text)) {
    return fail('phone_invalid', 'Phone Number can contain only digits, spaces, a leading + and the signs - . ( ) /');
  }
  const digits = text.replace(/\D/g, '');
  if (digits === '') return fail('phone_invalid', 'Phone Number must contain digits');
  // A leading 00 is the international prefix, the same as +, so it is not one of the number's digits.
  const counted = !text.startsWith('+') && digits.startsWith('00') ? digits.length - 2 : digits.length;
  if (counted > PHONE_MAX_DIGITS) {
    return fail('phone_too_long', `Phone Number can have at most ${PHONE_MAX_DIGITS} digits (this one has ${counted})`);
  }

  // The default country's own international prefix (011 in the US, 00 in most of the world) is
  // understood by libphonenumber; 00 typed where it is not that prefix is retried as +.
  const attempts = [text];
  if (!text.startsWith('+') && digits.startsWith('00')) attempts.push('+' + text.replace(/^\D*0\D*0/, ''));

  let firstProblem: FieldIssue | null = null;
  for (const attempt of attempts) {
    const result = tryParse(attempt, defaultCountry);
    if ('e164' in result) return { ok: true, e164: result.e164, digits };
    firstProblem ??= result;
  }
  return { ok: false, issue: firstProblem ?? issue(FIELD, 'phone_invalid', 'Phone Number is not a phone number') };
}

function tryParse(text: string, defaultCountry: CountryCode): { e164: string } | FieldIssue {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(text, defaultCountry);
  } catch (err) {
    if (err instanceof ParseError) return problemFor(err.message);
    throw err;
  }
  if (parsed.isPossible()) return { e164: parsed.number };
  return problemFor(validatePhoneNumberLength(text, defaultCountry) ?? 'INVALID_LENGTH');
}

function problemFor(reason: string): FieldIssue {
  switch (reason) {
    case 'TOO_SHORT':
      return issue(FIELD, 'phone_too_short', 'Phone Number is too short to be a phone number');
    case 'TOO_LONG':
      return issue(FIELD, 'phone_invalid', 'Phone Number has too many digits for its country');
    case 'INVALID_COUNTRY':
      return issue(FIELD, 'phone_invalid', 'Phone Number starts with an unknown country code');
    case 'INVALID_LENGTH':
      return issue(FIELD, 'phone_invalid', 'Phone Number does not have a possible length for its country');
    default:
      return issue(FIELD, 'phone_invalid', 'Phone Number is not a phone number');
  }
}

function fail(code: FieldIssue['code'], message: string): PhoneResult {
  return { ok: false, issue: issue(FIELD, code, message) };
}

/**
 * The digits of a stored E.164 number as it is usually typed at home: the national number, without
 * the country code (+1 555 555 1234 → 5555551234). A reactivated user's default password is built
 * from these, the typed form being long gone; an unparsable value gives all its digits.
 */
export function nationalDigits(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).nationalNumber;
  } catch {
    return e164.replace(/\D/g, '');
  }
}
