import { insertRequest } from '../../src/db/repositories/requests.js';
import type { Db } from '../../src/db/client.js';
import { importBatchPayload, type ImportBatchPayload, type ImportRowPayload } from '../../src/services/import-payload.js';
import { userRequestPayload } from '../../src/services/request-payload.js';

/**
 * An `import_batch` request as a submitted import stores it, until the CSV intake can make one: N
 * valid rows in the shape of single create/clone requests (services/import-payload.ts) — agents with
 * a new extension each, non-agents, and clones of `cloneFrom` — stored pending by the requester.
 * The approval message is then posted as for any request left without one (the sweep's
 * announceRequest: `bot.sweeper.runOnce()`).
 */
export interface BatchOptions {
  rows: number;
  /** Prefix of the usernames, unique per test: `<prefix>001`, `<prefix>002`, … */
  prefix: string;
  /** Every third row clones this user (when given). */
  cloneFrom?: string;
  /** The first new extension number; agents' numbers count up from it (default 1100). */
  firstExtension?: number;
  /** Every row an agent whose new extension's number is left empty, drawn when the row is carried out (as a file's `new`). */
  drawnExtensions?: boolean;
  fileName?: string;
}

export function importRows(options: BatchOptions): ImportRowPayload[] {
  const first = options.firstExtension ?? 1100;
  let extension = first;
  return Array.from({ length: options.rows }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    const username = `${options.prefix}${n}`;
    const person = { username, firstName: 'Row', lastName: `Number${n}`, phone: `555-555-${String(1000 + i).slice(-4)}`, email: `${username}@example.com`, passwordHash: null };
    if (options.cloneFrom && i % 3 === 2) {
      return { row: i + 2, kind: 'clone_user' as const, payload: userRequestPayload.parse({ ...person, sourceUsername: options.cloneFrom }) };
    }
    if (options.drawnExtensions) {
      return {
        row: i + 2,
        kind: 'create_user' as const,
        payload: userRequestPayload.parse({ ...person, userType: 'agent', newExtension: { deviceName: `${username} softphone`, deviceType: 'softphone', extensionNumber: null } }),
      };
    }
    if (i % 3 === 0) {
      const number = extension++;
      return {
        row: i + 2,
        kind: 'create_user' as const,
        payload: userRequestPayload.parse({ ...person, userType: 'agent', newExtension: { deviceName: `${username} softphone`, deviceType: 'softphone', extensionNumber: String(number) } }),
      };
    }
    return { row: i + 2, kind: 'create_user' as const, payload: userRequestPayload.parse(person) };
  });
}

/** Stores a pending import of `options.rows` rows; returns its ID and payload. */
export async function storeImportBatch(db: Db, requesterId: string, options: BatchOptions): Promise<{ id: string; payload: ImportBatchPayload }> {
  const payload = importBatchPayload.parse({ fileName: options.fileName ?? 'class.csv', rows: importRows(options), skippedRows: 0 });
  const row = await insertRequest(db, { kind: 'import_batch', payload, requesterId, createdAt: new Date() });
  return { id: row.id, payload };
}
