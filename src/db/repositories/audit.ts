import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditEvents } from '../schema/index.js';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: 'user' | 'extension' | 'request' | 'reference_data';
  entityId: string | number;
  /** What changed. Callers pass only non-secret fields: never a password, hash or device secret. */
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({ ...entry, entityId: String(entry.entityId), details: entry.details ?? {} });
}

export async function auditTrailOf(db: Db, entityType: AuditEntry['entityType'], entityId: string | number) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, String(entityId))))
    .orderBy(asc(auditEvents.id));
}
