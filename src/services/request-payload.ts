import type { RequestKind } from '../domain/request-state.js';
import { z } from 'zod';
import { createExtensionInput } from './create-extension.js';
import { editRequestPayload, type EditRequestPayload } from './edit-payload.js';
import { extensionAssignmentSchema, isExtensionAssignmentKind, type ExtensionAssignmentPayload } from './extension-assignment-payload.js';
import { isLifecycleKind, lifecyclePayloadSchema, type LifecyclePayload } from './lifecycle-payload.js';
import { rotationPayload, type RotationPayload } from './rotation-payload.js';
import { recoveryPayload, type RecoveryPayload } from './recovery-payload.js';
import { userInfoFields } from './user-fields.js';
import { isRecoveryKind } from '../domain/request-state.js';

/**
 * What a request stores until an approver decides: the validated use-case input. A typed password is
 * never stored in clear: it is hashed at submission and only the hash travels with the request.
 */
const { password: _typedPassword, ...userFieldsWithoutPassword } = userInfoFields;

export const userRequestPayload = z.object({
  ...userFieldsWithoutPassword,
  /** Hash of the password typed in the form, when one was; otherwise the policy's one-time password is made at approval. */
  passwordHash: z.string().nullish(),
  /** Clone requests: whom the settings came from. */
  sourceUsername: z.string().optional(),
  /** Agent requests that set up their extension in the same flow: created on approval, then assigned. */
  newExtension: createExtensionInput.optional(),
});
export type UserRequestPayload = z.output<typeof userRequestPayload>;

export const extensionRequestPayload = createExtensionInput;
export type ExtensionRequestPayload = z.output<typeof extensionRequestPayload>;

/**
 * What an `import_batch` request stores: the valid rows of one CSV of new hires, each already in the
 * shape a single create or clone request stores (services/request-payload.ts), so a row is carried out
 * by the same rules as a request made in the modal. Rows that were refused at validation and left out
 * (the requester chose "Submit the N valid rows") are counted, never stored.
 */

/** The most rows and bytes one import file may have. */
export const IMPORT_MAX_ROWS = 1000;
export const IMPORT_MAX_BYTES = 1024 * 1024;

export const importRowPayload = z.object({
  /** The row's number in the file as a spreadsheet shows it (the header is row 1). */
  row: z.number().int().min(2),
  kind: z.enum(['create_user', 'clone_user']),
  payload: userRequestPayload,
});
export type ImportRowPayload = z.output<typeof importRowPayload>;

export const importBatchPayload = z.object({
  fileName: z.string().min(1).max(255),
  rows: z.array(importRowPayload).min(1).max(IMPORT_MAX_ROWS),
  /** Rows of the file refused at validation and left out by the requester's choice. */
  skippedRows: z.number().int().min(0).default(0),
});
export type ImportBatchPayload = z.output<typeof importBatchPayload>;

export type StoredPayload =
  | UserRequestPayload
  | ExtensionRequestPayload
  | EditRequestPayload
  | LifecyclePayload
  | ExtensionAssignmentPayload
  | RotationPayload
  | RecoveryPayload
  | ImportBatchPayload;

/**
 * A stored request's payload, read back through the schema of its kind. A row that no longer fits (edited
 * by hand, written by an older version) is `unreadable`, with where and how it fails (zod paths and codes,
 * never the values, which are the requester's data): the caller shows that one request as unreadable and
 * logs it, instead of failing the whole App Home or approval message.
 */
export function parseStoredPayload(kind: RequestKind, payload: unknown): { payload: StoredPayload; unreadable?: undefined } | { payload: null; unreadable: string[] } {
  const parsed = isExtensionAssignmentKind(kind)
    ? extensionAssignmentSchema(kind).safeParse(payload)
    : kind === 'rotate_device_secret'
      ? rotationPayload.safeParse(payload)
      : isRecoveryKind(kind)
        ? recoveryPayload.safeParse(payload)
        : isLifecycleKind(kind)
          ? lifecyclePayloadSchema(kind).safeParse(payload)
          : kind === 'edit_user'
            ? editRequestPayload.safeParse(payload)
            : kind === 'create_extension'
              ? extensionRequestPayload.safeParse(payload)
              : kind === 'import_batch'
                ? importBatchPayload.safeParse(payload)
                : userRequestPayload.safeParse(payload);
  if (parsed.success) return { payload: parsed.data };
  return { payload: null, unreadable: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(payload)'}: ${i.code}`) };
}
