import { WebClient } from '@slack/web-api';
import type { GroupMembership } from '../domain/access.js';
import { boltLogger, type Logger } from '../logger.js';
import { webApiEndpoint } from '../web-api-fetch.js';

/**
 * The members of APPROVER_GROUP, read from Slack (`usergroups.users.list`) at start and then in the
 * background every `refreshMs` (30 s), so that the access policy can answer synchronously. An answer
 * is trusted for `maxAgeMs` (60 s) after the read that produced it: once the last successful read is
 * older, the group counts as empty (fail closed) until a read succeeds again. So a member removed in
 * Slack loses the right to approve within a minute on every instance, also while Slack cannot be
 * asked; each instance keeps its own copy. A handle (`cc-admins`) is resolved to the group's ID with
 * `usergroups.list` once, before the first read.
 */
export interface ApproverGroup extends GroupMembership {
  /** The group's ID once resolved (undefined while a handle could not be resolved yet). */
  readonly id: string | undefined;
  /** When the last successful read was (ms since the epoch), or undefined before any. */
  lastReadAt(): number | undefined;
  /** The members as trusted now: empty when the last successful read is older than the window. */
  members(): ReadonlySet<string>;
  /** Reads the group now (one read at a time); false when the read failed (logged). */
  refresh(): Promise<boolean>;
  stop(): void;
}

export interface ApproverGroupOptions {
  /** APPROVER_GROUP: an ID (`S…`) or a handle without its @. */
  ref: string;
  client: WebClient;
  logger: Logger;
  now?: () => number;
  refreshMs?: number;
  maxAgeMs?: number;
}

export const GROUP_REFRESH_MS = 30_000;
export const GROUP_MAX_AGE_MS = 60_000;
const GROUP_CALL_TIMEOUT_MS = 5_000;

/** Slack says there is no such group: a setting to fix, not an outage to wait out. */
export class UnknownApproverGroup extends Error {
  override readonly name = 'UnknownApproverGroup';
}

const isGroupId = (ref: string) => /^S[A-Z0-9]{2,}$/.test(ref);

/** The client the holder uses: bounded, so a silent Slack cannot hold a refresh for long. */
export function approverGroupClient(options: { token: string; slackApiUrl?: string | undefined; logger: Logger }): WebClient {
  return new WebClient(options.token, {
    ...webApiEndpoint(options.slackApiUrl),
    timeout: GROUP_CALL_TIMEOUT_MS,
    retryConfig: { retries: 1 },
    rejectRateLimitedCalls: true,
    logger: boltLogger(options.logger, 'slack-approver-group'),
  });
}

/**
 * The holder as the bot runs it: the first read awaited (so start-up can check four eyes against it),
 * then a refresh every `refreshMs`. An unknown group (a wrong ID or handle) throws UnknownApproverGroup;
 * Slack unreachable at start only logs: the group counts as empty until a read succeeds.
 */
export async function startApproverGroup(options: ApproverGroupOptions): Promise<ApproverGroup> {
  const { client, ref } = options;
  const logger = options.logger.child({ component: 'approver-group' });
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? GROUP_MAX_AGE_MS;
  let id: string | undefined = isGroupId(ref) ? ref : undefined;
  let members: ReadonlySet<string> = new Set();
  let readAt = Number.NEGATIVE_INFINITY;
  let running: Promise<boolean> | undefined;

  async function resolveHandle(): Promise<string> {
    const answer = await client.usergroups.list({ include_disabled: false });
    const found = (answer.usergroups ?? []).find((g) => g.handle === ref && !g.date_delete);
    if (!found?.id) throw new UnknownApproverGroup(`APPROVER_GROUP: Slack has no user group with the handle @${ref}`);
    logger.info({ handle: ref, usergroup: found.id }, 'APPROVER_GROUP handle resolved');
    return found.id;
  }

  async function read(): Promise<boolean> {
    try {
      id ??= await resolveHandle();
      const answer = await client.usergroups.users.list({ usergroup: id, include_disabled: false });
      const before = members;
      members = new Set(answer.users ?? []);
      readAt = now();
      if (before.size !== members.size || [...members].some((m) => !before.has(m))) logger.info({ usergroup: id, members: members.size }, 'approver group read');
      return true;
    } catch (err) {
      const code = (err as { data?: { error?: unknown } }).data?.error;
      const unknown =
        err instanceof UnknownApproverGroup ? err : code === 'no_such_subteam' || code === 'subteam_not_found' ? new UnknownApproverGroup(`APPROVER_GROUP: Slack has no user group ${id ?? ref} (${code})`) : undefined;
      if (unknown) {
        logger.error({ usergroup: id ?? ref }, unknown.message);
        // Only the first read stops start-up; later, a group deleted in Slack just runs out of time.
        if (readAt === Number.NEGATIVE_INFINITY && !started) throw unknown;
      } else {
        logger.warn(
          { usergroup: id ?? ref, code: typeof code === 'string' ? code : (err as { code?: unknown }).code, lastReadMsAgo: Number.isFinite(readAt) ? now() - readAt : null },
          'could not read the approver group; the last read stands until it is a minute old',
        );
      }
      return false;
    }
  }

  const refresh = () => (running ??= read().finally(() => (running = undefined)));
  let started = false;
  await refresh();
  started = true;
  const timer = setInterval(() => void refresh(), options.refreshMs ?? GROUP_REFRESH_MS);
  timer.unref();

  const fresh = () => now() - readAt <= maxAgeMs;
  return {
    get id() {
      return id;
    },
    lastReadAt: () => (Number.isFinite(readAt) ? readAt : undefined),
    members: () => (fresh() ? members : new Set<string>()),
    has: (userId) => fresh() && members.has(userId),
    refresh,
    stop: () => clearInterval(timer),
  };
}
