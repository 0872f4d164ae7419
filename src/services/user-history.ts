import { z } from 'zod';
import { auditCount, auditPage, userCardRow } from '../db/repositories/user-details.js';
import type { ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import { readAuditDetails } from '../domain/audit-details.js';

export const HISTORY_PAGE_SIZE = 10;
export const HISTORY_PAGE_MAX = 10_000;

export const userHistoryInput = z.object({
  username: z.string().trim().min(1).max(254),
  page: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(1),
  pageSize: z.number().int().min(1).max(25).default(HISTORY_PAGE_SIZE),
});


export interface HistoryEntry {
  at: Date;
  /** A Slack user ID, `system`, or the sign-in channel's actor. */
  actor: string;
  action: string;
  /** The request the change came from (details.requestId), if any. */
  requestId: string | null;
  /** The other details that can be shown, as `key: value` pairs, in the order stored. */
  details: [key: string, value: string][];
}

export interface UserHistory {
  username: string;
  entries: HistoryEntry[];
  page: number;
  pageSize: number;
  total: number;
}

/** The user's audit entries, newest first, one page; undefined when there is no such user. */
export async function userHistory(deps: Pick<ServiceDeps, 'db'>, raw: unknown): Promise<UserHistory | undefined> {
  const input = parseInput(userHistoryInput, raw);
  if (input.username.includes('\u0000')) return undefined;
  const user = await userCardRow(deps.db, input.username.replace(/^@/, ''));
  if (!user) return undefined;
  const entityId = String(user.id);
  const [rows, total] = await Promise.all([
    auditPage(deps.db, 'user', entityId, input.pageSize, (input.page - 1) * input.pageSize),
    auditCount(deps.db, 'user', entityId),
  ]);
  return {
    username: user.username,
    page: input.page,
    pageSize: input.pageSize,
    total,
    entries: rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, ...readAuditDetails(r.details) })),
  };
}
