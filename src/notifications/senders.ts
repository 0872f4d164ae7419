import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import type { StoredNotification } from '../db/repositories/notifications.js';
import { boltLogger, type Logger } from '../logger.js';
import type { Mailer } from './mailer.js';
import { renderSlackDm } from './messages.js';
import { PAYLOAD_SCHEMAS, type EmailPayload, type SlackDmPayload, type SlackPostPayload } from './payloads.js';
import { webApiEndpoint } from '../web-api-fetch.js';

/** A notification as the sender gets it: a `notify.*` job seen as its outbox row. */
export type NotificationRow = StoredNotification;

/** What became of one delivery attempt that did not throw. */
export type SendOutcome =
  | { status: 'sent'; /** Message-ID, message ts… for the log */ ref?: string }
  /** Nothing to deliver to (no Slack member has the new user's email): settled, not retried. */
  | { status: 'skipped'; reason: string };

/** Delivers one notification; throws DeliveryError (or anything: then it counts as retryable). */
export type SendNotification = (n: NotificationRow) => Promise<SendOutcome>;

/**
 * A failed delivery attempt, classified. `retryable`: the same notification may go through later
 * (network, timeouts, Slack 5xx/429, SMTP 4xx, and configuration problems an operator can fix, such
 * as a revoked token or failed SMTP authentication). Otherwise it is permanent for this notification
 * (e.g. Slack `channel_not_found`, SMTP 5xx for the recipient, a malformed payload) and goes `dead`
 * at once.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The server asked us to wait at least this long (Slack's Retry-After). */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Slack errors that say something is wrong with the bot's own setup rather than with this message: an
 * operator can fix them (new token, added scope), so the notification waits and is retried with
 * backoff instead of being dropped. They are the same for every notification, so they are logged at
 * error level by the worker as `retryable` failures.
 */
const SLACK_RETRYABLE_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'timeout',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'team_access_not_granted',
  'org_login_required',
  'ekm_access_denied',
]);

/** users.lookupByEmail answers this when no member has the email: the DM is skipped. */
const NO_SUCH_MEMBER = new Set(['users_not_found', 'user_not_found']);

/** SMTP/nodemailer codes that are configuration or connection problems: retried whatever the reply code. */
const SMTP_RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EMAXLIMIT']);

export interface SenderDeps {
  mailer: Mailer;
  /**
   * Used as is: give it one without internal retries (notificationSlackClient), so a rate limit or an
   * outage comes back to the worker, which reschedules the row, instead of holding its lease for
   * minutes inside the client.
   */
  slack: WebClient;
  /** The bot token, when `slack` carries none (Bolt's app.client with an `authorize` function has none). */
  slackToken?: string | undefined;
}

/**
 * A WebClient for the notification jobs: the same API URL as the app (SLACK_API_URL, so the local double
 * stands in), no retries inside the client, rate limits rejected at once with their Retry-After
 * (the worker turns it into run_after), and a request timeout well inside the worker's lease.
 */
export function notificationSlackClient(options: { token: string; slackApiUrl?: string | undefined; logger?: Logger; timeoutMs?: number }): WebClient {
  return new WebClient(options.token, {
    ...webApiEndpoint(options.slackApiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 15_000,
    ...(options.logger ? { logger: boltLogger(options.logger, 'notifications-slack') } : {}),
  });
}

/** The function the worker calls for each claimed notification. */
export function createNotificationSender(deps: SenderDeps): SendNotification {
  const token = deps.slackToken ? { token: deps.slackToken } : {};

  async function email(n: NotificationRow, payload: EmailPayload): Promise<SendOutcome> {
    try {
      const result = await deps.mailer.send(n.id, payload);
      return { status: 'sent', ref: result.messageId };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  async function slackDm(payload: SlackDmPayload): Promise<SendOutcome> {
    let member: { id?: string; deleted?: boolean; is_bot?: boolean } | undefined;
    try {
      const found = await deps.slack.users.lookupByEmail({ ...token, email: payload.email });
      member = found.user;
    } catch (err) {
      if (slackErrorCode(err) && NO_SUCH_MEMBER.has(slackErrorCode(err)!)) return { status: 'skipped', reason: 'no Slack member has this email' };
      throw classifySlackError(err, 'users.lookupByEmail');
    }
    if (!member?.id) return { status: 'skipped', reason: 'no Slack member has this email' };
    if (member.deleted) return { status: 'skipped', reason: 'the Slack member with this email is deactivated' };
    if (member.is_bot) return { status: 'skipped', reason: 'the Slack account with this email is a bot' };
    return post({ channel: member.id, ...renderSlackDm(payload) });
  }

  async function post(payload: SlackPostPayload): Promise<SendOutcome> {
    try {
      const result = await deps.slack.chat.postMessage({
        ...token,
        channel: payload.channel,
        text: payload.text,
        ...(payload.blocks ? { blocks: payload.blocks as never } : {}),
        ...(payload.thread_ts ? { thread_ts: payload.thread_ts } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { status: 'sent', ...(result.ts ? { ref: result.ts } : {}) };
    } catch (err) {
      throw classifySlackError(err, 'chat.postMessage');
    }
  }

  return async (n) => {
    const schema = PAYLOAD_SCHEMAS[n.channel];
    const parsed = schema.safeParse(n.payload);
    if (!parsed.success) throw new DeliveryError(`malformed ${n.channel} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, false);
    switch (n.channel) {
      case 'email':
        return email(n, parsed.data as EmailPayload);
      case 'slack_dm':
        return slackDm(parsed.data as SlackDmPayload);
      case 'slack_post':
        return post(parsed.data as SlackPostPayload);
    }
  };
}

function slackErrorCode(err: unknown): string | undefined {
  const e = err as Partial<WebAPICallError> | undefined;
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** Network, HTTP status (5xx and the rest), 429 and operator-fixable errors are retryable; other Slack errors are not. */
export function classifySlackError(err: unknown, method: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as Partial<WebAPICallError> | undefined;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`${method}: rate limited, retry after ${e.retryAfter ?? '?'}s`, true, (e.retryAfter ?? 0) * 1000, { cause: err });
    case ErrorCode.HTTPError:
      return new DeliveryError(`${method}: HTTP ${e.statusCode} ${e.statusMessage ?? ''}`.trim(), true, undefined, { cause: err });
    case ErrorCode.RequestError:
      return new DeliveryError(`${method}: request failed: ${e.original?.message ?? e.message}`, true, undefined, { cause: err });
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return new DeliveryError(`${method}: ${code}`, SLACK_RETRYABLE_ERRORS.has(code), undefined, { cause: err });
    }
    default:
      return new DeliveryError(`${method}: ${err instanceof Error ? err.message : String(err)}`, true, undefined, { cause: err });
  }
}

/**
 * Connection, timeout, authentication and other setup problems are retryable; an SMTP 4xx reply is
 * retryable (RFC 5321: transient); a 5xx reply (except 503, bad sequence) rejects this message for good.
 */
export function classifySmtpError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as { code?: string; responseCode?: number; response?: string; message?: string };
  const what = e.responseCode ? `SMTP ${e.response ?? e.responseCode}` : `SMTP ${e.code ?? 'error'}: ${e.message ?? String(err)}`;
  const permanent = !SMTP_RETRYABLE_CODES.has(e.code ?? '') && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
  return new DeliveryError(what, !permanent, undefined, { cause: err });
}
