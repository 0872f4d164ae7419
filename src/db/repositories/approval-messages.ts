import { and, asc, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
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

/**
 * Asks for the approval message to be refreshed, and takes the refresher's lease (until `leaseUntil`)
 * when nobody holds a live one. Returns the lease, or undefined: another refresher holds it, and since
 * the request is now marked pending it renders once more before letting go. One statement: under the
 * row's lock, a free lease is taken (nothing left pending), a held one gets the pending mark.
 */
export async function requestApprovalRefresh(db: Db, requestId: string, at: Date, leaseUntil: Date): Promise<Date | undefined> {
  const free = or(isNull(requests.approvalRefreshUntil), lte(requests.approvalRefreshUntil, at));
  const rows = await db
    .update(requests)
    .set({
      approvalRefreshPending: sql`not (${free})`,
      approvalRefreshUntil: sql`case when ${free} then ${leaseUntil.toISOString()}::timestamptz else ${requests.approvalRefreshUntil} end`,
    })
    .where(eq(requests.id, requestId))
    .returning({ pending: requests.approvalRefreshPending, lease: requests.approvalRefreshUntil });
  const row = rows[0];
  return row && !row.pending ? (row.lease ?? undefined) : undefined;
}

/**
 * After a refresher's chat.update: lets the lease go when no refresh was asked for meanwhile (returns
 * undefined), or keeps it, renewed to `renewUntil`, and clears the request (returns the new lease: render
 * again). A lease that ran out and was taken over is not ours any more: undefined. One statement.
 */
export async function finishApprovalRefresh(db: Db, requestId: string, lease: Date, renewUntil: Date): Promise<Date | undefined> {
  const rows = await db
    .update(requests)
    .set({
      approvalRefreshPending: false,
      approvalRefreshUntil: sql`case when ${requests.approvalRefreshPending} then ${renewUntil.toISOString()}::timestamptz end`,
    })
    .where(and(eq(requests.id, requestId), eq(requests.approvalRefreshUntil, lease)))
    .returning({ lease: requests.approvalRefreshUntil });
  return rows[0]?.lease ?? undefined;
}

/**
 * Requests whose approval message has a refresh asked for that nobody will make: the refresher that
 * held the lease died (its lease ran out before `at`), or its update failed and let the lease go. The
 * refreshes asked for meanwhile only marked the request, so without another refresh the message would
 * keep an old state for good (an import's last progress instead of "done").
 */
export async function requestsWithStaleRefresh(db: Db, at: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.approvalRefreshPending, true), or(isNull(requests.approvalRefreshUntil), lte(requests.approvalRefreshUntil, at))))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Lets a refresher's lease go whatever is pending (after a failed update), if it is still that lease. */
export async function dropApprovalRefresh(db: Db, requestId: string, lease: Date): Promise<void> {
  await db.update(requests).set({ approvalRefreshUntil: null }).where(and(eq(requests.id, requestId), eq(requests.approvalRefreshUntil, lease)));
}

/**
 * The right to show an import's progress now: at most one refresh per interval across instances. The
 * guarded UPDATE lets one caller through per `notBefore` window; the others skip their refresh.
 */
export async function claimProgressPost(db: Db, requestId: string, at: Date, notBefore: Date): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ progressPostedAt: at })
    .where(and(eq(requests.id, requestId), or(isNull(requests.progressPostedAt), lte(requests.progressPostedAt, notBefore))))
    .returning({ id: requests.id });
  return rows.length === 1;
}
