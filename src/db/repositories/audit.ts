import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditEvents } from '../schema/index.js';

export interface AuditEntry {
  actor: string;
  action: string;
  /** `directory`: the whole directory (an export), entityId `users`. */
  entityType: 'user' | 'extension' | 'request' | 'reference_data' | 'directory';
  entityId: string | number;
  /** What changed. Callers pass only non-secret fields: never a password, hash or device secret. */
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({ ...entry, entityId: String(entry.entityId), details: entry.details ?? {} });
}

/** Several audit rows in one multi-row INSERT, in their order (their IDs ascend with it). */
export async function recordAudits(db: Db, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditEvents).values(entries.map((entry) => ({ ...entry, entityId: String(entry.entityId), details: entry.details ?? {} })));
}

/**
 * Where a transaction's audit rows go: written at once (`recordAudit`), or gathered by the caller and
 * written together with recordAudits at the end of its transaction (an approval writes its four in one).
 */
export type AuditSink = AuditEntry[] | undefined;

export async function audit(db: Db, sink: AuditSink, entry: AuditEntry): Promise<void> {
  if (sink) sink.push(entry);
  else await recordAudit(db, entry);
}

export async function auditTrailOf(db: Db, entityType: AuditEntry['entityType'], entityId: string | number) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, String(entityId))))
    .orderBy(asc(auditEvents.id));
}
