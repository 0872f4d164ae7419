import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { requests } from '../schema/index.js';

/**
 * Claims the right to post a request's approval message: exactly one caller (this instance or
 * another, now or in a later sweep) gets true, so a message is never posted twice.
 */
export async function claimApprovalMessage(db: Db, requestId: string, channel: string): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ approvalChannel: channel })
    .where(and(eq(requests.id, requestId), isNull(requests.approvalChannel)))
    .returning({ id: requests.id });
  return rows.length === 1;
}

export async function recordApprovalMessage(db: Db, requestId: string, channel: string, ts: string): Promise<void> {
  await db.update(requests).set({ approvalChannel: channel, approvalTs: ts }).where(eq(requests.id, requestId));
}

/** Gives a claim back after the post failed, so a later sweep tries again. */
export async function releaseApprovalMessage(db: Db, requestId: string): Promise<void> {
  await db.update(requests).set({ approvalChannel: null }).where(and(eq(requests.id, requestId), isNull(requests.approvalTs)));
}

/**
 * Pending requests whose message was never posted (Slack was down at submission). A claim left by an
 * instance that died mid-post is not retaken (the approvers' App Home still lists the request).
 */
export async function requestsMissingApprovalMessage(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.state, 'pending'), isNull(requests.approvalChannel)))
    .orderBy(asc(requests.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
