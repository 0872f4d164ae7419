import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { users } from '../schema/index.js';
import type { UserRow } from './users.js';

/**
 * The sign-in counters. Each change is one UPDATE whose WHERE re-checks the lock, so concurrent
 * attempts (on one instance or many) can neither lose a failure nor slip past a lock set meanwhile.
 * Times come from the caller's clock (the service's `now`), never from the database's.
 */

/** `$1::timestamptz`, so a Date compares and computes the same on postgres.js and PGlite. */
function at(date: Date) {
  return sql`${date.toISOString()}::timestamptz`;
}

/** Not locked at `now`: never locked, or the lock has run out. */
function unlockedAt(now: Date) {
  return sql`(${users.lockedUntil} is null or ${users.lockedUntil} <= ${at(now)})`;
}

export interface FailureCount {
  failedSignIns: number;
  lockedUntil: Date | null;
}

/**
 * Counts one failed sign-in. A lock that has run out starts a new run of failures at 1; the failure
 * that reaches `maxFailures` sets `locked_until = now + lockMs`. Returns undefined when the account
 * is locked at `now` (nothing is counted: attempts against a lock neither count nor extend it).
 */
export async function recordFailedSignIn(db: Db, userId: number, now: Date, maxFailures: number, lockMs: number): Promise<FailureCount | undefined> {
  const lockExpired = sql`(${users.lockedUntil} is not null and ${users.lockedUntil} <= ${at(now)})`;
  const nextCount = sql`(case when ${lockExpired} then 1 else ${users.failedSignIns} + 1 end)`;
  const lockUntil = new Date(now.getTime() + lockMs);
  const [row] = await db
    .update(users)
    .set({
      failedSignIns: sql`${nextCount}`,
      lockedUntil: sql`(case when ${nextCount} >= ${maxFailures} then ${at(lockUntil)} when ${lockExpired} then null else ${users.lockedUntil} end)`,
    })
    .where(and(eq(users.id, userId), unlockedAt(now)))
    .returning({ failedSignIns: users.failedSignIns, lockedUntil: users.lockedUntil });
  return row;
}

/** A successful sign-in ends the run of failures. False when the account is locked at `now`. */
export async function recordSuccessfulSignIn(db: Db, userId: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ failedSignIns: 0, lockedUntil: null })
    .where(and(eq(users.id, userId), unlockedAt(now)))
    .returning({ id: users.id });
  return rows.length === 1;
}

/**
 * Replaces the password, only if it is still the one the caller verified (`expectedHash`) and the
 * account is not locked: two concurrent changes with the same one-time password cannot both win.
 */
export async function replacePassword(db: Db, userId: number, expectedHash: string, newHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ passwordHash: newHash, passwordOneTime: false, passwordExpiresAt: null, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null })
    .where(and(eq(users.id, userId), eq(users.passwordHash, expectedHash), eq(users.status, 'active'), unlockedAt(now)))
    .returning({ id: users.id });
  return rows.length === 1;
}

/** Ends a lockout and its run of failures; the password and everything else stay as they are. The user as they now are. */
export async function clearLockout(db: Db, userId: number): Promise<UserRow | undefined> {
  const [row] = await db.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, userId)).returning();
  return row;
}

/**
 * A reset of the user's sign-in, or a fresh one-time password sent with the welcome again: the current
 * password ends and the new one-time one (its hash) takes its place. Only while the user is active, so
 * a user deactivated meanwhile is left alone. A lockout is not touched: a reset ends it beside this
 * (services/lockout.ts).
 * The user's version stays: an edit waiting for approval is about other fields and still applies.
 */
export async function setOneTimePassword(
  db: Db,
  values: { userId: number; passwordHash: string; passwordOneTime: boolean; passwordExpiresAt: Date | null; onlyWhileOneTime?: boolean },
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({
      passwordHash: values.passwordHash,
      passwordOneTime: values.passwordOneTime,
      passwordExpiresAt: values.passwordExpiresAt,
    })
    .where(and(eq(users.id, values.userId), eq(users.status, 'active'), ...(values.onlyWhileOneTime ? [eq(users.passwordOneTime, true)] : [])))
    .returning();
  return row;
}
