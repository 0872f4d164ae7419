import { WebClient } from '@slack/web-api';
import type { AuthorizeResult } from '@slack/bolt';
import { boltLogger, type Logger } from '../logger.js';
import { webApiEndpoint } from '../web-api-fetch.js';

/**
 * Asks Slack once, at start-up, who the bot is (auth.test), while the database opens: start-up does
 * not wait on Slack. A rejected or unreachable token is logged as an error naming SLACK_BOT_TOKEN and
 * the bot still starts, so that /healthz and the logs can say what is wrong.
 */
export async function resolveBotIdentity(botToken: string, slackApiUrl: string | undefined, logger: Logger): Promise<AuthorizeResult> {
  const client = new WebClient(botToken, { ...webApiEndpoint(slackApiUrl), retryConfig: { retries: 1 }, logger: boltLogger(logger, 'slack-web-api') });
  try {
    const result = await client.auth.test();
    logger.info({ botUserId: result.user_id, team: result.team }, 'Slack accepted the bot token');
    return { botToken, botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id };
  } catch (err) {
    logger.error({ reason: err instanceof Error ? err.message : String(err) }, 'Slack did not accept SLACK_BOT_TOKEN (auth.test failed): check the token and SLACK_API_URL');
    return { botToken };
  }
}
