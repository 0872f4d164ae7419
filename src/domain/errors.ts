/**
 * Coded errors for what a person did wrong. Each issue names the field it belongs to, so a modal can
 * show it on that field (`response_action: 'errors'`) and an API can return it as a 4xx body.
 * Unexpected failures are plain Errors and never reach the person as-is.
 */
export const ERROR_CODES = [
  'required',
  'too_long',
  'invalid_format',
  'username_taken',
  'email_in_use',
  'phone_invalid',
  'phone_too_short',
  'phone_too_long',
  'password_weak',
  'password_is_default',
  'password_contains_username',
  'extension_taken',
  'extension_assigned',
  'extension_out_of_range',
  'extension_required',
  'no_free_extension',
  'user_has_extension',
  'unknown_reference',
  'not_found',
  'already_deactivated',
  'not_allowed',
  'invalid_transition',
  /** A user change: a time that has passed, another change still open, a user changed since the form opened. */
  'in_the_past',
  'change_pending',
  'not_deactivated',
  'user_changed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** The input field the issue belongs to, e.g. `username`, `phone`, `extensionNumber`. */
  readonly field: string;
  readonly code: ErrorCode;
  /** Words a team lead understands, e.g. "Username jdoe is already taken — try jdoe2". */
  readonly message: string;
  /** A value that would work instead, when there is one (a free username, a free extension). */
  readonly suggestion?: string;
}

export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.issues = issues;
  }

  /** The first issue's code, for callers that only care whether one specific rule was broken. */
  get code(): ErrorCode {
    return this.issues[0]?.code ?? 'invalid_format';
  }
}

export function issue(field: string, code: ErrorCode, message: string, suggestion?: string): FieldIssue {
  return suggestion === undefined ? { field, code, message } : { field, code, message, suggestion };
}

/** Throws one field issue; for rules that stop at the first problem. */
export function reject(field: string, code: ErrorCode, message: string, suggestion?: string): never {
  throw new InvalidInput([issue(field, code, message, suggestion)]);
}

export function isInvalidInput(err: unknown): err is InvalidInput {
  return err instanceof InvalidInput;
}
