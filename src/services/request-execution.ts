import { typedExtensionNumber } from '../domain/extension-number.js';
import { InvalidInput, isInvalidInput, reject, type FieldIssue } from '../domain/errors.js';
import { initialPassword, oneTimePasswordExpiresAt } from '../domain/password.js';
import { hashPassword } from '../domain/password-hash.js';
import type { AuditSink } from '../db/repositories/audit.js';
import type { ExtensionRow } from '../db/repositories/extensions.js';
import type { NewNotification } from '../db/repositories/notifications.js';
import type { RequestRow } from '../db/repositories/requests.js';
import type { UserRow } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { requesterOutcomeNotice } from '../notifications/requester-notices.js';
import { withCloneDefaults } from './clone-user.js';
import type { Actor, ServiceDeps } from './context.js';
import { extensionTakenError, prepareExtension, writeExtension, type PreparedExtension } from './create-extension.js';
import { explainUserConflict, prepareUser, writeUser, type InitialCredential, type PreparedUser } from './create-user.js';
import { executeEdit, explainEditConflict, planEdit, type EditPlan } from './edit-execution.js';
import { executeExtensionAssignment, explainAssignmentConflict, planExtensionAssignment, type ExtensionAssignmentPlan } from './extension-assignment.js';
import { isExtensionAssignmentKind } from './extension-assignment-payload.js';
import { parseInput } from './input.js';
import { welcomeOf } from './welcome.js';
import { completedExtensionFacts, completedUserFacts } from './request-notices.js';
import { executeDeactivation, planDeactivation, type DeactivationPlan } from './offboarding.js';
import { executeReactivation, planReactivation, type ReactivationPlan } from './reactivation.js';
import { executeRotation, planRotation, type RotationPlan } from './rotate-device-secret.js';
import { executeResend, planResend, type ResendPlan } from './resend-welcome.js';
import { executeReset, planReset, type ResetPlan } from './reset-sign-in.js';
import { extensionRequestPayload, userRequestPayload } from './request-payload.js';
import type { UserInfoInput } from './user-fields.js';

/**
 * Carrying out an approved request, in two halves: `planRequest` checks everything again and does the
 * slow work (the password hash) before any transaction; `executePlan` does only the writes, inside the
 * approval's transaction. The checks and writes are create-user's and create-extension's own.
 */
type NumberedExtension = PreparedExtension & { number: number };

interface NewExtensionPlan {
  prepared: NumberedExtension;
  /** The number was left empty in the request and drawn now: if someone takes it first, draw again. */
  drawn: boolean;
}

export type ExecutionPlan =
  | {
      kind: 'user';
      input: UserInfoInput;
      prepared: PreparedUser;
      credential: InitialCredential;
      /** Only under PASSWORD_POLICY=random: the one-time password in clear, for the new user's DM. */
      oneTimePassword?: string;
      newExtension?: NewExtensionPlan;
      audit: { action: string; details: Record<string, unknown> };
    }
  | { kind: 'extension'; newExtension: NewExtensionPlan }
  | EditPlan
  | DeactivationPlan
  | ReactivationPlan
  | ExtensionAssignmentPlan
  | RotationPlan
  | ResetPlan
  | ResendPlan;

export interface ExecutionResult {
  user?: UserRow;
  /** The extension created (or, for a user request naming an existing one, assigned), as it now is. */
  extension?: ExtensionRow;
  notifications: NewNotification[];
}

/**
 * Checks the request again against today's directory (the username or extension may have been taken
 * since it was submitted) and prepares its writes. Throws InvalidInput when it can no longer be done.
 */
export async function planRequest(deps: ServiceDeps, request: RequestRow): Promise<ExecutionPlan> {
  if (request.kind === 'edit_user') return planEdit(deps, request);
  if (request.kind === 'deactivate_user') return planDeactivation(deps, request);
  if (request.kind === 'reactivate_user') return planReactivation(deps, request);
  if (isExtensionAssignmentKind(request.kind)) return planExtensionAssignment(deps, request);
  if (request.kind === 'rotate_device_secret') return planRotation(deps, request);
  if (request.kind === 'reset_sign_in') return planReset(deps, request);
  if (request.kind === 'resend_welcome') return planResend(deps, request);
  if (request.kind === 'create_extension') {
    const payload = parseInput(extensionRequestPayload, request.payload);
    return { kind: 'extension', newExtension: await planExtension(deps, payload) };
  }

  const { passwordHash, sourceUsername, newExtension, ...fields } = parseInput(userRequestPayload, request.payload);
  let input: UserInfoInput = { ...fields, password: null };
  let audit = { action: 'user.created', details: { requestId: request.id, requestedBy: request.requesterId } as Record<string, unknown> };
  if (request.kind === 'clone_user') {
    if (!sourceUsername) reject('sourceUsername', 'required', 'The request does not say which user to clone');
    const { source, merged } = await withCloneDefaults(deps, { ...input, sourceUsername });
    input = merged;
    audit = { action: 'user.cloned', details: { ...audit.details, sourceUserId: source.id, sourceUsername: source.username } };
  }

  // The requester's rights were checked when the request was submitted (a cluster only a portal admin
  // may choose, for one); the approver re-checks the directory, not who asked.
  const checker: Actor = { id: request.requesterId, portalAdmin: true };
  const [extensionCheck, userCheck] = await Promise.allSettled([
    newExtension ? planExtension(deps, newExtension) : Promise.resolve(undefined),
    prepareUser(deps, checker, input, { extensionComesWithRequest: newExtension !== undefined }),
  ]);
  throwAll([extensionCheck, userCheck]);
  if (extensionCheck.status !== 'fulfilled' || userCheck.status !== 'fulfilled') throw new Error('checks passed without results');
  const prepared = userCheck.value;

  // The slow hash runs here, before the transaction: no row is locked while it computes.
  const now = deps.now();
  const expiresAt = oneTimePasswordExpiresAt(now, deps.settings.defaultPasswordTtlHours);
  let credential: InitialCredential;
  let oneTimePassword: string | undefined;
  if (passwordHash) {
    credential = { hash: passwordHash, kind: 'typed', oneTime: true, expiresAt };
  } else {
    const password = initialPassword(deps.settings.passwordPolicy, { firstName: prepared.person.firstName, lastName: prepared.person.lastName, phoneAsTyped: input.phone });
    credential = { hash: await hashPassword(password.password), kind: password.kind, oneTime: password.oneTime, expiresAt };
    if (password.kind === 'random') oneTimePassword = password.password;
  }
  return {
    kind: 'user',
    input,
    prepared,
    credential,
    ...(oneTimePassword === undefined ? {} : { oneTimePassword }),
    ...(extensionCheck.value ? { newExtension: extensionCheck.value } : {}),
    audit,
  };
}

/**
 * The same plan with its drawn extension number drawn again, after someone took the number first: the
 * checks and the password hash stand, only the number changes. A draw is two reads, a hash a core's
 * ~0.4 s: an import's rows draw side by side, and each would otherwise hash again on every collision.
 * A plan without a drawn number comes back as it is.
 */
export async function drawExtensionAgain(deps: ServiceDeps, plan: ExecutionPlan): Promise<ExecutionPlan> {
  if (plan.kind !== 'user' && plan.kind !== 'extension') return plan;
  if (!plan.newExtension?.drawn) return plan;
  return { ...plan, newExtension: await planExtension(deps, plan.newExtension.prepared.input) };
}

async function planExtension(deps: ServiceDeps, raw: unknown): Promise<NewExtensionPlan> {
  const prepared = await prepareExtension(deps, raw, { allowNextFree: false });
  if (prepared.number === null) throw new Error('validation passed without a number');
  const drawn = typedExtensionNumber(prepared.input.extensionNumber) === '';
  return { prepared: { ...prepared, number: prepared.number }, drawn };
}

function throwAll(results: PromiseSettledResult<unknown>[]): void {
  const issues: FieldIssue[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    if (!isInvalidInput(r.reason)) throw r.reason;
    issues.push(...r.reason.issues);
  }
  if (issues.length > 0) throw new InvalidInput(issues);
}

/** The plan's writes and the notifications that report them, inside the caller's transaction. */
/**
 * `sink`: the audit rows of a new user or extension are gathered there, for the caller to write with
 * its own in one INSERT (the approval does); other kinds write theirs at once.
 */
export async function executePlan(
  tx: Db,
  actor: Actor,
  request: RequestRow,
  plan: ExecutionPlan,
  context: { now: Date; tenantSuffix: string; accountUrl: string },
  sink?: AuditSink,
): Promise<ExecutionResult> {
  if (plan.kind === 'edit') return executeEdit(tx, actor, request, plan, context);
  const { now } = context;
  if (plan.kind === 'deactivate') return executeDeactivation(tx, actor, request, plan, now);
  if (plan.kind === 'reactivate') return executeReactivation(tx, actor, request, plan, context);
  if (plan.kind === 'extension_assignment') return executeExtensionAssignment(tx, actor, request, plan);
  if (plan.kind === 'rotate_secret') return executeRotation(tx, actor, request, plan, context);
  if (plan.kind === 'reset_sign_in') return executeReset(tx, actor, request, plan, context);
  if (plan.kind === 'resend_welcome') return executeResend(tx, actor, request, plan, context);
  const extension = plan.newExtension ? await writeExtension(tx, actor, plan.newExtension.prepared, now, sink) : undefined;
  if (plan.kind === 'extension') {
    if (!extension) throw new Error('an extension request without an extension');
    const notice = requesterOutcomeNotice(completedExtensionFacts(request, actor.id, extension));
    return { extension, notifications: [notice] };
  }

  const { user, assigned } = await writeUserPlan(tx, actor, plan, now, extension, sink);
  const welcome = welcomeOf(request.id, user, { credential: plan.credential, oneTimePassword: plan.oneTimePassword, extensionNumber: assigned?.number ?? null }, context);
  const signIn = welcome.signInName;
  const notifications = [
    ...welcome.notifications,
    requesterOutcomeNotice(completedUserFacts(request, actor.id, { signInName: signIn, agentId: user.agentId, extensionNumber: assigned?.number ?? null, hasEmail: user.email !== null })),
  ];
  // The row as it is now: assigned to the new user (writeUser refuses to go on otherwise).
  return assigned ? { user, extension: { ...assigned, assignedUserId: user.id }, notifications } : { user, notifications };
}

type UserPlan = Extract<ExecutionPlan, { kind: 'user' }>;

/**
 * A user plan's writes (its new extension, when it brings one, then the user and its audit row), without
 * the notices: shared by a single request (executePlan) and an import's row (services/import-execution.ts).
 */
export async function writeUserPlan(tx: Db, actor: Actor, plan: UserPlan, now: Date, written?: ExtensionRow, sink?: AuditSink): Promise<{ user: UserRow; assigned: ExtensionRow | undefined }> {
  const extension = written ?? (plan.newExtension ? await writeExtension(tx, actor, plan.newExtension.prepared, now, sink) : undefined);
  const assigned = extension ?? plan.prepared.extension;
  const user = await writeUser(tx, actor, { input: plan.input, prepared: plan.prepared, credential: plan.credential, extension: assigned, now }, plan.audit, sink);
  return { user, assigned };
}

/** Means: the drawn extension number was taken by someone else first; plan again and draw another. */
export const DRAW_AGAIN = Symbol('draw again');

/**
 * What a failed execution means: a refusal (InvalidInput: someone took the username, the email or the
 * extension meanwhile), DRAW_AGAIN, or the error itself when it is not about the request.
 */
export async function explainExecutionError(db: Db, err: unknown, plan: ExecutionPlan): Promise<unknown> {
  if (isInvalidInput(err)) return err;
  if (plan.kind === 'deactivate' || plan.kind === 'reactivate' || plan.kind === 'rotate_secret' || plan.kind === 'reset_sign_in' || plan.kind === 'resend_welcome') return err;
  if (plan.kind === 'extension_assignment') return explainAssignmentConflict(err, plan);
  if (violatedUniqueConstraint(err) === 'extensions_number' && plan.newExtension) {
    return plan.newExtension.drawn ? DRAW_AGAIN : extensionTakenError(db, plan.newExtension.prepared.number);
  }
  if (plan.kind === 'edit') return explainEditConflict(err, plan);
  return plan.kind === 'user' ? explainUserConflict(db, err, plan.prepared.person) : err;
}
