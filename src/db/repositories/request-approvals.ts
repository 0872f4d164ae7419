import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { preparedPerHandle } from '../prepared.js';
import { requestApprovals } from '../schema/index.js';

export type RequestApprovalRow = typeof requestApprovals.$inferSelect;

/** Records one approver's approval; false when they had already approved (counted once). */
export async function recordRequestApproval(db: Db, requestId: string, approverId: string, at: Date): Promise<boolean> {
  const inserted = await db.insert(requestApprovals).values({ requestId, approverId, at }).onConflictDoNothing().returning({ approverId: requestApprovals.approverId });
  return inserted.length > 0;
}

// Read for every approval message rendered: built once per handle.
const approvalsByRequest = preparedPerHandle((db) =>
  db
    .select()
    .from(requestApprovals)
    .where(eq(requestApprovals.requestId, sql.placeholder('requestId')))
    .orderBy(asc(requestApprovals.at), asc(requestApprovals.approverId))
    .prepare('approvals_of_request'),
);

/** The approvals of a request, first first. */
export async function approvalsOfRequest(db: Db, requestId: string): Promise<RequestApprovalRow[]> {
  return approvalsByRequest(db).execute({ requestId });
}
