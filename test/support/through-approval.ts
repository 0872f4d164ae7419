import type { Actor, ServiceDeps } from '../../src/services/context.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { offboardingTarget, submitDeactivation } from '../../src/services/offboarding.js';
import { submitExtensionRequest, submitUserRequest } from '../../src/services/submit-request.js';
import type { CreateExtensionInput } from '../../src/services/create-extension.js';
import type { CreateUserInput } from '../../src/services/create-user.js';

/** The approver of test requests: someone other than the requester, so self-approval never matters. */
export const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const ACCOUNT_URL = 'https://provisioning.example.com/account';

/**
 * Test setup made the way production makes users: a request submitted, then approved. Throws when
 * the approval does not complete, so a setup that went wrong fails loudly where it happened.
 */
export async function userThroughApproval(deps: ServiceDeps, requesterActor: Actor, input: CreateUserInput) {
  const submitted = await submitUserRequest(deps, requesterActor, { kind: 'create_user', input });
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.user) throw new Error(`setup approval of ${input.username} ended ${result.outcome}`);
  return result.user;
}

export async function extensionThroughApproval(deps: ServiceDeps, requesterActor: Actor, input: CreateExtensionInput) {
  const submitted = await submitExtensionRequest(deps, requesterActor, input);
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.extension) throw new Error(`setup approval of an extension ended ${result.outcome}`);
  return result.extension;
}

/** A user offboarded the way production does it: an offboarding request, effective now, approved. */
export async function deactivationThroughApproval(deps: ServiceDeps, requesterActor: Actor, username: string, reason = 'Left the company') {
  const target = await offboardingTarget(deps, username);
  const submitted = await submitDeactivation(deps, requesterActor, { userId: target.id, version: target.version, reason, effectiveAt: null });
  const result = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
  if (result.outcome !== 'completed' || !result.user) throw new Error(`setup deactivation of ${username} ended ${result.outcome}`);
  return result;
}
