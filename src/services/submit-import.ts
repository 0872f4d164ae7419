import { sql } from 'drizzle-orm';
import { InvalidInput, issue } from '../domain/errors.js';
import { recordAudit } from '../db/repositories/audit.js';
import { usernamesOfOpenRequests } from '../db/repositories/import-checks.js';
import { insertRequest } from '../db/repositories/requests.js';
import type { Actor, ServiceDeps } from './context.js';
import type { CheckedImport } from './check-import.js';
import { importBatchPayload, type ImportBatchPayload } from './import-payload.js';
import type { SubmittedRequest } from './submit-request.js';

/** Two imports stored at once take turns, so the second sees the first one's usernames. */
const IMPORT_SUBMIT_LOCK_ID = 7_240_611;

/**
 * The valid rows of a checked file become one `import_batch` request, pending until an approver
 * decides for the whole batch. Stored only when every row passed, or when the requester chose to
 * submit the valid rows (`leaveOutInvalid`); nothing is stored otherwise. Under a transaction lock the
 * usernames are checked once more against open requests: two submissions of one file (a double click,
 * two instances) store one batch, and the second is refused on the file.
 */
export async function submitImport(
  deps: ServiceDeps,
  actor: Actor,
  input: { fileName: string; checked: CheckedImport; leaveOutInvalid: boolean },
): Promise<SubmittedRequest<ImportBatchPayload>> {
  const { checked } = input;
  if (checked.valid.length === 0) throw new InvalidInput([issue('file', 'invalid_format', 'No row of this file can be imported')]);
  if (checked.invalidRows > 0 && !input.leaveOutInvalid) {
    throw new InvalidInput([issue('file', 'invalid_format', `${checked.invalidRows} of ${checked.totalRows} rows have problems: fix them, or submit the ${checked.valid.length} valid rows`)]);
  }
  const payload = importBatchPayload.parse({ fileName: input.fileName.slice(0, 255) || 'import.csv', rows: checked.valid, skippedRows: checked.invalidRows });
  const row = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_SUBMIT_LOCK_ID})`);
    const open = await usernamesOfOpenRequests(tx, payload.rows.map((r) => r.payload.username));
    if (open.size > 0) {
      const first = payload.rows.find((r) => open.has(r.payload.username.toLowerCase()));
      throw new InvalidInput([issue('file', 'username_taken', `A request for ${first?.payload.username ?? 'one of these users'} (row ${first?.row ?? '?'}) is already waiting for approval`)]);
    }
    const created = await insertRequest(tx, { kind: 'import_batch', payload, requesterId: actor.id, createdAt: deps.now() });
    await recordAudit(tx, {
      actor: actor.id,
      action: 'request.submitted',
      entityType: 'request',
      entityId: created.id,
      details: { kind: 'import_batch', fileName: payload.fileName, rows: payload.rows.length, skippedRows: payload.skippedRows },
    });
    return created;
  });
  return { id: row.id, kind: 'import_batch', payload };
}
