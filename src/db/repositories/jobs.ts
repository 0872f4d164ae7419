import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { jobs } from '../schema/index.js';

export type JobRow = typeof jobs.$inferSelect;

export interface NewJob {
  readonly kind: string;
  /** Unique per unit of work: enqueueing the same one twice is a no-op. */
  readonly dedupeKey: string;
  readonly requestId?: string;
  /** What a notification is about (db/repositories/notifications.ts); none for other kinds. */
  readonly topic?: string;
  readonly payload: Record<string, unknown>;
  readonly runAfter?: Date;
}

/** The payload key marking a settled row whose secret was erased (a kind's `secretKey`, see finishJob). */
export const SECRET_ERASED_KEY = 'secretErased';

/** Queues jobs in the caller's transaction: they exist exactly when what asked for them is committed. Returns how many were new. */
export async function enqueueJobs(db: Db, items: readonly NewJob[]): Promise<number> {
  if (items.length === 0) return 0;
  let added = 0;
  // A few hundred rows per statement keep the parameter count far below the driver's limit.
  for (let i = 0; i < items.length; i += 500) {
    const inserted = await db
      .insert(jobs)
      .values(
        items.slice(i, i + 500).map((j) => ({ kind: j.kind, dedupeKey: j.dedupeKey, requestId: j.requestId ?? null, topic: j.topic ?? null, payload: j.payload, ...(j.runAfter ? { runAfter: j.runAfter } : {}) })),
      )
      .onConflictDoNothing({ target: jobs.dedupeKey })
      .returning({ id: jobs.id });
    added += inserted.length;
  }
  return added;
}

/**
 * Claims up to `batchSize` due jobs of the given kinds (one lane of the worker) in ONE statement (an
 * UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select), so two workers never claim the same row and the
 * claim commits at once. The claim leases each row for its kind's `leaseMs` and counts the attempt.
 * Oldest due first.
 */
export async function claimDueJobs(db: Db, options: { leaseMs: Readonly<Record<string, number>>; now: Date; batchSize: number }): Promise<JobRow[]> {
  const { now, batchSize } = options;
  const kinds = Object.keys(options.leaseMs);
  if (kinds.length === 0 || batchSize <= 0) return [];
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.state, 'queued'), inArray(jobs.kind, kinds), lte(jobs.runAfter, now), or(isNull(jobs.leasedUntil), lt(jobs.leasedUntil, now))))
    .orderBy(asc(jobs.runAfter))
    .limit(batchSize)
    .for('update', { skipLocked: true });
  const leases = Object.entries(options.leaseMs).map(([kind, ms]) => sql`when ${kind} then ${new Date(now.getTime() + ms).toISOString()}::timestamptz`);
  const rows = await db
    .update(jobs)
    .set({ leasedUntil: sql`case ${jobs.kind} ${sql.join(leases, sql` `)} end`, attempts: sql`${jobs.attempts} + 1` })
    .where(inArray(jobs.id, due))
    .returning();
  return rows.sort((a, b) => a.runAfter.getTime() - b.runAfter.getTime());
}

/** Still the claimer's: queued, with the lease its claim set (a worker whose lease ran out must not record over a newer attempt). */
function stillClaimed(job: JobRow) {
  return and(eq(jobs.id, job.id), eq(jobs.state, 'queued'), job.leasedUntil ? eq(jobs.leasedUntil, job.leasedUntil) : isNull(jobs.leasedUntil));
}

/**
 * Locks a claimed job inside the caller's transaction, if it is still the claimer's. The handler's
 * writes and `finishJob` then commit together: either the work and its done mark, or neither.
 */
export async function lockClaimedJob(tx: Db, job: JobRow): Promise<boolean> {
  const rows = await tx.select({ id: jobs.id }).from(jobs).where(stillClaimed(job)).for('update');
  return rows.length === 1;
}

/**
 * The payload without `secretKey`, marked SECRET_ERASED_KEY when it held one: a secret (a one-time
 * password) lives in the table only until its row settles. Sent again without it, such a row would
 * promise a password that is not there, so Retry delivery leaves a marked row alone.
 */
function erased(secretKey: string | undefined) {
  if (!secretKey) return {};
  return {
    payload: sql`(${jobs.payload} - ${secretKey}::text) || case when ${jobs.payload} ? ${secretKey}::text then jsonb_build_object(${SECRET_ERASED_KEY}::text, true) else '{}'::jsonb end`,
  };
}

export interface SettleOptions {
  /**
   * Only while the claim is still ours (the default). `false`: as long as the row is queued — the work
   * did happen (a notification was delivered) even if the lease ran out meanwhile.
   */
  fenced?: boolean;
  /** Erased from the payload as the row settles (see `erased`). */
  secretKey?: string | undefined;
}

/**
 * Marks a job done (with its result), in the caller's transaction. Returns the row as stored, or
 * undefined when it was not the claimer's any more (or, unfenced, no longer queued).
 */
export async function finishJob(db: Db, job: JobRow, result: Record<string, unknown> | null, at: Date, options: SettleOptions = {}): Promise<JobRow | undefined> {
  const [row] = await db
    .update(jobs)
    .set({ state: 'done', result, finishedAt: at, leasedUntil: null, lastError: null, ...erased(options.secretKey) })
    .where(options.fenced === false ? and(eq(jobs.id, job.id), eq(jobs.state, 'queued')) : stillClaimed(job))
    .returning();
  return row;
}

/**
 * A failed attempt: run again after `runAfter`, or dead (`runAfter` undefined, its secret erased),
 * while still the claimer's. Returns the row as stored, or undefined when another worker took it over.
 */
export async function failJob(db: Db, job: JobRow, outcome: { runAfter?: Date; lastError: string; at: Date; secretKey?: string | undefined }): Promise<JobRow | undefined> {
  const [row] = await db
    .update(jobs)
    .set(outcome.runAfter ? { runAfter: outcome.runAfter, leasedUntil: null, lastError: outcome.lastError } : { state: 'dead', leasedUntil: null, lastError: outcome.lastError, finishedAt: outcome.at, ...erased(outcome.secretKey) })
    .where(stillClaimed(job))
    .returning();
  return row;
}

/**
 * A recurring job's row: inserted once, whatever the number of instances (the dedupe key); when it
 * exists, made due by `dueBy` at the latest unless a run holds it now. An instance starting calls this,
 * so what fell due while no instance ran is done at once, even after a downtime shorter than the interval.
 */
export async function ensureRecurringJob(db: Db, job: { kind: string; dedupeKey: string; dueBy: Date }): Promise<void> {
  await db
    .insert(jobs)
    .values({ kind: job.kind, dedupeKey: job.dedupeKey, payload: {}, runAfter: job.dueBy })
    .onConflictDoUpdate({
      target: jobs.dedupeKey,
      set: { runAfter: sql`least(${jobs.runAfter}, ${job.dueBy.toISOString()}::timestamptz)` },
      setWhere: sql`${jobs.state} = 'queued' and (${jobs.leasedUntil} is null or ${jobs.leasedUntil} < ${job.dueBy.toISOString()}::timestamptz)`,
    });
}

/**
 * A recurring job's next run: the same row, queued again for `runAfter` with a fresh count of
 * attempts, while still the claimer's. False when another worker took it over.
 */
export async function rescheduleJob(db: Db, job: JobRow, runAfter: Date): Promise<boolean> {
  const rows = await db.update(jobs).set({ runAfter, attempts: 0, leasedUntil: null, lastError: null }).where(stillClaimed(job)).returning({ id: jobs.id });
  return rows.length === 1;
}

/** The jobs of one kind for one request, in the order they were queued (by dedupe key's row order for a batch). */
export function jobsOfRequest(db: Db, requestId: string, kind: string): Promise<JobRow[]> {
  return db.select().from(jobs).where(and(eq(jobs.requestId, requestId), eq(jobs.kind, kind))).orderBy(asc(jobs.createdAt), asc(jobs.dedupeKey));
}

export interface JobCounts {
  total: number;
  queued: number;
  done: number;
  dead: number;
}

/** How many jobs of a kind a request has, by state. */
export async function countJobsOfRequest(db: Db, requestId: string, kind: string): Promise<JobCounts> {
  const rows = await db
    .select({ state: jobs.state, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(eq(jobs.requestId, requestId), eq(jobs.kind, kind)))
    .groupBy(jobs.state);
  const counts: JobCounts = { total: 0, queued: 0, done: 0, dead: 0 };
  for (const r of rows) {
    counts[r.state] = Number(r.n);
    counts.total += Number(r.n);
  }
  return counts;
}

export interface BatchCounts {
  total: number;
  /** Done or dead: carried out, refused, or given up on. */
  finished: number;
  /** Refused (a done row whose result says failed) or dead. */
  failed: number;
}

/** How far a request's rows of `kind` are: one aggregate over the request's jobs (jobs_request index). */
export async function batchCounts(db: Db, requestId: string, kind: string): Promise<BatchCounts> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      finished: sql<number>`count(*) filter (where ${jobs.state} <> 'queued')::int`,
      failed: sql<number>`count(*) filter (where ${jobs.state} = 'dead' or (${jobs.state} = 'done' and ${jobs.result} ->> 'outcome' = 'failed'))::int`,
    })
    .from(jobs)
    .where(and(eq(jobs.requestId, requestId), eq(jobs.kind, kind)));
  return { total: Number(row?.total ?? 0), finished: Number(row?.finished ?? 0), failed: Number(row?.failed ?? 0) };
}
