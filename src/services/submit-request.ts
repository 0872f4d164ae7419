import { z } from 'zod';
import { InvalidInput, isInvalidInput, issue, type FieldIssue } from '../domain/errors.js';
import { hashPassword } from '../domain/password-hash.js';
import type { RequestKind } from '../domain/request-state.js';
import { isAgentType } from '../domain/user-types.js';
import { findOpenRequestForExtensionNumber, insertRequestAudited } from '../db/repositories/requests.js';
import { databaseErrorFacts, violatedUniqueConstraint } from '../db/errors.js';
import { cloneTemplate } from './clone-user.js';
import type { Actor, ServiceDeps } from './context.js';
import { prepareExtension } from './create-extension.js';
import { openRequestIssue, prepareUser } from './create-user.js';
import { parseInput } from './input.js';
import { oneTimePasswordDeliveryIssue, type FindSlackMember } from './password-delivery.js';
import { extensionRequestPayload, userRequestPayload, type ExtensionRequestPayload, type UserRequestPayload } from './request-payload.js';
import { userInfoSchema } from './user-fields.js';

export interface SubmittedRequest<P> {
  id: string;
  kind: RequestKind;
  payload: P;
  /**
   * The reference-data version the request was checked at, when the check read it: the summaries sent
   * after the ack name the choices at that version with no read of their own (form-data.ts referenceNames).
   */
  referenceVersion?: number;
}

const userRequestInput = z.object({
  kind: z.enum(['create_user', 'clone_user']),
  input: z.unknown(),
  /** Agent requests may set up their new extension in the same flow. */
  newExtension: z.unknown().optional(),
});

/** Built once: zod compiles an object schema's parser at its first use, so a schema per call compiles per call. */
const userRequestFields = userInfoSchema.extend({ sourceUsername: z.string().min(1).optional() });

/**
 * A requester asks for a new user (from scratch or cloned): checked, then stored as pending until an
 * approver decides. The Slack listener uses the two halves (checkUserRequest, then store) so that it
 * can acknowledge between them. Under PASSWORD_POLICY=random the new user's email must belong to a
 * Slack member (`ports.findSlackMember`), the only way the one-time password can reach them (see
 * password-delivery.ts).
 */
export async function submitUserRequest(deps: ServiceDeps, actor: Actor, raw: unknown, ports: UserRequestPorts = {}): Promise<SubmittedRequest<UserRequestPayload>> {
  return (await checkUserRequest(deps, actor, raw, ports)).store();
}

/**
 * The database refused to store a request. Only its facts travel on (code, constraint, table): the
 * driver's error carries the query's parameters, and with them the typed password's hash.
 */
export class RequestNotStored extends Error {
  override readonly name = 'RequestNotStored';
  constructor(readonly database: { code: string; constraint?: string; table?: string }) {
    super(`the database refused to store the request (SQLSTATE ${database.code}${database.table ? ` on ${database.table}` : ''})`);
  }
}

/** A user request that passed every check, not stored yet. */
export interface CheckedUserRequest {
  readonly kind: 'create_user' | 'clone_user';
  readonly username: string;
  /** True when the requester typed a password: storing then runs the slow hash first. */
  readonly hashesPassword: boolean;
  /**
   * Hashes the typed password (if any) and stores the request as pending. Can still fail: a twin
   * request stored in between (InvalidInput on `username`), or the database (RequestNotStored). The
   * typed password lives only in this closure, so no log line or error of the caller can carry it.
   */
  store(): Promise<SubmittedRequest<UserRequestPayload>>;
}

export interface UserRequestPorts {
  findSlackMember?: FindSlackMember;
}

/**
 * Every check of a user request, without storing it, all at once: the person's rules, the reference
 * choices, the directory (taken username, email, extension), an open request for the username, the
 * agent's new extension and, under PASSWORD_POLICY=random, the one-time password's delivery. A form
 * shows every problem in one answer. Issues of the new extension's own fields are named
 * `newExtension.<field>`, so they are never taken for the primary phone's.
 */
export async function checkUserRequest(deps: ServiceDeps, actor: Actor, raw: unknown, ports: UserRequestPorts = {}): Promise<CheckedUserRequest> {
  const request = parseInput(userRequestInput, raw);
  const base = parseInput(userRequestFields, request.input);
  if (request.kind === 'clone_user') {
    if (!base.sourceUsername) throw new InvalidInput([issue('sourceUsername', 'required', 'Say which user to clone')]);
    await cloneTemplate(deps, base.sourceUsername);
  }
  const comesWithExtension = request.newExtension !== undefined;
  // The Slack lookup runs beside the directory checks: all answer before the ack is due. The open
  // request for the username and the reference-data version are asked in prepareUser's directory
  // read, and the new extension's checks read the version beside its numbers: the lists themselves
  // come from the cache (reference-data-cache.ts).
  const [extensionCheck, userCheck, deliveryCheck] = await Promise.allSettled([
    request.newExtension === undefined ? Promise.resolve(undefined) : prepareExtension(deps, request.newExtension, { allowNextFree: true }),
    prepareUser(deps, actor, base, { extensionComesWithRequest: comesWithExtension, checkOpenRequest: true }),
    oneTimePasswordDeliveryIssue(deps.settings.passwordPolicy, base, ports.findSlackMember),
  ]);
  const issues: FieldIssue[] = [];
  if (extensionCheck.status === 'rejected') issues.push(...refusal(extensionCheck.reason).map((i) => ({ ...i, field: `newExtension.${i.field}` })));
  if (userCheck.status === 'rejected') issues.push(...refusal(userCheck.reason));
  if (deliveryCheck.status === 'rejected') throw deliveryCheck.reason;
  // A field's own problem (malformed, taken) is the one to fix first.
  const has = (field: string) => issues.some((i) => i.field === field);
  if (deliveryCheck.value && !has('email')) issues.push(deliveryCheck.value);
  if (comesWithExtension && base.extensionNumber) {
    issues.push(issue('extensionNumber', 'invalid_format', 'Choose an existing extension or set up a new one, not both'));
  }
  if (comesWithExtension && !isAgentType(base.userType)) {
    issues.push(ONLY_AGENTS_GET_NEW_EXTENSION_ISSUE);
  }
  if (issues.length > 0) throw new InvalidInput(issues);
  if (userCheck.status !== 'fulfilled' || extensionCheck.status !== 'fulfilled') throw new Error('checks passed without results');
  const newExtension = extensionCheck.value;
  const { password, ...withoutPassword } = base;
  const { referenceVersion } = userCheck.value;
  // Shaped (and so checked) before the caller acknowledges; only the hash is added later.
  const shaped = userRequestPayload.parse({
    ...withoutPassword,
    username: userCheck.value.person.username,
    passwordHash: null,
    ...(newExtension ? { newExtension: newExtension.input } : {}),
  });
  return {
    kind: request.kind,
    username: shaped.username,
    hashesPassword: Boolean(password),
    async store() {
      // The typed password is hashed now: the request never holds it in clear.
      const payload: UserRequestPayload = { ...shaped, passwordHash: password ? await hashPassword(password) : null };
      const submitted = await store(deps, actor, request.kind, payload, (err) => {
        if (violatedUniqueConstraint(err) === 'requests_open_username') return new InvalidInput([openRequestIssue(shaped.username)]);
        const database = databaseErrorFacts(err);
        return database ? new RequestNotStored(database) : err;
      });
      return referenceVersion === undefined ? submitted : { ...submitted, referenceVersion };
    },
  };
}

/** The issues of a refusal; anything else is not about the input and goes on up. */
function refusal(err: unknown): readonly FieldIssue[] {
  if (!isInvalidInput(err)) throw err;
  return err.issues;
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

/** The request and its audit row, in one statement (atomic by itself: no transaction to open). */
async function store<P>(deps: ServiceDeps, actor: Actor, kind: RequestKind, payload: P, explain: (err: unknown) => unknown): Promise<SubmittedRequest<P>> {
  try {
    const id = await insertRequestAudited(deps.db, { kind, payload, requesterId: actor.id, createdAt: deps.now() }, { actor: actor.id, details: { kind } });
    return { id, kind, payload };
  } catch (err) {
    throw explain(err);
  }
}

export const ONLY_AGENTS_GET_NEW_EXTENSION_ISSUE = issue('extensionNumber', 'invalid_format', 'Only agents get a new extension with their request');

export function parseStoredUserPayload(payload: unknown): UserRequestPayload {
  return userRequestPayload.parse(payload);
}
