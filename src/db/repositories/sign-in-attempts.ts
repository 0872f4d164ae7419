import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import type { AttemptScope } from '../../domain/sign-in-limits.js';
import { signInAttemptWindows } from '../schema/index.js';

/**
 * The sign-in attempt counters. Counting is one guarded UPSERT: insert the first attempt of a window,
 * or add one to a window that is still open and under its limit, or restart a window that has ended.
 * A window at its limit is left as it is (the guard), so concurrent attempts on any number of
 * instances can neither count past the limit unnoticed nor extend a window by trying again.
 * Times come from the caller's clock (the service's `now`), as for the lockout.
 */

function at(date: Date) {
  return sql`${date.toISOString()}::timestamptz`;
}

export type AttemptCount = { allowed: true; attempts: number } | { allowed: false; windowEndsAt: Date };

export async function countAttempt(db: Db, scope: AttemptScope, key: string, now: Date, limit: number, windowMs: number): Promise<AttemptCount> {
  const t = signInAttemptWindows;
  const ended = sql`${t.windowEndsAt} <= ${at(now)}`;
  const [row] = await db
    .insert(t)
    .values({ scope, key, attempts: 1, windowEndsAt: new Date(now.getTime() + windowMs) })
    .onConflictDoUpdate({
      target: [t.scope, t.key],
      set: {
        attempts: sql`case when ${ended} then 1 else ${t.attempts} + 1 end`,
        windowEndsAt: sql`case when ${ended} then excluded.window_ends_at else ${t.windowEndsAt} end`,
      },
      setWhere: sql`${ended} or ${t.attempts} < ${limit}`,
    })
    .returning({ attempts: t.attempts });
  if (row) return { allowed: true, attempts: row.attempts };
  // Refused by the guard: the window is full. Its end says when to come back.
  const [full] = await db.select({ windowEndsAt: t.windowEndsAt }).from(t).where(and(eq(t.scope, scope), eq(t.key, key)));
  return { allowed: false, windowEndsAt: full?.windowEndsAt ?? new Date(now.getTime() + windowMs) };
}

/** Forgets the window of one key (an approver's unlock clears the account's). */
export async function clearAttempts(db: Db, scope: AttemptScope, key: string): Promise<void> {
  await db.delete(signInAttemptWindows).where(and(eq(signInAttemptWindows.scope, scope), eq(signInAttemptWindows.key, key)));
}

/** Deletes windows that ended before `before`; they count for nothing. Returns how many. */
export async function forgetEndedAttemptWindows(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(signInAttemptWindows).where(sql`${signInAttemptWindows.windowEndsAt} < ${at(before)}`).returning({ key: signInAttemptWindows.key });
  return rows.length;
}
