import { reject } from '../domain/errors.js';
import { approvalsNeeded, fourEyesClick } from '../domain/four-eyes.js';
import { isUserType, type UserType } from '../domain/user-types.js';
import { recordAudit } from '../db/repositories/audit.js';
import { approvalsOfRequest, recordRequestApproval } from '../db/repositories/request-approvals.js';
import { lockRequest, type RequestRow } from '../db/repositories/requests.js';
import { findUserById } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import type { Actor, ServiceDeps } from './context.js';

/**
 * The four-eyes step of an approval (TWO_APPROVALS_FOR), before the request is carried out. A request
 * that needs one approver passes at once. One that needs two: the requester may not approve it at all
 * (ALLOW_SELF_APPROVAL notwithstanding); the first approver's click is recorded, durably and under the
 * request's row lock, so two clicks at once — the same approver twice, or two approvers on two
 * instances — are counted in turn: the same approver counts once, and of two different ones exactly
 * one sees the second approval and carries the request out (the carry-out transaction's own lock and
 * state check make that one winner final).
 */
export type FourEyesStep =
  | { outcome: 'carry_out' }
  | { outcome: 'awaiting_second'; request: RequestRow; alreadyYours: boolean; approvers: readonly string[] }
  | { outcome: 'already_decided'; request: RequestRow }
  | { outcome: 'not_allowed'; reason: string };

export const FOUR_EYES_SELF_TEXT = 'You asked for this yourself, and it needs two other approvers';

export async function fourEyesStep(deps: ServiceDeps, actor: Actor, request: RequestRow): Promise<FourEyesStep> {
  const twoApprovalsFor = deps.settings.twoApprovalsFor ?? [];
  if (twoApprovalsFor.length === 0) return { outcome: 'carry_out' };
  const needed = approvalsNeeded(await userTypesInvolved(deps.db, request), twoApprovalsFor);
  if (needed === 1) return { outcome: 'carry_out' };
  if (request.requesterId === actor.id) return { outcome: 'not_allowed', reason: FOUR_EYES_SELF_TEXT };
  const now = deps.now();
  return deps.db.transaction(async (tx): Promise<FourEyesStep> => {
    const locked = await lockRequest(tx, request.id);
    if (!locked) return reject('requestId', 'not_found', 'There is no such request');
    if (locked.state !== 'pending') return { outcome: 'already_decided', request: locked };
    const before = (await approvalsOfRequest(tx, request.id)).map((a) => a.approverId).filter((id) => id !== locked.requesterId);
    const click = fourEyesClick({ needed, before, clicker: actor.id });
    if (click.step === 'carry_out') return { outcome: 'carry_out' };
    if (!click.alreadyYours) {
      await recordRequestApproval(tx, request.id, actor.id, now);
      await recordAudit(tx, { actor: actor.id, action: 'request.approval_recorded', entityType: 'request', entityId: request.id, details: { kind: locked.kind, approvals: click.approvers.length, needed } });
    }
    return { outcome: 'awaiting_second', request: locked, alreadyYours: click.alreadyYours, approvers: click.approvers };
  });
}

/** How many approvers a request needs (1 or 2), for the approval message. */
export async function approvalsNeededFor(deps: Pick<ServiceDeps, 'db'> & Partial<Pick<ServiceDeps, 'settings'>>, request: RequestRow): Promise<1 | 2> {
  const twoApprovalsFor = deps.settings?.twoApprovalsFor ?? [];
  if (twoApprovalsFor.length === 0) return 1;
  return approvalsNeeded(await userTypesInvolved(deps.db, request), twoApprovalsFor);
}

/**
 * The user types a request involves: the type it sets (a creation's `userType`, or a change's new type
 * when its payload carries one) and, for a change (`targetUserId`), the user's type as it is now; for
 * an extension's reassignment or unassignment, its holder's and recipient's types as they are now.
 */
async function userTypesInvolved(db: Db, request: RequestRow): Promise<UserType[]> {
  const types: UserType[] = [];
  // A creation carries `userType`; an edit carries the type it sets in `after.userType`.
  // An import batch involves the type of each of its rows.
  const payload = request.payload as { userType?: unknown; after?: { userType?: unknown }; rows?: unknown } | null;
  const rowTypes = Array.isArray(payload?.rows) ? payload.rows.map((r: { payload?: { userType?: unknown } } | null) => r?.payload?.userType) : [];
  for (const set of [payload?.userType, payload?.after?.userType, ...rowTypes]) {
    if (typeof set === 'string' && isUserType(set)) types.push(set);
  }
  // An extension moving between users changes both: its holder's and its recipient's types count too.
  const people = request.payload as { holder?: { userId?: unknown } | null; recipient?: { userId?: unknown } } | null;
  const ids = [request.targetUserId, ...(request.targetExtensionId === null ? [] : [people?.holder?.userId, people?.recipient?.userId])];
  for (const id of ids) {
    if (typeof id !== 'number') continue;
    const user = await findUserById(db, id);
    if (user) types.push(user.userType);
  }
  return types;
}
