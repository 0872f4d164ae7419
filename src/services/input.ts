import type { z } from 'zod';
import { InvalidInput, issue, type FieldIssue } from '../domain/errors.js';

/**
 * Parses a use case's input at the boundary. Shape errors (a missing field, a number where text was
 * expected) become field issues like every rule error, so callers handle one kind of refusal.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => {
    const field = i.path.length > 0 ? i.path.map(String).join('.') : 'input';
    const missing = i.code === 'invalid_type' && valueAt(raw, i.path) === undefined;
    return issue(field, missing ? 'required' : 'invalid_format', missing ? `${field} is required` : i.message);
  });
  throw new InvalidInput(issues);
}

/** Throws the collected issues, if any: rules are checked together so a form shows every problem at once. */
export function throwIfAny(issues: readonly FieldIssue[]): void {
  if (issues.length > 0) throw new InvalidInput(issues);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
