import { z } from 'zod';
import { InvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { recoveryRoute } from '../domain/recovery.js';
import { RECOVERY_KINDS, type RecoveryKind } from '../domain/request-state.js';
import { recordAudit } from '../db/repositories/audit.js';
import { enqueueNotifications } from '../db/repositories/notifications.js';
import { findOpenRecoveryForUser, insertRequest, type RequestRow } from '../db/repositories/requests.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import type { Actor, ServiceDeps } from './context.js';
import { decide } from './decide-request.js';
import { parseInput } from './input.js';
import { recoveryPayload, type RecoveryPayload } from './recovery-payload.js';
import { recoveryUserIssue } from './recovery-target.js';
import { executePlan } from './request-execution.js';
import { planResend, resendIssue } from './resend-welcome.js';
import { planReset } from './reset-sign-in.js';
import type { SubmittedRequest } from './submit-request.js';

/**
 * Asking for a recovery of a user's access (issue 10, item 1): a reset of their sign-in or the welcome
 * sent again. RESET_NEEDS_APPROVAL decides the way (domain/recovery.ts): stored as pending for an
 * approver (the usual approval message, services/decide-request.ts carries it out), or, when it is off
 * and an approver asks, carried out at once: still a request row, moved pending → approved → completed
 * with its audit rows in the one transaction that makes the change, and no approval message (nobody is
 * left to decide; the requester is the approver of record). A refusal changes nothing, and is audited
 * on the user when there is one. One open recovery per user: requests_open_recovery_per_user.
 */
export const recoveryInput = z.object({
  kind: z.enum(RECOVERY_KINDS),
  username: z.string().min(1).max(254),
});

export interface RecoveryAsker {
  canRequest: boolean;
  isApprover: boolean;
}

export interface RecoveryOptions {
  /** RESET_NEEDS_APPROVAL. */
  needsApproval: boolean;
  /** The /account sign-in page, linked from what the user is sent (used when carried out at once). */
  accountUrl: string;
}

export type RecoveryResult =
  | { outcome: 'pending'; submitted: SubmittedRequest<RecoveryPayload> }
  | { outcome: 'completed'; request: RequestRow };

const KIND_WORDS: Readonly<Record<RecoveryKind, string>> = { reset_sign_in: 'A sign-in reset', resend_welcome: 'A resend of the welcome' };

export async function askRecovery(deps: ServiceDeps, actor: Actor, asker: RecoveryAsker, raw: unknown, options: RecoveryOptions): Promise<RecoveryResult> {
  const input = parseInput(recoveryInput, raw);
  const typed = input.username.trim().replace(/^@/, '');
  const user = await findUserByUsername(deps.db, typed);
  // Nobody to attach an audit row to: the caller logs it; nothing is stored.
  if (!user) reject('username', 'not_found', `There is no user ${typed}`);
  const route = recoveryRoute(options.needsApproval, asker);
  const refusal =
    route === 'not_allowed' ? notAllowed(input.kind, options.needsApproval) : (recoveryUserIssue(input.kind, user) ?? (input.kind === 'resend_welcome' ? resendIssue(deps, user) : null) ?? (await openRecoveryIssue(deps, user)));
  if (refusal) return refuse(deps, actor, input.kind, user, refusal);

  const payload = recoveryPayload.parse({ account: user.username, firstName: user.firstName, lastName: user.lastName });
  try {
    if (route === 'needs_approval') {
      const created = await deps.db.transaction(async (tx) => {
        const row = await insertRequest(tx, { kind: input.kind, payload, requesterId: actor.id, createdAt: deps.now(), recoveryUserId: user.id });
        await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: row.id, details: { kind: input.kind, userId: user.id, username: user.username } });
        return row;
      });
      return { outcome: 'pending', submitted: { id: created.id, kind: input.kind, payload } };
    }
    return { outcome: 'completed', request: await carryOutAtOnce(deps, actor, input.kind, user, payload, options) };
  } catch (err) {
    if (violatedUniqueConstraint(err) === 'requests_open_recovery_per_user') return refuse(deps, actor, input.kind, user, openIssueFor(user.username, undefined));
    if (err instanceof InvalidInput) return refuse(deps, actor, input.kind, user, ...err.issues);
    throw err;
  }
}

/**
 * An approver's recovery under RESET_NEEDS_APPROVAL=false: checked and hashed first (no lock held while
 * it computes), then one transaction stores the request, approves it, carries it out and completes it.
 */
async function carryOutAtOnce(deps: ServiceDeps, actor: Actor, kind: RecoveryKind, user: UserRow, payload: RecoveryPayload, options: RecoveryOptions): Promise<RequestRow> {
  const now = deps.now();
  const draft = { payload, recoveryUserId: user.id };
  const plan = kind === 'reset_sign_in' ? await planReset(deps, draft) : await planResend(deps, draft);
  return deps.db.transaction(async (tx) => {
    const created = await insertRequest(tx, { kind, payload, requesterId: actor.id, createdAt: now, recoveryUserId: user.id });
    await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind, userId: user.id, username: user.username, atOnce: true } });
    const approved = await decide(tx, actor, created, 'approved', now, { approverId: actor.id, decidedAt: now });
    const done = await executePlan(tx, actor, approved, plan, { now, tenantSuffix: deps.settings.tenantSuffix, accountUrl: options.accountUrl });
    const completed = await decide(tx, actor, approved, 'completed', now, { resultUserId: done.user?.id ?? null });
    await enqueueNotifications(tx, done.notifications);
    return completed;
  });
}

async function openRecoveryIssue(deps: Pick<ServiceDeps, 'db'>, user: UserRow): Promise<FieldIssue | null> {
  const open = await findOpenRecoveryForUser(deps.db, user.id);
  return open ? openIssueFor(user.username, open.kind === 'reset_sign_in' || open.kind === 'resend_welcome' ? open.kind : undefined) : null;
}

function openIssueFor(username: string, kind: RecoveryKind | undefined): FieldIssue {
  const what = kind ? KIND_WORDS[kind] : 'A sign-in reset or a resend of the welcome';
  return issue('username', 'change_pending', `${what} for ${username} is already waiting for approval: one at a time`);
}

function notAllowed(kind: RecoveryKind, needsApproval: boolean): FieldIssue {
  const what = kind === 'reset_sign_in' ? 'reset a sign-in' : 'send a welcome again';
  return needsApproval
    ? issue('username', 'not_allowed', `You are not on the list of people who can make provisioning requests, so you cannot ${what}`)
    : issue('username', 'not_allowed', `Only approvers can ${what} here (RESET_NEEDS_APPROVAL is off): ask a contact-center admin`);
}

/** A refusal: audited on the user (who asked, what, why), nothing else stored; thrown for the caller to tell. */
async function refuse(deps: ServiceDeps, actor: Actor, kind: RecoveryKind, user: UserRow, ...issues: FieldIssue[]): Promise<never> {
  await recordAudit(deps.db, { actor: actor.id, action: 'user.recovery_refused', entityType: 'user', entityId: user.id, details: { kind, username: user.username, codes: issues.map((i) => i.code), reason: issues.map((i) => i.message).join('; ') } });
  throw new InvalidInput(issues);
}
