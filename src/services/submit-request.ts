import { z } from 'zod';
import { InvalidInput, issue, type FieldIssue } from '../domain/errors.js';
import { hashPassword } from '../domain/password-hash.js';
import type { RequestKind } from '../domain/request-state.js';
import { isAgentType } from '../domain/user-types.js';
import { recordAudit } from '../db/repositories/audit.js';
import { findOpenRequestForUsername, insertRequest } from '../db/repositories/requests.js';
import { databaseErrorFacts, violatedUniqueConstraint } from '../db/errors.js';
import { cloneTemplate } from './clone-user.js';
import type { Actor, ServiceDeps } from './context.js';
import { prepareExtension } from './create-extension.js';
import { prepareUser } from './create-user.js';
import { parseInput } from './input.js';
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
 * A requester asks for a new user (from scratch or cloned): checked, then stored as pending. The
 * Slack listener uses the two halves below, so that it can acknowledge between them.
 */
export async function submitUserRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<UserRequestPayload>> {
  return (await checkUserRequest(deps, actor, raw)).store();
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
   * request stored in between (InvalidInput on `username`), or the database. The typed password lives
   * only in this closure, so no log line or error of the caller can carry it.
   */
  store(): Promise<SubmittedRequest<UserRequestPayload>>;
}

/**
 * Every check of a user request that can give a field error, without the slow hash and without
 * writing: the request is checked exactly as the user would be created, and an invalid one is refused
 * field by field. One open request per username: a double submission is refused.
 */
export async function checkUserRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<CheckedUserRequest> {
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

  const prepared = await prepareUser(deps, actor, base, { extensionComesWithRequest: newExtension !== undefined });
  const username = prepared.person.username;
  const open = await findOpenRequestForUsername(deps.db, username);
  if (open) throw new InvalidInput([openRequestIssue(username)]);

  const { password, ...withoutPassword } = base;
  // Shaped (and so checked) before the caller acknowledges; only the hash is added later.
  const shaped = userRequestPayload.parse({ ...withoutPassword, username, passwordHash: null, ...(newExtension ? { newExtension: newExtension.input } : {}) });
  return {
    kind: request.kind,
    username,
    hashesPassword: Boolean(password),
    async store() {
      // The typed password is hashed now: the request never holds it in clear.
      const payload: UserRequestPayload = { ...shaped, passwordHash: password ? await hashPassword(password) : null };
      return store(deps, actor, request.kind, payload, (err) => {
        if (violatedUniqueConstraint(err) === 'requests_open_username') return new InvalidInput([openRequestIssue(username)]);
        const database = databaseErrorFacts(err);
        return database ? new RequestNotStored(database) : err;
      });
    },
  };
}

/** A requester asks for a new extension on its own (`/provision extension`). */
export async function submitExtensionRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<ExtensionRequestPayload>> {
  const prepared = await prepareExtension(deps, raw, { allowNextFree: true });
  const payload = extensionRequestPayload.parse({ ...prepared.input, deviceName: prepared.deviceName, extensionNumber: prepared.number === null ? null : String(prepared.number) });
  return store(deps, actor, 'create_extension', payload, (err) => err);
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
