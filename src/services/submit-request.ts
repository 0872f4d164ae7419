import { z } from 'zod';
import { InvalidInput, isInvalidInput, issue, type FieldIssue } from '../domain/errors.js';
import { hashPassword } from '../domain/password-hash.js';
import type { RequestKind } from '../domain/request-state.js';
import { isAgentType } from '../domain/user-types.js';
import { recordAudit } from '../db/repositories/audit.js';
import { findOpenRequestForExtensionNumber, findOpenRequestForUsername, insertRequest } from '../db/repositories/requests.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { cloneTemplate } from './clone-user.js';
import type { Actor, ServiceDeps } from './context.js';
import { prepareExtension } from './create-extension.js';
import { prepareUser } from './create-user.js';
import { parseInput } from './input.js';
import { oneTimePasswordDeliveryIssue, type FindSlackMember } from './password-delivery.js';
import { extensionRequestPayload, userRequestPayload, type ExtensionRequestPayload, type UserRequestPayload } from './request-payload.js';
import { userInfoSchema } from './user-fields.js';

export interface SubmittedRequest<P> {
  id: string;
  kind: RequestKind;
  payload: P;
}

const userRequestInput = z.object({
  kind: z.enum(['create_user', 'clone_user']),
  input: z.unknown(),
  /** Agent requests may set up their new extension in the same flow. */
  newExtension: z.unknown().optional(),
});

/**
 * A requester asks for a new user (from scratch or cloned). The request is checked exactly as the
 * user would be created — an invalid one is refused field by field and nothing is stored — then kept
 * as pending until an approver decides. One open request per username: a double submission is refused.
 * Under PASSWORD_POLICY=random the new user's email must belong to a Slack member (`ports.findSlackMember`),
 * the only way the one-time password can reach them (see password-delivery.ts).
 */
export async function submitUserRequest(deps: ServiceDeps, actor: Actor, raw: unknown, ports: { findSlackMember?: FindSlackMember } = {}): Promise<SubmittedRequest<UserRequestPayload>> {
  const request = parseInput(userRequestInput, raw);
  const base = parseInput(userInfoSchema.extend({ sourceUsername: z.string().min(1).optional() }), request.input);
  if (request.kind === 'clone_user') {
    if (!base.sourceUsername) throw new InvalidInput([issue('sourceUsername', 'required', 'Say which user to clone')]);
    await cloneTemplate(deps, base.sourceUsername);
  }
  const newExtension = request.newExtension === undefined ? undefined : await prepareExtension(deps, request.newExtension, { allowNextFree: true });
  const issues: FieldIssue[] = [];
  if (newExtension && base.extensionNumber) {
    issues.push(issue('extensionNumber', 'invalid_format', 'Choose an existing extension or set up a new one, not both'));
  }
  if (newExtension && !isAgentType(base.userType)) {
    issues.push(issue('extensionNumber', 'invalid_format', 'Only agents get a new extension with their request'));
  }
  if (issues.length > 0) throw new InvalidInput(issues);

  // The Slack lookup runs beside the directory checks: both answer before the ack is due.
  const [userCheck, deliveryCheck] = await Promise.allSettled([
    prepareUser(deps, actor, base, { extensionComesWithRequest: newExtension !== undefined }),
    oneTimePasswordDeliveryIssue(deps.settings.passwordPolicy, base, ports.findSlackMember),
  ]);
  if (deliveryCheck.status === 'rejected') throw deliveryCheck.reason;
  const delivery = deliveryCheck.value;
  if (userCheck.status === 'rejected') {
    // Every problem at once; the email's own problem (malformed, in use) is the one to fix first.
    const err: unknown = userCheck.reason;
    if (!delivery || !isInvalidInput(err) || err.issues.some((i) => i.field === 'email')) throw err;
    throw new InvalidInput([...err.issues, delivery]);
  }
  if (delivery) throw new InvalidInput([delivery]);
  const prepared = userCheck.value;
  const open = await findOpenRequestForUsername(deps.db, prepared.person.username);
  if (open) throw new InvalidInput([openRequestIssue(prepared.person.username)]);

  const { password, ...withoutPassword } = base;
  const payload = userRequestPayload.parse({
    ...withoutPassword,
    username: prepared.person.username,
    // The typed password is hashed now: the request never holds it in clear.
    passwordHash: password ? await hashPassword(password) : null,
    ...(newExtension ? { newExtension: newExtension.input } : {}),
  });
  return store(deps, actor, request.kind, payload, (err) =>
    violatedUniqueConstraint(err) === 'requests_open_username' ? new InvalidInput([openRequestIssue(prepared.person.username)]) : err,
  );
}

/**
 * A requester asks for a new extension on its own (`/provision extension`). One open request per
 * extension number, as per username: a double submission is refused on Extension Number. A request
 * for the next free number names none, so any number of those may wait (each draws its own).
 */
export async function submitExtensionRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<ExtensionRequestPayload>> {
  const prepared = await checkExtensionRequest(deps, raw);
  const { number } = prepared;
  const payload = extensionRequestPayload.parse({ ...prepared.input, deviceName: prepared.deviceName, extensionNumber: number === null ? null : String(number) });
  return store(deps, actor, 'create_extension', payload, (err) =>
    number !== null && violatedUniqueConstraint(err) === 'requests_open_extension_number' ? new InvalidInput([openExtensionRequestIssue(number)]) : err,
  );
}

/** Every check of an extension request, without storing it: the extension's own, then an open request for its number. */
export async function checkExtensionRequest(deps: ServiceDeps, raw: unknown) {
  const prepared = await prepareExtension(deps, raw, { allowNextFree: true });
  if (prepared.number !== null && (await findOpenRequestForExtensionNumber(deps.db, prepared.number))) {
    throw new InvalidInput([openExtensionRequestIssue(prepared.number)]);
  }
  return prepared;
}

function openExtensionRequestIssue(number: number): FieldIssue {
  return issue('extensionNumber', 'extension_taken', `A request for extension ${number} is already waiting for approval`);
}

async function store<P>(deps: ServiceDeps, actor: Actor, kind: RequestKind, payload: P, explain: (err: unknown) => unknown): Promise<SubmittedRequest<P>> {
  try {
    const row = await deps.db.transaction(async (tx) => {
      const created = await insertRequest(tx, { kind, payload, requesterId: actor.id, createdAt: deps.now() });
      await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind } });
      return created;
    });
    return { id: row.id, kind, payload };
  } catch (err) {
    throw explain(err);
  }
}

function openRequestIssue(username: string): FieldIssue {
  return issue('username', 'username_taken', `A request for ${username} is already waiting for approval`);
}

export function parseStoredUserPayload(payload: unknown): UserRequestPayload {
  return userRequestPayload.parse(payload);
}
