import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Signs a body the way Slack does (v0 HMAC-SHA256 over `v0:timestamp:body`). */
export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommand {
  text: string;
  user_id?: string;
  channel_id?: string;
  trigger_id?: string;
  /** Where the bot's later replies go; point it at the Slack double to record them. */
  response_url?: string;
}

/** POSTs a slash command to the bot as Slack would: form-encoded and signed. */
export async function sendSlashCommand(baseUrl: string, command: SlashCommand, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'example',
    channel_id: command.channel_id ?? 'C0REQUESTS',
    channel_name: 'requests',
    user_id: command.user_id ?? 'U0REQUESTER',
    user_name: 'requester',
    command: '/provision',
    text: command.text,
    api_app_id: 'A0APP',
    response_url: command.response_url ?? 'https://hooks.slack.invalid/commands/1',
    trigger_id: command.trigger_id ?? `trigger-${Date.now()}`,
  }).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(body, timestamp, options.secret),
    },
    body,
  });
}
