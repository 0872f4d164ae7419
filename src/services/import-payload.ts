/**
 * The `import_batch` payload. Its schema lives in services/request-payload.ts beside the single user
 * request it is made of (a batch row is one), so that reading a stored payload of any kind needs no
 * import cycle; this module is where the import code takes it from.
 */
export {
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  importBatchPayload, importRowPayload, type ImportBatchPayload, type ImportRowPayload } from './request-payload.js';
