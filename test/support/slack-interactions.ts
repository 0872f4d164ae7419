import { clientSideErrors, fillView, type SlackView, type ViewBlock, type ViewElement, type ViewOption, type ViewStateValues } from './fill-view.js';
import { ackAsResponse, slackSignature, type SlackTarget } from './slack-request.js';
import type { EnvelopeAck } from './socket-mode-server.js';

/**
 * Interactivity payloads and Events API callbacks exactly as Slack sends them to `/slack/events`:
 * interactivity as a signed form body `payload=<json>`, events as signed JSON. Given a Socket Mode
 * server instead of a base URL, the same payloads go over the socket as Slack's envelopes.
 */

export const REQUESTER = 'U0REQUESTER';
export const APPROVER = 'U0APPROVER';
export const OUTSIDER = 'U0OUTSIDER';
export const PORTAL_ADMIN = 'U0PORTALADM';
export const TEAM_ID = 'T0TEAM';
export const APP_ID = 'A0APP';
export const BOT_USER_ID = 'UBOT';

const USER_NAMES: Record<string, string> = {
  [REQUESTER]: 'requester',
  [APPROVER]: 'approver',
  [OUTSIDER]: 'outsider',
  [PORTAL_ADMIN]: 'portal.admin',
};

/** Signing overrides, as for sendSlashCommand: a wrong secret, an old timestamp, a forged signature. */
export interface SignOptions {
  secret?: string;
  timestamp?: number;
  signature?: string;
}

/** What the bot's ack carried (`response_action: 'errors' | 'update' | 'push' | 'clear'`, a url_verification challenge…). */
export interface AckBody {
  response_action?: 'errors' | 'update' | 'push' | 'clear';
  errors?: Record<string, string>;
  view?: SlackView;
  challenge?: string;
  [key: string]: unknown;
}

export interface SlackAck {
  status: number;
  /** The parsed JSON body, or null when the ack was empty (or not JSON: see `text`). */
  body: AckBody | null;
  text: string;
}

let sequence = 0;

/**
 * A trigger_id like Slack's (`<n>.<n>.<hex>`). When the interaction comes from a view, the view id is
 * one of its parts: the Slack double reads it to know which view a views.push sits on.
 */
export function triggerId(viewId?: string): string {
  return `${Date.now()}${++sequence}.${viewId ?? TEAM_ID}.${Math.random().toString(16).slice(2, 14)}`;
}

function slackUser(id: string) {
  const name = USER_NAMES[id] ?? id.toLowerCase();
  return { id, username: name, name, team_id: TEAM_ID };
}

function actionTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, '0')}`;
}

async function post(baseUrl: string, body: string, contentType: string, sign: SignOptions, headers: Record<string, string> = {}): Promise<SlackAck> {
  const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign.signature ?? slackSignature(body, timestamp, sign.secret),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  let parsed: AckBody | null = null;
  if (text) {
    try {
      parsed = JSON.parse(text) as AckBody;
    } catch {
      parsed = null;
    }
  }
  return { status: response.status, body: parsed, text };
}

async function socketAck(ack: Promise<EnvelopeAck>): Promise<SlackAck> {
  const response = ackAsResponse(await ack);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as AckBody) : null, text };
}

/** POSTs an interactivity payload as Slack does: `application/x-www-form-urlencoded`, `payload=<json>` (or an `interactive` envelope). */
export function sendInteraction(target: SlackTarget, payload: Record<string, unknown>, sign: SignOptions = {}): Promise<SlackAck> {
  if (typeof target !== 'string') return socketAck(target.deliver('interactive', payload));
  return post(target, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', sign);
}

/** The view as Slack includes it in payloads: with its id, stack, hash and the state the person left. */
function viewPayload(view: SlackView, values: ViewStateValues): SlackView {
  const id = view.id ?? `V${Date.now().toString(36).toUpperCase()}`;
  return {
    ...view,
    id,
    team_id: TEAM_ID,
    type: view.type ?? 'modal',
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    external_id: view.external_id ?? '',
    state: { values },
    hash: view.hash ?? `${Math.floor(Date.now() / 1000)}.hash`,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    root_view_id: view.root_view_id ?? id,
    previous_view_id: view.previous_view_id ?? null,
    app_id: APP_ID,
    app_installed_team_id: TEAM_ID,
    bot_id: 'BBOT',
  };
}

export interface ViewSubmission extends SignOptions {
  /** The open view (e.g. `slack.latestView()`), with the id the double gave it. */
  view: SlackView;
  /** `state.values` (e.g. from fillView); default: the view as prefilled, untouched. */
  values?: ViewStateValues;
  user?: string;
  /** For views with an input block that has `response_url_enabled`. */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
  /**
   * Send even what Slack's own client would refuse (an empty required field, text over max_length…).
   * Without it, such a submission throws: a person could not have sent it.
   */
  skipClientChecks?: boolean;
}

/** Submits a modal the way Slack does; the bot's ack tells what happens next (`response_action`). */
export async function sendViewSubmission(target: SlackTarget, submission: ViewSubmission): Promise<SlackAck> {
  const values = submission.values ?? fillView(submission.view);
  if (!submission.skipClientChecks) {
    const refused = clientSideErrors(submission.view, values);
    if (Object.keys(refused).length) {
      throw new Error(`Slack would not let a person submit ${submission.view.callback_id ?? 'this view'}: ${Object.values(refused).join('; ')} (pass skipClientChecks to send it anyway)`);
    }
  }
  const view = viewPayload(submission.view, values);
  return sendInteraction(
    target,
    {
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'example' },
      user: slackUser(submission.user ?? REQUESTER),
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      trigger_id: triggerId(view.id),
      view,
      response_urls: submission.responseUrls ?? [],
      is_enterprise_install: false,
      enterprise: null,
    },
    submission,
  );
}

/** Closing a modal that has `notify_on_close`. */
export function sendViewClosed(target: SlackTarget, closed: { view: SlackView; user?: string; isCleared?: boolean } & SignOptions): Promise<SlackAck> {
  return sendInteraction(
    target,
    {
      type: 'view_closed',
      team: { id: TEAM_ID, domain: 'example' },
      user: slackUser(closed.user ?? REQUESTER),
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      view: viewPayload(closed.view, closed.view.state?.values ?? fillView(closed.view)),
      is_cleared: closed.isCleared ?? false,
      is_enterprise_install: false,
      enterprise: null,
    },
    closed,
  );
}

export interface BlockAction extends SignOptions {
  actionId: string;
  /** Default: the block holding the only element with `actionId` in the view or message. */
  blockId?: string;
  /** A button's value (default: the button's own value). */
  value?: string;
  /** For selects, radio buttons and overflow menus: the option's text or value, or the option itself. */
  selectedOption?: string | ViewOption;
  /** For multi-selects and checkboxes: option texts or values. */
  selectedOptions?: (string | ViewOption)[];
  /** The element type; default: read from the view or message, else `button` (or `static_select` with selectedOption). */
  type?: string;
  user?: string;
  /** The view the element sits on (with its id), e.g. `slack.latestView()`. */
  view?: SlackView;
  /** The view's current state; default: `view.state.values` if it has any, else the view as prefilled. */
  values?: ViewStateValues;
  /** The message the element sits on: its blocks and ts (e.g. from `slack.latestMessage()`). */
  message?: { blocks?: ViewBlock[]; ts: string; text?: string; user?: string; bot_id?: string; thread_ts?: string };
  channelId?: string;
  /** The message's response_url, e.g. `slack.responseUrl('approval')`. */
  responseUrl?: string;
  /** The message is an ephemeral one (Slack then sends no `message`). */
  ephemeral?: boolean;
}

interface Located {
  blockId: string;
  element: ViewElement | undefined;
}

function elementsOf(block: ViewBlock): ViewElement[] {
  return [...(block.element ? [block.element] : []), ...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
}

/** Finds the element a person clicks, as they could only click what is on screen. */
function locate(blocks: ViewBlock[] | undefined, actionId: string, blockId: string | undefined): Located {
  if (!blocks) {
    if (!blockId) throw new Error(`sendBlockAction: give a blockId for ${actionId} (or the view/message it sits on)`);
    return { blockId, element: undefined };
  }
  const hits = blocks.flatMap((block) => elementsOf(block).filter((e) => e.action_id === actionId && (blockId === undefined || block.block_id === blockId)).map((element) => ({ blockId: block.block_id, element })));
  const available = blocks.flatMap((block) => elementsOf(block).filter((e) => e.action_id).map((e) => `${block.block_id ?? '?'}/${e.action_id}`));
  if (hits.length === 0) throw new Error(`Nothing to click: no element ${blockId ? `${blockId}/` : ''}${actionId} on screen. Elements there (block/action): ${available.join(', ') || '(none)'}`);
  if (hits.length > 1) throw new Error(`${hits.length} elements have action_id ${actionId}: give the blockId (${hits.map((h) => h.blockId).join(', ')})`);
  const hit = hits[0]!;
  if (!hit.blockId) throw new Error(`The block holding ${actionId} has no block_id; Slack would make one up: give blockId`);
  return { blockId: hit.blockId, element: hit.element };
}

function optionsOf(element: ViewElement | undefined): ViewOption[] {
  return [...(element?.options ?? []), ...(element?.option_groups ?? []).flatMap((g) => g.options)];
}

function pickOption(element: ViewElement | undefined, wanted: string | ViewOption): ViewOption {
  if (typeof wanted !== 'string') return wanted;
  const options = optionsOf(element);
  if (!element || options.length === 0) return { text: { type: 'plain_text', text: wanted }, value: wanted };
  const found = options.find((o) => o.text.text === wanted) ?? options.find((o) => o.value === wanted);
  if (!found) throw new Error(`${element.action_id ?? 'The element'} offers no option ${JSON.stringify(wanted)}: ${options.map((o) => JSON.stringify(o.text.text)).join(', ')}`);
  return found;
}

/** Clicks a button / picks from a select on a view or a message, as Slack reports it. */
export async function sendBlockAction(target: SlackTarget, action: BlockAction): Promise<SlackAck> {
  if (action.view && action.message) throw new Error('sendBlockAction: an element sits on a view or on a message, not both');
  const { blockId, element } = locate(action.view?.blocks ?? action.message?.blocks, action.actionId, action.blockId);
  const type = action.type ?? element?.type ?? (action.selectedOption ? 'static_select' : action.selectedOptions ? 'multi_static_select' : 'button');
  const reported: Record<string, unknown> = { type, action_id: action.actionId, block_id: blockId, action_ts: actionTs() };
  if (type === 'button') {
    if (element?.text) reported.text = element.text;
    const value = action.value ?? element?.value;
    if (value !== undefined) reported.value = value;
    if (element?.style) reported.style = element.style;
  } else if (action.selectedOptions) {
    reported.selected_options = action.selectedOptions.map((o) => pickOption(element, o));
  } else if (action.selectedOption !== undefined) {
    reported.selected_option = pickOption(element, action.selectedOption);
  } else if (action.value !== undefined) {
    const key: Record<string, string> = {
      users_select: 'selected_user',
      conversations_select: 'selected_conversation',
      channels_select: 'selected_channel',
      datepicker: 'selected_date',
      timepicker: 'selected_time',
    };
    reported[key[type] ?? 'value'] = action.value;
  }
  const user = slackUser(action.user ?? REQUESTER);
  const common = {
    type: 'block_actions',
    user,
    api_app_id: APP_ID,
    token: 'legacy-verification-token',
    team: { id: TEAM_ID, domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    actions: [reported],
  };
  if (action.view) {
    const values = action.values ?? (action.view.state && Object.keys(action.view.state.values).length ? action.view.state.values : fillView(action.view));
    const view = viewPayload(action.view, values);
    return sendInteraction(target, { ...common, container: { type: 'view', view_id: view.id }, trigger_id: triggerId(view.id), view }, action);
  }
  const channelId = action.channelId ?? 'C0REQUESTS';
  const ts = action.message?.ts ?? actionTs();
  return sendInteraction(
    target,
    {
      ...common,
      container: { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: action.ephemeral ?? false },
      trigger_id: triggerId(),
      channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'requests' },
      ...(action.ephemeral || !action.message
        ? {}
        : {
            message: {
              type: 'message',
              user: action.message.user ?? BOT_USER_ID,
              bot_id: action.message.bot_id ?? 'BBOT',
              app_id: APP_ID,
              team: TEAM_ID,
              ts,
              text: action.message.text ?? '',
              blocks: action.message.blocks ?? [],
              ...(action.message.thread_ts ? { thread_ts: action.message.thread_ts } : {}),
            },
          }),
      state: { values: {} },
      response_url: action.responseUrl ?? `https://hooks.slack.invalid/actions/${TEAM_ID}/${++sequence}/unset`,
    },
    action,
  );
}

export interface MessageShortcut extends SignOptions {
  callbackId: string;
  messageText: string;
  /** Who runs the shortcut. */
  user?: string;
  /** Who wrote the message (default: the person running the shortcut). */
  messageUser?: string;
  messageTs?: string;
  messageBlocks?: ViewBlock[];
  /** Files attached to the message (as `slack.addFile` made them). */
  messageFiles?: { id: string; name: string; filetype?: string }[];
  channelId?: string;
  responseUrl?: string;
}

/** Runs a message shortcut ("More actions" on a message). */
export function sendMessageShortcut(target: SlackTarget, shortcut: MessageShortcut): Promise<SlackAck> {
  const ts = shortcut.messageTs ?? actionTs();
  const channelId = shortcut.channelId ?? 'C0REQUESTS';
  const author = shortcut.messageUser ?? shortcut.user ?? REQUESTER;
  return sendInteraction(
    target,
    {
      type: 'message_action',
      token: 'legacy-verification-token',
      action_ts: actionTs(),
      team: { id: TEAM_ID, domain: 'example' },
      user: slackUser(shortcut.user ?? REQUESTER),
      channel: { id: channelId, name: 'requests' },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: shortcut.callbackId,
      trigger_id: triggerId(),
      response_url: shortcut.responseUrl ?? `https://hooks.slack.invalid/actions/${TEAM_ID}/${++sequence}/unset`,
      message_ts: ts,
      message: {
        type: 'message',
        user: author,
        ts,
        text: shortcut.messageText,
        team: TEAM_ID,
        ...(shortcut.messageBlocks ? { blocks: shortcut.messageBlocks } : {}),
        ...(shortcut.messageFiles ? { files: shortcut.messageFiles } : {}),
      },
    },
    shortcut,
  );
}

/** Runs a global shortcut (the lightning-bolt menu). */
export function sendGlobalShortcut(target: SlackTarget, shortcut: { callbackId: string; user?: string } & SignOptions): Promise<SlackAck> {
  return sendInteraction(
    target,
    {
      type: 'shortcut',
      token: 'legacy-verification-token',
      action_ts: actionTs(),
      team: { id: TEAM_ID, domain: 'example' },
      user: slackUser(shortcut.user ?? REQUESTER),
      is_enterprise_install: false,
      enterprise: null,
      callback_id: shortcut.callbackId,
      trigger_id: triggerId(),
    },
    shortcut,
  );
}

export interface EventOptions extends SignOptions {
  /** Sends `x-slack-retry-num` (and `x-slack-retry-reason`, default http_timeout): Slack redelivering. */
  retryNum?: number;
  retryReason?: string;
  /** Reuse an event_id to redeliver the same event. */
  eventId?: string;
}

/** Delivers an Events API `event_callback` (signed JSON). Returns the ack and the event_id used. */
export async function sendEvent(target: SlackTarget, event: Record<string, unknown> & { type: string }, options: EventOptions = {}): Promise<SlackAck & { eventId: string }> {
  const eventId = options.eventId ?? `Ev${Date.now().toString(36).toUpperCase()}${++sequence}`;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    context_team_id: TEAM_ID,
    api_app_id: APP_ID,
    event: { event_ts: `${now}.${String(++sequence).padStart(6, '0')}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: now,
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(eventId).toString('base64url')}`,
  });
  if (typeof target !== 'string') {
    const retry = options.retryNum === undefined ? {} : { retryAttempt: options.retryNum, retryReason: options.retryReason ?? 'timeout' };
    return { ...(await socketAck(target.deliver('events_api', JSON.parse(body) as Record<string, unknown>, retry))), eventId };
  }
  const headers: Record<string, string> = options.retryNum === undefined ? {} : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': options.retryReason ?? 'http_timeout' };
  return { ...(await post(target, body, 'application/json', options, headers)), eventId };
}

/** An `app_home_opened` event for the Home tab (pass the published view once there is one). */
export function appHomeOpened(user: string, view?: SlackView): Record<string, unknown> & { type: string } {
  return { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', ...(view ? { view } : {}) };
}

/** Slack's `url_verification` handshake; the bot must echo the challenge. */
export function sendUrlVerification(baseUrl: string, challenge: string, sign: SignOptions = {}): Promise<SlackAck> {
  return post(baseUrl, JSON.stringify({ token: 'legacy-verification-token', challenge, type: 'url_verification' }), 'application/json', sign);
}
