import { findExtensionById } from '../db/repositories/extensions.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { findUserById } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';

/** What a completed offboarding or reactivation did, in words, for its approval message. */
export async function lifecycleResult(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<string | null> {
  const user = request.resultUserId === null ? undefined : await findUserById(deps.db, request.resultUserId);
  if (!user) return null;
  if (request.kind === 'reactivate_user') return `User ${user.username} reactivated with a new one-time password; no extension (assign one with an edit)`;
  const freed = request.resultExtensionId === null ? undefined : await findExtensionById(deps.db, request.resultExtensionId);
  const extension = freed ? `extension ${freed.number} freed, its device secret rotated` : 'no extension to free';
  return `User ${user.username} deactivated: sign-in refused, ${extension}; username, collections and history kept`;
}
