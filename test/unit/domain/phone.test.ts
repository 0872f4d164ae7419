import { describe, it, expect } from 'vitest';
import { PHONE_MAX_DIGITS, isCountryCode, nationalDigits, parsePhone } from '../../../src/domain/phone.js';

function ok(raw: string, country: Parameters<typeof parsePhone>[1] = 'US') {
  const result = parsePhone(raw, country);
  if (!result.ok) throw new Error(`expected ${raw} to be accepted, got ${result.issue.code}: ${result.issue.message}`);
  return result;
}

function refused(raw: string, country: Parameters<typeof parsePhone>[1] = 'US') {
  const result = parsePhone(raw, country);
  if (result.ok) throw new Error(`expected ${raw} to be refused, got ${result.e164}`);
  expect(result.issue.field).toBe('phone');
  return result.issue;
}

describe('parsePhone', () => {
  it('allows up to 15 digits', () => {
    expect(PHONE_MAX_DIGITS).toBe(15);
  });

  it("accepts the seed's 555-555-1234, which is possible but not strictly valid", () => {
    expect(ok('555-555-1234')).toEqual({ ok: true, e164: '+15555551234', digits: '5555551234' });
  });

  it.each([
    ['(555) 555-1234', '+15555551234', '5555551234'],
    ['555.555.1234', '+15555551234', '5555551234'],
    ['5555551234', '+15555551234', '5555551234'],
    ['1-555-555-1234', '+15555551234', '15555551234'],
    ['+1 555 555 1234', '+15555551234', '15555551234'],
    ['  555 555 1234  ', '+15555551234', '5555551234'],
    ['555–555–1234', '+15555551234', '5555551234'],
    ['555/555-1234', '+15555551234', '5555551234'],
  ])('normalises %j to %s, keeping the typed digits %s', (raw, e164, digits) => {
    expect(ok(raw)).toEqual({ ok: true, e164, digits });
  });

  it.each([
    ['+44 20 7946 0958', '+442079460958'],
    ['+33 1 23 45 67 89', '+33123456789'],
    ['+81 3-1234-5678', '+81312345678'],
    ['+49 30 901820', '+4930901820'],
    ['+61 2 9876 5432', '+61298765432'],
  ])('accepts the international number %s whatever the default country', (raw, e164) => {
    expect(ok(raw, 'US').e164).toBe(e164);
    expect(ok(raw, 'DE').e164).toBe(e164);
  });

  it('accepts 00 as the international prefix, even where the local one is different (US: 011)', () => {
    expect(ok('0044 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958', digits: '00442079460958' });
    expect(ok('0033 1 23 45 67 89', 'GB').e164).toBe('+33123456789');
  });

  it("understands the default country's own international prefix", () => {
    expect(ok('011 44 20 7946 0958', 'US').e164).toBe('+442079460958');
  });

  it('reads national numbers with the default country', () => {
    expect(ok('020 7946 0958', 'GB').e164).toBe('+442079460958');
    expect(ok('01 23 45 67 89', 'FR').e164).toBe('+33123456789');
  });

  it.each(['', '   '])('requires a phone number (%j)', (raw) => {
    expect(refused(raw)).toEqual({ field: 'phone', code: 'required', message: 'Phone Number is required' });
  });

  it('accepts exactly 15 digits', () => {
    // Germany allows national numbers of up to 13 digits after the country code 49.
    const result = ok('+49 1234 567 890 123');
    expect(result.digits).toHaveLength(15);
    expect(result.e164).toBe('+491234567890123');
  });

  it('refuses 16 digits, naming the limit and the count', () => {
    const issue = refused('+49 1234 567 890 1234');
    expect(issue.code).toBe('phone_too_long');
    expect(issue.message).toBe('Phone Number can have at most 15 digits (this one has 16)');
  });

  it('counts every digit typed, not the ones a parser would keep', () => {
    expect(refused('1234567890123456').code).toBe('phone_too_long');
    expect(refused('1 (234) 567-890-123-456-7').message).toContain('this one has 17');
  });

  it('does not count a leading 00, which stands for +', () => {
    expect(ok('0049 1234 567 890 123').e164).toBe('+491234567890123');
    expect(refused('0049 1234 567 890 1234').message).toContain('this one has 16');
  });

  it.each(['abc', 'call me', '555-CALL-NOW', '5555551234 ext 12', '555 555 1234 x12', '555#5551234', '+', '-()-'])(
    'refuses letters and nonsense: %j',
    (raw) => {
      expect(refused(raw).code).toBe('phone_invalid');
    },
  );

  it('refuses a + anywhere but the start', () => {
    expect(refused('555+5551234').code).toBe('phone_invalid');
    expect(refused('++1 555 555 1234').code).toBe('phone_invalid');
  });

  it.each(['1', '55', '555', '5555', '555-5555', '+1 555'])('refuses a number too short to dial: %j', (raw) => {
    const issue = refused(raw);
    expect(issue.code).toBe('phone_too_short');
    expect(issue.message).toMatch(/too short/);
  });

  it('refuses a number too long for its country though within 15 digits', () => {
    const issue = refused('555 555 1234 567');
    expect(issue.code).toBe('phone_invalid');
  });

  it('refuses an unknown country calling code', () => {
    const issue = refused('+999 123 4567');
    expect(issue.code).toBe('phone_invalid');
    expect(issue.message).toMatch(/country code/);
  });
});

describe('isCountryCode', () => {
  it.each(['US', 'GB', 'FR', 'JP', 'DE'])('knows %s', (c) => {
    expect(isCountryCode(c)).toBe(true);
  });

  it.each(['us', 'XX', 'USA', '', 'UK'])('refuses %j', (c) => {
    expect(isCountryCode(c)).toBe(false);
  });
});

describe('parsePhone: each refusal says what is wrong, with its code', () => {
  it.each([
    ['---', 'phone_invalid', 'Phone Number must contain digits'],
    ['( )', 'phone_invalid', 'Phone Number must contain digits'],
    ['+999 1234567', 'phone_invalid', 'Phone Number starts with an unknown country code'],
    ['1234567890123', 'phone_invalid', 'Phone Number has too many digits for its country'],
    ['+1 555 555 12345', 'phone_invalid', 'Phone Number has too many digits for its country'],
    ['+44 20', 'phone_too_short', 'Phone Number is too short to be a phone number'],
    ['5555', 'phone_too_short', 'Phone Number is too short to be a phone number'],
    // A + before 00 makes the zeros digits of the number, so they count towards the 15.
    ['+0044207946095812', 'phone_too_long', 'Phone Number can have at most 15 digits (this one has 16)'],
  ])('%s → %s', (text, code, message) => {
    expect(parsePhone(text, 'US')).toEqual({ ok: false, issue: { field: 'phone', code, message } });
  });

  it('strips only the two zeros of a 00 prefix, not a zero of the number after them', () => {
    expect(parsePhone('0020 2 1234 5678', 'US')).toEqual({ ok: true, e164: '+20212345678', digits: '0020212345678' });
  });
});

// A reactivated user's default password is built from these (the typed form is long gone).
describe('nationalDigits', () => {
  it('gives the national number of a stored E.164 number, without its country code', () => {
    expect(nationalDigits('+15555551234')).toBe('5555551234');
    expect(nationalDigits('+442079460958')).toBe('2079460958');
    expect(nationalDigits('+639171234567')).toBe('9171234567');
  });

  it('gives all the digits of a value that does not parse', () => {
    expect(nationalDigits('x1-2')).toBe('12');
    expect(nationalDigits('+999 12 34')).toBe('9991234');
  });
});
