import { WebClient } from '@slack/web-api';
import { boltLogger, type Logger } from '../logger.js';
import type { FindSlackMember } from '../services/password-delivery.js';
import { webApiEndpoint } from '../web-api-fetch.js';

/**
 * Slack answers a submission's ack within 3 s, and the lookup runs before it: one try, a short
 * timeout, no retries and no waiting out a rate limit. Any failure is "unknown", never "no member".
 */
const LOOKUP_TIMEOUT_MS = 1_500;

/** users.lookupByEmail answers these when no member has the address. */
const NO_SUCH_MEMBER = new Set(['users_not_found', 'user_not_found']);

export function slackMemberFinder(options: { token: string; slackApiUrl?: string | undefined; logger: Logger }): FindSlackMember {
  const client = new WebClient(options.token, {
    ...webApiEndpoint(options.slackApiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: LOOKUP_TIMEOUT_MS,
    logger: boltLogger(options.logger, 'slack-member-lookup'),
  });
  return async (email) => {
    try {
      const { user } = await client.users.lookupByEmail({ email });
      return user?.id && !user.deleted && !user.is_bot ? 'member' : 'no_member';
    } catch (err) {
      const code = (err as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && NO_SUCH_MEMBER.has(code)) return 'no_member';
      // Not the address: the email stays out of the log, the reason goes in.
      options.logger.warn({ code: typeof code === 'string' ? code : (err as { code?: unknown }).code }, 'could not look up a Slack member by email');
      return 'unknown';
    }
  };
}
