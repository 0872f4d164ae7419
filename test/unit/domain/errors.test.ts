import { describe, expect, it } from 'vitest';
import { ERROR_CODES, InvalidInput, isInvalidInput, issue, reject } from '../../../src/domain/errors.js';

describe('coded field errors', () => {
  it('an issue carries its field, code and message, and a suggestion only when there is one', () => {
    expect(issue('username', 'username_taken', 'taken', 'jdoe2')).toEqual({ field: 'username', code: 'username_taken', message: 'taken', suggestion: 'jdoe2' });
    const plain = issue('phone', 'phone_too_long', 'too long');
    expect(plain).toEqual({ field: 'phone', code: 'phone_too_long', message: 'too long' });
    expect(Object.hasOwn(plain, 'suggestion')).toBe(false);
  });

  it('InvalidInput keeps every issue, in order, and reports the first one’s code', () => {
    const issues = [issue('username', 'too_long', 'a'), issue('phone', 'phone_too_long', 'b')];
    const err = new InvalidInput(issues);
    expect(err.issues).toEqual(issues);
    expect(err.code).toBe('too_long');
    expect(err.name).toBe('InvalidInput');
    expect(err).toBeInstanceOf(Error);
    // The message names every field (for logs of what a person typed wrong; never a value).
    expect(err.message.split('; ').map((part) => part.split(':')[0])).toEqual(['username', 'phone']);
  });

  it('an InvalidInput without issues still has a code a caller can test', () => {
    expect(new InvalidInput([]).code).toBe('invalid_format');
  });

  it('reject throws one InvalidInput with that single issue', () => {
    let caught: unknown;
    try {
      reject('extensionNumber', 'extension_taken', 'taken', '1002');
    } catch (err) {
      caught = err;
    }
    expect(isInvalidInput(caught)).toBe(true);
    expect((caught as InvalidInput).issues).toEqual([{ field: 'extensionNumber', code: 'extension_taken', message: 'taken', suggestion: '1002' }]);
  });

  it('tells an InvalidInput from any other error', () => {
    expect(isInvalidInput(new InvalidInput([issue('email', 'email_in_use', 'x')]))).toBe(true);
    expect(isInvalidInput(new Error('boom'))).toBe(false);
    expect(isInvalidInput({ name: 'InvalidInput', issues: [] })).toBe(false);
    expect(isInvalidInput(undefined)).toBe(false);
  });

  it('has one code per rule, none repeated', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['required', 'username_taken', 'phone_too_long', 'extension_required', 'not_allowed']));
  });
});
