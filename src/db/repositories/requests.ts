import { and, desc, eq, sql } from 'drizzle-orm';
import type { RequestKind, RequestState } from '../../domain/request-state.js';
import type { Db } from '../client.js';
import { requests } from '../schema/index.js';

export type RequestRow = typeof requests.$inferSelect;

export async function insertRequest(db: Db, values: { kind: RequestKind; payload: unknown; requesterId: string; createdAt: Date }): Promise<RequestRow> {
  const [row] = await db
    .insert(requests)
    .values({ ...values, updatedAt: values.createdAt })
    .returning();
  if (!row) throw new Error('insert into requests returned no row');
  return row;
}

export async function findRequestById(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
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

export async function requestsOfRequester(db: Db, requesterId: string, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.requesterId, requesterId)).orderBy(desc(requests.createdAt)).limit(limit);
}

export async function requestsInState(db: Db, state: RequestState, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.state, state)).orderBy(desc(requests.createdAt)).limit(limit);
}
