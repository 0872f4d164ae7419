import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { jobs, requests } from '../schema/index.js';

export interface ReleasedClaims {
  /** Jobs of every kind: notifications, import rows, the sweep. */
  jobs: number;
  approvalMessages: number;
}

/**
 * Ends every claim on background work: jobs in flight (notifications among them), approval messages being posted
 * or refreshed. Only for a database that no other process can be using — the embedded PGlite folder
 * at start: every claim in it was made by a process that is gone (killed, or the machine lost power),
 * so its rows are taken again at once instead of when their lease runs out (2 minutes for an import row, 5
 * for a notification). Their work is fenced as always: a row committed done before the crash stays done.
 */
export async function releaseOrphanedClaims(db: Db): Promise<ReleasedClaims> {
  const releasedJobs = await db
    .update(jobs)
    .set({ leasedUntil: null })
    .where(and(eq(jobs.state, 'queued'), isNotNull(jobs.leasedUntil)))
    .returning({ id: jobs.id });
  // A refresh lease left with its pending mark would keep the next refreshes out for a minute; an
  // approval post claim (no message recorded yet) would keep the sweep from posting it for ten.
  const refreshes = await db.update(requests).set({ approvalRefreshUntil: null }).where(isNotNull(requests.approvalRefreshUntil)).returning({ id: requests.id });
  await db
    .update(requests)
    .set({ approvalChannel: null, approvalClaimedAt: null })
    .where(and(isNull(requests.approvalTs), isNotNull(requests.approvalClaimedAt)));
  return { jobs: releasedJobs.length, approvalMessages: refreshes.length };
}
