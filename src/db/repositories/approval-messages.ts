import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { requests } from '../schema/index.js';

/**
 * A claim can be taken while nobody has posted the message, and either nobody holds a claim or the one
 * held is older than `staleBefore` (its process died mid-post), or predates the claim's timestamp column.
 */
const claimable = (staleBefore: Date) =>
  and(isNull(requests.approvalTs), or(isNull(requests.approvalChannel), isNull(requests.approvalClaimedAt), lt(requests.approvalClaimedAt, staleBefore)));

/**
 * Claims the right to post a request's approval message: one caller (this instance or another, now or
 * in a later sweep) gets the claim, stamped `at`, which fences what it records afterwards. A claim older
 * than `staleBefore` is taken again. Returns the claim's stamp, or undefined when someone else holds it.
 */
export async function claimApprovalMessage(db: Db, requestId: string, channel: string, at: Date, staleBefore: Date): Promise<Date | undefined> {
  const rows = await db
    .update(requests)
    .set({ approvalChannel: channel, approvalClaimedAt: at })
    .where(and(eq(requests.id, requestId), claimable(staleBefore)))
    .returning({ claimedAt: requests.approvalClaimedAt });
  return rows[0]?.claimedAt ?? undefined;
}

/**
 * Records where the message was posted, if the claim is still this one. False: the claim timed out and
 * another caller took it over (it posts its own message), so this post is the one too many.
 */
export async function recordApprovalMessage(db: Db, requestId: string, claimedAt: Date, channel: string, ts: string): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ approvalChannel: channel, approvalTs: ts })
    .where(and(eq(requests.id, requestId), eq(requests.approvalClaimedAt, claimedAt), isNull(requests.approvalTs)))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** Gives a claim back after the post failed, so a later sweep tries again (unless another caller holds it now). */
export async function releaseApprovalMessage(db: Db, requestId: string, claimedAt: Date): Promise<void> {
  await db
    .update(requests)
    .set({ approvalChannel: null, approvalClaimedAt: null })
    .where(and(eq(requests.id, requestId), eq(requests.approvalClaimedAt, claimedAt), isNull(requests.approvalTs)));
}

/**
 * Pending requests whose message was never posted (Slack was down at submission), including those
 * whose claim is older than `staleBefore`: left by an instance that died mid-post.
 */
export async function requestsMissingApprovalMessage(db: Db, limit: number, staleBefore: Date): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.state, 'pending'), claimable(staleBefore)))
    .orderBy(asc(requests.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
