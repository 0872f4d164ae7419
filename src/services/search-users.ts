import { z } from 'zod';
import { searchUsers as searchUserRows, type UserListRow } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import { parseInput } from './input.js';

export const SEARCH_PAGE_SIZE_MAX = 50;
/** At most this many sites (or departments) in one filter: `site:austin` may match several. */
export const FILTER_KEYS_MAX = 10;

export const searchUsersInput = z.object({
  text: z.string().max(200).optional(),
  /** Agents are the users with an agent ID; non-agents have none (the Users page's Agent ID column). */
  kind: z.enum(['all', 'agent', 'non_agent']).default('all'),
  siteKey: z.string().max(40).optional(),
  departmentKey: z.string().max(40).optional(),
  /** Any of these sites / departments (joined with siteKey / departmentKey). */
  siteKeys: z.array(z.string().max(40)).max(FILTER_KEYS_MAX).default([]),
  departmentKeys: z.array(z.string().max(40)).max(FILTER_KEYS_MAX).default([]),
  /** Deactivated users are left out unless asked for; `includeDeactivated` is the older way to say `all`. */
  status: z.enum(['active', 'deactivated', 'all']).optional(),
  includeDeactivated: z.boolean().default(false),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(SEARCH_PAGE_SIZE_MAX).default(20),
});
export type SearchUsersInput = z.input<typeof searchUsersInput>;

export interface SearchUsersResult {
  rows: UserListRow[];
  page: number;
  pageSize: number;
  /** Whether a next page exists; found by reading one row more, which is cheaper than counting. */
  hasMore: boolean;
}

export async function searchUsers(deps: Pick<ServiceDeps, 'db' | 'searchDb'>, raw: unknown): Promise<SearchUsersResult> {
  const input = parseInput(searchUsersInput, raw);
  // Postgres text cannot hold NUL, so no stored user can match it (and Postgres refuses it as a parameter).
  if (input.text?.includes('\u0000')) return { rows: [], page: input.page, pageSize: input.pageSize, hasMore: false };
  const rows = await searchUserRows(deps.searchDb ?? deps.db, {
    text: input.text,
    kind: input.kind,
    siteKeys: [...input.siteKeys, ...(input.siteKey ? [input.siteKey] : [])],
    departmentKeys: [...input.departmentKeys, ...(input.departmentKey ? [input.departmentKey] : [])],
    status: input.status ?? (input.includeDeactivated ? 'all' : 'active'),
    limit: input.pageSize + 1,
    offset: (input.page - 1) * input.pageSize,
  });
  return { rows: rows.slice(0, input.pageSize), page: input.page, pageSize: input.pageSize, hasMore: rows.length > input.pageSize };
}
