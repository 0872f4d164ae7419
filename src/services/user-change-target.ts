import { issue, reject, type FieldIssue } from '../domain/errors.js';
import type { RequestKind } from '../domain/request-state.js';
import { findExtensionOfUser } from '../db/repositories/extensions.js';
import { findOpenChangeForUser } from '../db/repositories/requests.js';
import { findUserById, findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';

/** The user an offboarding or a reactivation names, as its modal shows it (never a secret). */
export interface ChangeTarget {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  /** users.version when read: the request is made against it. */
  version: number;
  status: UserRow['status'];
  extensionNumber: number | null;
}

export async function toChangeTarget(deps: Pick<ServiceDeps, 'db'>, user: UserRow): Promise<ChangeTarget> {
  const extension = await findExtensionOfUser(deps.db, user.id);
  return { id: user.id, username: user.username, firstName: user.firstName, lastName: user.lastName, version: user.version, status: user.status, extensionNumber: extension?.number ?? null };
}

export async function changeTargetByUsername(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<ChangeTarget> {
  const user = await findUserByUsername(deps.db, username.trim().replace(/^@/, ''));
  if (!user) reject('username', 'not_found', `There is no user ${username.trim()}`);
  return toChangeTarget(deps, user);
}

export async function changeTargetById(deps: Pick<ServiceDeps, 'db'>, id: number): Promise<ChangeTarget> {
  const user = await findUserById(deps.db, id);
  if (!user) reject('username', 'not_found', 'That user no longer exists');
  return toChangeTarget(deps, user);
}

const KIND_WORDS: Partial<Record<RequestKind, string>> = {
  deactivate_user: 'An offboarding',
  reactivate_user: 'A reactivation',
  edit_user: 'A change',
};

/**
 * One open change per user: the issue when one is pending or approved (a scheduled offboarding is
 * approved until it runs), or null. The database's partial unique index decides under a race.
 */
export async function openChangeIssue(deps: Pick<ServiceDeps, 'db'>, target: Pick<ChangeTarget, 'id' | 'username'>): Promise<FieldIssue | null> {
  const open = await findOpenChangeForUser(deps.db, target.id);
  if (!open) return null;
  return openChangeIssueFor(target.username, open.kind, open.state === 'approved' ? 'approved and scheduled' : 'waiting for approval');
}

export function openChangeIssueFor(username: string, kind: RequestKind | undefined, how = 'waiting for approval'): FieldIssue {
  const what = (kind && KIND_WORDS[kind]) ?? 'A change';
  return issue('username', 'change_pending', `${what} of ${username} is already ${how}: one change per user at a time`);
}

/** The same user, at the version the form was opened with: else someone changed them meanwhile. */
export function versionIssue(target: ChangeTarget, version: number): FieldIssue | null {
  if (target.version === version) return null;
  return issue('username', 'user_changed', `${target.username} was changed since this form was opened: open it again`);
}
