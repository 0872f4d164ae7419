import type { RequestKind, RequestState } from '../domain/request-state.js';
import { requestsInState, requestsOfRequester, type RequestRow } from '../db/repositories/requests.js';
import type { ServiceDeps } from './context.js';
import { parseStoredPayload, type StoredPayload } from './request-payload.js';

export interface RequestRecord {
  id: string;
  kind: RequestKind;
  state: RequestState;
  requesterId: string;
  createdAt: Date;
  reason: string | null;
  /** null when the stored payload cannot be read: `unreadable` says where it fails. */
  payload: StoredPayload | null;
  unreadable?: string[];
}

function toRecord(row: RequestRow): RequestRecord {
  return { id: row.id, kind: row.kind, state: row.state, requesterId: row.requesterId, createdAt: row.createdAt, reason: row.reason, ...parseStoredPayload(row.kind, row.payload) };
}

export async function requestsOf(deps: Pick<ServiceDeps, 'db'>, requesterId: string, limit = 20): Promise<RequestRecord[]> {
  return (await requestsOfRequester(deps.db, requesterId, limit)).map(toRecord);
}

export async function pendingRequests(deps: Pick<ServiceDeps, 'db'>, limit = 50): Promise<RequestRecord[]> {
  return (await requestsInState(deps.db, 'pending', limit)).map(toRecord);
}
