import type { Actor, ServiceDeps } from '../../src/services/context.js';
import { approveRequest, type ApproveResult } from '../../src/services/decide-request.js';
import { offboardingTarget, submitDeactivation } from '../../src/services/offboarding.js';
import { submitExtensionRequest, submitUserRequest } from '../../src/services/submit-request.js';
import type { CreateExtensionInput } from '../../src/services/create-extension.js';
import type { CreateUserInput } from '../../src/services/create-user.js';

/** The approver of test requests: someone other than the requester, so self-approval never matters. */
export const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
/**
 * The requester of setup made beside a running bot (Slack tests): the approval's notice goes to this
 * ID, not to the REQUESTER whose DMs those tests watch.
 */
export const setupRequester: Actor = { id: 'U0SETUP', portalAdmin: false };
const ACCOUNT_URL = 'https://provisioning.example.com/account';

export interface UserRequestOptions {
  /** `clone_user` takes `sourceUsername` in the input. */
  kind?: 'create_user' | 'clone_user';
  /** An agent's new extension, set up with the request and created at its approval. */
  newExtension?: CreateExtensionInput;
}

type Completed = Extract<ApproveResult, { outcome: 'completed' }>;

/**
 * A user request submitted, then approved: the way production makes users. Returns the completed
 * approval (the request, the user and any extension). Throws when the approval does not complete, so
 * a setup that went wrong fails loudly where it happened.
 */
export async function userRequestThroughApproval(deps: ServiceDeps, requesterActor: Actor, input: CreateUserInput & { sourceUsername?: string }, options: UserRequestOptions = {}): Promise<Completed & Required<Pick<Completed, 'user'>>> {
  const submitted = await submitUserRequest(deps, requesterActor, { kind: options.kind ?? 'create_user', input, ...(options.newExtension ? { newExtension: options.newExtension } : {}) });
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.user) throw new Error(`setup approval of ${input.username} ended ${describe(result)}`);
  return { ...result, user: result.user };
}

/** The new user of `userRequestThroughApproval`. */
export async function userThroughApproval(deps: ServiceDeps, requesterActor: Actor, input: CreateUserInput & { sourceUsername?: string }, options: UserRequestOptions = {}) {
  return (await userRequestThroughApproval(deps, requesterActor, input, options)).user;
}

export async function extensionThroughApproval(deps: ServiceDeps, requesterActor: Actor, input: CreateExtensionInput) {
  const submitted = await submitExtensionRequest(deps, requesterActor, input);
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.extension) throw new Error(`setup approval of an extension ended ${describe(result)}`);
  return result.extension;
}

/** The outcome and its reason: never the request's payload, which holds a typed password's hash. */
function describe(result: ApproveResult): string {
  if ('reason' in result) return `${result.outcome}: ${result.reason}`;
  return result.outcome === 'already_decided' ? `already_decided (the request is ${result.request.state}${result.request.reason ? `: ${result.request.reason}` : ''})` : result.outcome;
}

/** A user offboarded the way production does it: an offboarding request, effective now, approved. */
export async function deactivationThroughApproval(deps: ServiceDeps, requesterActor: Actor, username: string, reason = 'Left the company') {
  const target = await offboardingTarget(deps, username);
  const submitted = await submitDeactivation(deps, requesterActor, { userId: target.id, version: target.version, reason, effectiveAt: null });
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.user) throw new Error(`setup deactivation of ${username} ended ${describe(result)}`);
  return result;
}
