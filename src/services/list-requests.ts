import type { RequestKind, RequestState } from '../domain/request-state.js';
import { recentlyDecidedRequests, requestsInState, requestsOfRequester, type RequestRow } from '../db/repositories/requests.js';
import type { ServiceDeps } from './context.js';
import { parseStoredPayload, type StoredPayload } from './request-payload.js';

export interface RequestRecord {
  id: string;
  kind: RequestKind;
  state: RequestState;
  requesterId: string;
  createdAt: Date;
  reason: string | null;
  /** Who decided and when (null while undecided; `system` for an expiry). */
  approverId: string | null;
  decidedAt: Date | null;
  /** null when the stored payload cannot be read: `unreadable` says where it fails. */
  payload: StoredPayload | null;
  unreadable?: string[];
}

function toRecord(row: RequestRow): RequestRecord {
  return { id: row.id, kind: row.kind, state: row.state, requesterId: row.requesterId, createdAt: row.createdAt, reason: row.reason, approverId: row.approverId, decidedAt: row.decidedAt, ...parseStoredPayload(row.kind, row.payload) };
}

export async function requestsOf(deps: Pick<ServiceDeps, 'db'>, requesterId: string, limit = 20): Promise<RequestRecord[]> {
  return (await requestsOfRequester(deps.db, requesterId, limit)).map(toRecord);
}

export async function pendingRequests(deps: Pick<ServiceDeps, 'db'>, limit = 50): Promise<RequestRecord[]> {
  return (await requestsInState(deps.db, 'pending', limit)).map(toRecord);
}

/** The last decisions, for approvers' App Home: newest decision first. */
export async function recentDecisions(deps: Pick<ServiceDeps, 'db'>, limit = 10): Promise<RequestRecord[]> {
  return (await recentlyDecidedRequests(deps.db, limit)).map(toRecord);
}
