import { createHmac } from 'node:crypto';

/**
 * What Slack POSTs to /slack/events, built as templates the load generator fills per request.
 * A template is JSON text with `{{name}}` holes: `{{n}}` is the request's sequence number in the run,
 * `{{now}}` the time it is sent (ms; slash commands carry it in their trigger_id, so the Slack double
 * can time command → views.open, the moment the person sees the modal), any other name takes the
 * i-th value of `lists[name]`. A template with no hole is one constant body,
 * signed once per run; otherwise each request is filled and signed as it goes out.
 */
export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const REQUESTER = 'U0REQUESTER';
export const APPROVER = 'U0APPROVER';
export const APPROVALS_CHANNEL = 'C0APPROVALS';
export const TEAM_ID = 'T0TEAM';
export const APP_ID = 'A0APP';

export interface BodyTemplate {
  /** `form`: the filled JSON is an object of form fields (a slash command). `payload`: interactivity, sent as `payload=<json>`. */
  encoding: 'form' | 'payload';
  json: string;
  lists?: Record<string, string[]>;
  /** Added to the sequence number, so two runs never reuse a username. */
  offset?: number;
}

export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signedHeaders(body: string, contentType = 'application/x-www-form-urlencoded'): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(body, timestamp) };
}

const HOLE = /\{\{(\w+)\}\}/g;

export function isConstant(t: BodyTemplate): boolean {
  return !new RegExp(HOLE.source).test(t.json);
}

/** The body of request number `i` (0-based) of a run. */
export function fillTemplate(t: BodyTemplate, i: number): string {
  const filled = t.json.replace(HOLE, (_m, name: string) => {
    const value = name === 'n' ? String(i + (t.offset ?? 0)) : name === 'now' ? String(Date.now()) : (t.lists?.[name]?.[i % (t.lists[name]?.length ?? 1)] ?? '');
    return JSON.stringify(value).slice(1, -1);
  });
  if (t.encoding === 'payload') return new URLSearchParams({ payload: filled }).toString();
  return new URLSearchParams(JSON.parse(filled) as Record<string, string>).toString();
}

/** `/provision <text>` from the requester. `text` may hold holes. */
export function slashCommand(text: string, user = REQUESTER, responseUrl = 'https://hooks.slack.invalid/commands/1'): BodyTemplate {
  return {
    encoding: 'form',
    json: JSON.stringify({
      token: 'legacy-verification-token',
      team_id: TEAM_ID,
      team_domain: 'bench',
      channel_id: 'C0REQUESTS',
      channel_name: 'requests',
      user_id: user,
      user_name: 'requester',
      command: '/provision',
      text,
      api_app_id: APP_ID,
      response_url: responseUrl,
      trigger_id: '{{now}}.T0TEAM.bench',
    }),
  };
}

/** Slack's user object in interactivity payloads. */
function slackUser(id: string) {
  const name = id.toLowerCase();
  return { id, username: name, name, team_id: TEAM_ID };
}

/**
 * A view_submission of `view` (as the double answered it, with an id) carrying `values`
 * (`view.state.values`), whose strings may hold holes.
 */
export function viewSubmission(view: Record<string, unknown>, values: unknown, user = REQUESTER): BodyTemplate {
  const id = typeof view.id === 'string' ? view.id : 'V0BENCH';
  return {
    encoding: 'payload',
    json: JSON.stringify({
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'bench' },
      user: slackUser(user),
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      trigger_id: `1000000000.${id}.bench`,
      view: {
        ...view,
        id,
        team_id: TEAM_ID,
        type: 'modal',
        state: { values },
        hash: '1700000000.bench',
        root_view_id: id,
        previous_view_id: null,
        app_id: APP_ID,
        app_installed_team_id: TEAM_ID,
        bot_id: 'BBOT',
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    }),
  };
}

/**
 * An approver clicking Approve (`approve_request`, value = request ID) on the approval message in the
 * approvals channel. Holes: `{{requestId}}`, `{{ts}}`; `blocks` is the message as posted (optional).
 */
export function approveClick(responseUrl: string, lists: { requestId: string[]; ts: string[] }): BodyTemplate {
  return {
    encoding: 'payload',
    lists,
    json: JSON.stringify({
      type: 'block_actions',
      user: slackUser(APPROVER),
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      team: { id: TEAM_ID, domain: 'bench' },
      enterprise: null,
      is_enterprise_install: false,
      container: { type: 'message', message_ts: '{{ts}}', channel_id: APPROVALS_CHANNEL, is_ephemeral: false },
      trigger_id: '1000000000.T0TEAM.bench',
      channel: { id: APPROVALS_CHANNEL, name: 'approvals' },
      message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', app_id: APP_ID, team: TEAM_ID, ts: '{{ts}}', text: 'Request waiting for approval', blocks: [] },
      state: { values: {} },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: 'approve_request', block_id: 'approval_actions', value: '{{requestId}}', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, action_ts: '1700000000.000001' }],
    }),
  };
}
