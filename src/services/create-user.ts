import type { z } from 'zod';
import { issue, InvalidInput, type FieldIssue } from '../domain/errors.js';
import { emailInUseMessage } from '../domain/email.js';
import { parseExtensionNumber, typedExtensionNumber } from '../domain/extension-number.js';
import { isAgentType } from '../domain/user-types.js';
import { suggestUsername, usernameTakenMessage } from '../domain/username.js';
import { audit as writeAudit, type AuditSink } from '../db/repositories/audit.js';
import { assignExtensionIfFree, findExtensionWithHolder, type ExtensionRow } from '../db/repositories/extensions.js';
import type { ReferenceChoices } from '../db/repositories/reference-data.js';
import { referenceChoicesAt } from '../db/repositories/reference-data-cache.js';
import {
  addUserCollections,
  findTakenIdentities,
  insertUser,
  nextAgentIdSql,
  usernamesStartingWith,
  type UserRow,
} from '../db/repositories/users.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import type { Db } from '../db/client.js';
import type { Actor, ServiceDeps } from './context.js';
import { throwIfAny } from './input.js';
import { resolveReferences, type ResolvedReferences } from './reference-checks.js';
import { validatePerson, type userInfoSchema, type UserInfoInput, type ValidPerson } from './user-fields.js';

/** What a create request's `input` holds: the User Info form, before its rules are applied. */
export type CreateUserInput = z.input<typeof userInfoSchema>;

/** The new account's first password, already hashed: only the hash is ever written. */
export interface InitialCredential {
  hash: string;
  kind: 'typed' | 'default' | 'random';
  oneTime: boolean;
  expiresAt: Date;
}

/**
 * The writes of a new user, inside the caller's transaction: the user row (agent ID drawn from its
 * sequence), collections, the extension assignment (refused when someone holds it) and the audit rows.
 * The approval of a request runs it in its own transaction (services/request-execution.ts).
 */
export async function writeUser(
  tx: Db,
  actor: Actor,
  plan: { input: UserInfoInput; prepared: PreparedUser; credential: InitialCredential; extension?: ExtensionRow | undefined; now: Date },
  audit: { action: string; details: Record<string, unknown> },
  sink?: AuditSink,
): Promise<UserRow> {
  const { input, credential, extension, now } = plan;
  const { person, resolved } = plan.prepared;
  const row = await insertUser(tx, {
    username: person.username,
    firstName: person.firstName,
    lastName: person.lastName,
    phone: person.phoneE164,
    email: person.email,
    description: person.description,
    notes: person.notes,
    userType: person.userType,
    agentId: isAgentType(person.userType) ? nextAgentIdSql : null,
    siteKey: resolved.siteKey,
    departmentKey: resolved.departmentKey,
    billingUnitKey: resolved.billingUnitKey,
    profileKey: resolved.profileKey,
    clusterKey: resolved.clusterKey,
    voicemailAccess: input.voicemailAccess,
    recordingAccess: input.recordingAccess,
    passwordHash: credential.hash,
    passwordOneTime: credential.oneTime,
    passwordExpiresAt: credential.expiresAt,
    createdBy: actor.id,
    createdAt: now,
  });
  await addUserCollections(tx, row.id, resolved.collectionIds);
  if (extension) {
    if (!(await assignExtensionIfFree(tx, extension.id, row.id))) throw new InvalidInput([extensionAssignedIssue(extension.number)]);
    // The extension's own trail says whose phone it became, beside the user's row that names it.
    await writeAudit(tx, sink, {
      actor: actor.id,
      action: 'extension.assigned',
      entityType: 'extension',
      entityId: extension.id,
      details: { extensionNumber: extension.number, userId: row.id, username: row.username },
    });
  }
  await writeAudit(tx, sink, {
    actor: actor.id,
    action: audit.action,
    entityType: 'user',
    entityId: row.id,
    details: {
      ...audit.details,
      username: row.username,
      userType: row.userType,
      agentId: row.agentId,
      extensionNumber: extension?.number ?? null,
      collectionIds: resolved.collectionIds,
      passwordKind: credential.kind,
    },
  });
  return row;
}

export interface PreparedUser {
  person: ValidPerson;
  resolved: ResolvedReferences;
  /** The existing extension to assign, when one was chosen. */
  extension?: ExtensionRow;
  /** The reference-data version the choices were checked at, when the directory read asked for it. */
  referenceVersion?: number;
}

export interface PrepareUserOptions {
  /** An agent request that sets up its own new extension needs no existing one. */
  extensionComesWithRequest: boolean;
  /**
   * A submission also refuses a username that an open request already names (the approval of that
   * request does not: it is the open request). Asked in the same read as the directory.
   */
  checkOpenRequest?: boolean;
  /** The reference choices, when the caller reads them for other checks too (a new extension's). */
  choices?: Promise<ReferenceChoices>;
}

/**
 * Every check of a new user, without writing: the pure rules, the reference choices, then the reads
 * that can refuse it (taken username or email, the extension's state). All problems are reported
 * together. Submitting a request runs this, so a request that waits for approval was valid when made,
 * and its approval runs it again against the directory of that moment (services/request-execution.ts).
 * The directory is one statement (findTakenIdentities) that also reads the reference-data version, so
 * the lists come from the cache (reference-data-cache.ts) with no round trip of their own; an
 * existing extension is one more read beside it.
 */
export async function prepareUser(deps: ServiceDeps, actor: Actor, input: UserInfoInput, options: PrepareUserOptions): Promise<PreparedUser> {
  const { person, issues } = validatePerson(input, deps.settings.phoneDefaultCountry);
  const ask = { checkOpenRequest: options.checkOpenRequest === true, referenceVersion: options.choices === undefined };
  const choicesAfter = (read: Promise<{ referenceVersion?: number }>) => options.choices ?? read.then((r) => referenceChoicesAt(deps.db, r.referenceVersion));
  if (!person) {
    // Show every problem at once: a taken username or email is worth saying beside a bad phone.
    const taken = takenFieldsOf(deps.db, input, issues, ask);
    const [choices, { issues: takenIssues }] = await Promise.all([choicesAfter(taken), taken]);
    throwIfAny([...issues, ...resolveReferences(choices, input, actor).issues, ...takenIssues]);
    throw new Error('validation failed without an issue');
  }
  const found = findConflicts(deps.db, person, input, options.extensionComesWithRequest, ask);
  const [choices, conflicts] = await Promise.all([choicesAfter(found), found]);
  const references = resolveReferences(choices, input, actor);
  // With a bad reference choice the extension is not judged yet (as with a bad field above).
  throwIfAny(references.issues.length > 0 ? [...references.issues, ...conflicts.identityIssues] : conflicts.issues);
  if (!references.resolved) throw new Error('validation passed without a result');
  const version = conflicts.referenceVersion === undefined ? {} : { referenceVersion: conflicts.referenceVersion };
  return conflicts.extension ? { person, resolved: references.resolved, extension: conflicts.extension, ...version } : { person, resolved: references.resolved, ...version };
}

/** What the directory read is asked beside the taken username and email. */
interface DirectoryAsk {
  /** An open request for the username too (a submission's check). */
  checkOpenRequest: boolean;
  /** The reference-data version too (for the cached lists). */
  referenceVersion: boolean;
}

/** Reads that can refuse the request before any work: taken username or email, an open request, the extension's state. */
async function findConflicts(
  db: Db,
  person: ValidPerson,
  input: UserInfoInput,
  extensionComesWithRequest: boolean,
  ask: DirectoryAsk,
): Promise<{ issues: FieldIssue[]; identityIssues: FieldIssue[]; extension?: ExtensionRow; referenceVersion?: number }> {
  const typed = typedExtensionNumber(input.extensionNumber);
  // Format only: an extension made before the operator changed the ranges can still be assigned.
  const parsed = typed === '' ? undefined : parseExtensionNumber(typed, []);
  const [identity, found] = await Promise.all([
    identityIssuesOf(db, person.username, person.email, ask),
    parsed?.ok ? findExtensionWithHolder(db, parsed.number) : undefined,
  ]);
  const identityIssues = identity.issues;
  const issues = [...identityIssues];
  if (!parsed) {
    if (isAgentType(person.userType) && !extensionComesWithRequest) {
      issues.push(AGENT_NEEDS_EXTENSION_ISSUE);
    }
  } else if (!parsed.ok) issues.push(parsed.issue);
  else if (!found) issues.push(extensionMissingIssue(typed));
  else if (found.extension.assignedUserId !== null) {
    // Naming the holder tells the requester whom to ask about it (find shows every extension anyway).
    issues.push(extensionAssignedIssue(found.extension.number, found.holder ?? undefined));
  }
  const version = identity.referenceVersion === undefined ? {} : { referenceVersion: identity.referenceVersion };
  return found ? { issues, identityIssues, extension: found.extension, ...version } : { issues, identityIssues, ...version };
}

/** Taken username / email for the fields that are themselves well-formed, when other fields are not. */
function takenFieldsOf(db: Db, input: UserInfoInput, issues: readonly FieldIssue[], ask: DirectoryAsk): Promise<IdentityIssues> {
  const bad = new Set(issues.map((i) => i.field));
  // Only a well-formed username is looked up: anything else (a NUL, say) is the username rule's to refuse.
  const username = !bad.has('username') && typeof input.username === 'string' ? input.username.trim() : '';
  const email = !bad.has('email') && typeof input.email === 'string' ? input.email.trim() : '';
  return identityIssuesOf(db, username, email || null, ask);
}

interface IdentityIssues {
  issues: FieldIssue[];
  referenceVersion?: number;
}

/**
 * The field issues of a taken username (with a free suggestion), a taken email, and an open request
 * for the username, from one read (with the reference-data version when asked). An empty username is
 * not looked up.
 */
async function identityIssuesOf(db: Db, username: string, email: string | null, ask: DirectoryAsk): Promise<IdentityIssues> {
  const taken = await findTakenIdentities(db, {
    usernames: username ? [username] : [],
    emails: email ? [email] : [],
    openRequests: ask.checkOpenRequest,
    referenceVersion: ask.referenceVersion,
  });
  const found: FieldIssue[] = [];
  // A field's own problem (taken) is the one to fix first; the open request only when the name is free.
  if (username && taken.usernames.has(username.toLowerCase())) found.push(await usernameTakenIssue(db, username));
  else if (username && taken.openRequests.has(username.toLowerCase())) found.push(openRequestIssue(username));
  if (email && taken.emails.has(email.toLowerCase())) found.push(issue('email', 'email_in_use', emailInUseMessage(email)));
  return taken.referenceVersion === undefined ? { issues: found } : { issues: found, referenceVersion: taken.referenceVersion };
}

/** The username an open (pending or approved) request already names. */
export function openRequestIssue(username: string): FieldIssue {
  return issue('username', 'username_taken', `A request for ${username} is already waiting for approval`);
}

export async function usernameTakenIssue(db: Db, username: string): Promise<FieldIssue> {
  // Candidates may cut the base to fit 20 characters, so look at a shorter common prefix.
  const taken = await usernamesStartingWith(db, username.slice(0, 15));
  taken.add(username.toLowerCase());
  const suggestion = suggestUsername(username.toLowerCase(), (candidate) => taken.has(candidate));
  return issue('username', 'username_taken', usernameTakenMessage(username, suggestion), suggestion);
}

export function extensionAssignedIssue(number: number, holder?: string): FieldIssue {
  return issue('extensionNumber', 'extension_assigned', `Extension ${number} is already assigned to ${holder ?? 'another user'}`);
}

/**
 * A concurrent request can win the race between our checks and our insert; the database's unique
 * indexes then refuse ours. Turn that into the same field error the checks would have given.
 */
export async function explainUserConflict(db: Db, err: unknown, person: ValidPerson): Promise<unknown> {
  switch (violatedUniqueConstraint(err)) {
    case 'users_username_ci':
      return new InvalidInput([await usernameTakenIssue(db, person.username)]);
    case 'users_email_ci':
      return new InvalidInput([issue('email', 'email_in_use', emailInUseMessage(person.email ?? ''))]);
    default:
      return err;
  }
}


export function extensionMissingIssue(typed: string): FieldIssue {
  return issue('extensionNumber', 'not_found', `Extension ${typed} does not exist: create it first`);
}

export const AGENT_NEEDS_EXTENSION_ISSUE = issue('extensionNumber', 'extension_required', 'An agent needs an extension: create one first, then choose it here');
