import { createHmac } from 'node:crypto';
import type { EnvelopeAck, SocketModeServer } from './socket-mode-server.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Signs a body the way Slack does (v0 HMAC-SHA256 over `v0:timestamp:body`). */
export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Where Slack delivers to the bot: its base URL over HTTP (signed POSTs to /slack/events), or, in
 * Socket Mode, the local Socket Mode server the bot is connected to (envelopes acked over the socket).
 */
export type SlackTarget = string | SocketModeServer;

/** An envelope ack as the HTTP ack it stands for: an empty ack is an empty 200, a payload is its JSON. */
export function ackAsResponse(ack: EnvelopeAck): Response {
  const payload = ack.payload ?? {};
  if (Object.keys(payload).length === 0) return new Response('', { status: 200 });
  return new Response(JSON.stringify(payload), { status: 200, headers: { 'content-type': 'application/json' } });
}

export interface SlashCommand {
  text: string;
  user_id?: string;
  channel_id?: string;
  trigger_id?: string;
  /** Where the bot's later replies go; point it at the Slack double to record them. */
  response_url?: string;
}

/**
 * Sends a slash command to the bot as Slack would: over HTTP form-encoded and signed; in Socket Mode
 * as a `slash_commands` envelope. Either way the answer is the ack as an HTTP response.
 */
export async function sendSlashCommand(target: SlackTarget, command: SlashCommand, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
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
  if (typeof target !== 'string') return ackAsResponse(await target.deliver('slash_commands', Object.fromEntries(new URLSearchParams(body))));
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${target}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(body, timestamp, options.secret),
    },
    body,
  });
}
