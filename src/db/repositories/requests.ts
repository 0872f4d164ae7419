import { and, asc, desc, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { RequestKind, RequestState } from '../../domain/request-state.js';
import { rowsOf, type Db } from '../client.js';
import { preparedPerHandle } from '../prepared.js';
import { auditEvents, requests } from '../schema/index.js';

export type RequestRow = typeof requests.$inferSelect;

export async function insertRequest(
  db: Db,
  values: {
    kind: RequestKind;
    payload: unknown;
    requesterId: string;
    createdAt: Date;
    targetUserId?: number | null;
    recoveryUserId?: number | null;
    targetExtensionId?: number | null;
    effectiveAt?: Date | null;
  },
): Promise<RequestRow> {
  const [row] = await db
    .insert(requests)
    .values({ ...values, updatedAt: values.createdAt })
    .returning();
  if (!row) throw new Error('insert into requests returned no row');
  return row;
}

/**
 * Stores a new pending request and its `request.submitted` audit row in one statement (the audit row
 * is written by a data-modifying WITH over the inserted row): one round trip, and atomic without a
 * BEGIN and COMMIT of its own. The unique indexes on open requests refuse a twin as insertRequest's
 * would. Returns the new request's ID.
 */
export async function insertRequestAudited(
  db: Db,
  values: { kind: RequestKind; payload: unknown; requesterId: string; createdAt: Date },
  audit: { actor: string; details: Record<string, unknown> },
): Promise<string> {
  const at = values.createdAt.toISOString();
  const result = await db.execute<{ id: string }>(sql`
    with created as (
      insert into ${requests} (${sql.identifier(requests.kind.name)}, ${sql.identifier(requests.payload.name)}, ${sql.identifier(requests.requesterId.name)}, ${sql.identifier(requests.createdAt.name)}, ${sql.identifier(requests.updatedAt.name)})
      values (${values.kind}, ${JSON.stringify(values.payload)}::jsonb, ${values.requesterId}, ${at}::timestamptz, ${at}::timestamptz)
      returning ${requests.id}
    ), audited as (
      insert into ${auditEvents} (${sql.identifier(auditEvents.actor.name)}, ${sql.identifier(auditEvents.action.name)}, ${sql.identifier(auditEvents.entityType.name)}, ${sql.identifier(auditEvents.entityId.name)}, ${sql.identifier(auditEvents.details.name)})
      select ${audit.actor}, 'request.submitted', 'request', created.id::text, ${JSON.stringify(audit.details)}::jsonb from created
    )
    select id from created`);
  const id = rowsOf<{ id: string }>(result)[0]?.id;
  if (!id) throw new Error('insert into requests returned no row');
  return id;
}

// Read for every approval message rendered (each post and refresh): built once per handle.
const requestById = preparedPerHandle((db) =>
  db
    .select()
    .from(requests)
    .where(eq(requests.id, sql.placeholder('id')))
    .prepare('request_by_id'),
);

export async function findRequestById(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await requestById(db).execute({ id });
  return row;
}

/** An open (pending or approved) request for this username, whatever its case. */
export async function findOpenRequestForUsername(db: Db, username: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(sql`${requests.state} in ('pending', 'approved')`, sql`lower(${requests.payload} ->> 'username') = lower(${username})`))
    .limit(1);
  return row;
}

/** The open (pending or approved) change of this user, if any: there is at most one (requests_open_change_per_user). */
export async function findOpenChangeForUser(db: Db, userId: number): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.targetUserId, userId), sql`${requests.state} in ('pending', 'approved')`))
    .limit(1);
  return row;
}

/** The open (pending or approved) change of this extension, if any: at most one (requests_open_change_per_extension). */
export async function findOpenChangeForExtension(db: Db, extensionId: number): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.targetExtensionId, extensionId), sql`${requests.state} in ('pending', 'approved')`))
    .limit(1);
  return row;
}

/** Approved requests whose effective time has come, earliest first (served by the requests_due index). */
export async function dueRequestIds(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.state, 'approved'), isNotNull(requests.effectiveAt), lte(requests.effectiveAt, now)))
    .orderBy(asc(requests.effectiveAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Like lockRequest, but a row another transaction holds is skipped (`FOR UPDATE SKIP LOCKED`):
 * undefined then. Two sweepers on two instances never wait on, nor both carry out, one request.
 */
export async function lockRequestUnlessBusy(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id)).for('update', { skipLocked: true });
  return row;
}

/** An open (pending or approved) `/provision extension` request for this number, if any. */
export async function findOpenRequestForExtensionNumber(db: Db, number: number): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.kind, 'create_extension'), sql`${requests.state} in ('pending', 'approved')`, sql`${requests.payload} ->> 'extensionNumber' = ${String(number)}`))
    .limit(1);
  return row;
}

export async function requestsOfRequester(db: Db, requesterId: string, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.requesterId, requesterId)).orderBy(desc(requests.createdAt)).limit(limit);
}

export async function requestsInState(db: Db, state: RequestState, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.state, state)).orderBy(desc(requests.createdAt)).limit(limit);
}

/** The most recently decided requests (approved, rejected, failed, expired), newest decision first. */
export async function recentlyDecidedRequests(db: Db, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(isNotNull(requests.decidedAt)).orderBy(desc(requests.decidedAt)).limit(limit);
}

/**
 * Reads the request and locks its row until the transaction ends (`SELECT … FOR UPDATE`): a second
 * approver, a double click or a Slack retry waits here, then reads the state the first one left.
 */
export async function lockRequest(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id)).for('update');
  return row;
}

export type RequestChanges = Partial<Pick<RequestRow, 'approverId' | 'decidedAt' | 'reason' | 'resultUserId' | 'resultExtensionId' | 'remindedAt'>>;

/**
 * Moves a request from one state to another, only if it is still in `from`: the condition is in the
 * UPDATE itself, so two deciders cannot both move it. Undefined when it was no longer in `from`.
 */
export async function moveRequest(db: Db, id: string, from: RequestState, to: RequestState, at: Date, changes: RequestChanges = {}): Promise<RequestRow | undefined> {
  const [row] = await db
    .update(requests)
    .set({ ...changes, state: to, updatedAt: at })
    .where(and(eq(requests.id, id), eq(requests.state, from)))
    .returning();
  return row;
}

/** Pending requests created at or before `createdBefore` become expired, each exactly once. */
export async function expirePendingRequests(db: Db, values: { createdBefore: Date; at: Date; reason: string }): Promise<RequestRow[]> {
  return db
    .update(requests)
    .set({ state: 'expired', decidedAt: values.at, updatedAt: values.at, reason: values.reason })
    .where(and(eq(requests.state, 'pending'), lte(requests.createdAt, values.createdBefore)))
    .returning();
}

/**
 * Marks as reminded the pending requests created at or before `createdBefore` that nobody was reminded
 * of since `remindedBefore`; returns them. Concurrent callers each get a disjoint set.
 */
export async function markPendingRequestsReminded(db: Db, values: { createdBefore: Date; remindedBefore: Date; at: Date }): Promise<RequestRow[]> {
  return db
    .update(requests)
    .set({ remindedAt: values.at })
    .where(
      and(
        eq(requests.state, 'pending'),
        lte(requests.createdAt, values.createdBefore),
        or(isNull(requests.remindedAt), lte(requests.remindedAt, values.remindedBefore)),
      ),
    )
    .returning();
}

/** The open (pending or approved) recovery of this user (a reset, a resend), if any: at most one (requests_open_recovery_per_user). */
export async function findOpenRecoveryForUser(db: Db, userId: number): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.recoveryUserId, userId), sql`${requests.state} in ('pending', 'approved')`))
    .limit(1);
  return row;
}
