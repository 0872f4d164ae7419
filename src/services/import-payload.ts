import { z } from 'zod';
import { userRequestPayload } from './request-payload.js';

/**
 * What an `import_batch` request stores: the valid rows of one CSV of new hires, each already in the
 * shape a single create or clone request stores (services/request-payload.ts), so a row is carried out
 * by the same rules as a request made in the modal. Rows that were refused at validation and left out
 * (the requester chose "Submit the N valid rows") are counted, never stored.
 */
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
