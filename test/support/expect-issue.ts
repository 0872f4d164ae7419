import { expect } from 'vitest';
import { InvalidInput, type ErrorCode, type FieldIssue } from '../../src/domain/errors.js';

/** Awaits a refusal and returns its issue for `field`, failing unless that field carries `code`. */
export async function expectIssue(promise: Promise<unknown>, field: string, code: ErrorCode): Promise<FieldIssue> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `expected a refusal on ${field}`).toBeInstanceOf(InvalidInput);
  const found = (error as InvalidInput).issues.find((i) => i.field === field);
  expect(found, `issues were ${JSON.stringify((error as InvalidInput).issues)}`).toBeDefined();
  expect(found?.code).toBe(code);
  return found!;
}
