import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModalView } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockIdOfLabel, clientSideErrors, fillView, inputLabels, optionTexts, type SlackView, type ViewStateValues } from '../support/fill-view.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { APPROVER, appHomeOpened, sendBlockAction, sendEvent, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { SIGNING_SECRET, slackSignature } from '../support/slack-request.js';

const opt = (text: string, value: string) => ({ text: { type: 'plain_text' as const, text }, value });
const label = (text: string) => ({ type: 'plain_text' as const, text });

const sample: SlackView = {
  type: 'modal',
  callback_id: 'sample',
  title: label('Sample'),
  submit: label('Submit'),
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Hello' } },
    { type: 'input', block_id: 'username', label: label('Username'), element: { type: 'plain_text_input', action_id: 'value', max_length: 8 } },
    { type: 'input', block_id: 'first', label: label('First name'), element: { type: 'plain_text_input', action_id: 'value', initial_value: 'Jane' } },
    { type: 'input', block_id: 'email', label: label('Email'), optional: true, element: { type: 'email_text_input', action_id: 'value' } },
    { type: 'input', block_id: 'count', label: label('Count'), optional: true, element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false } },
    {
      type: 'input',
      block_id: 'site',
      label: label('Site'),
      element: { type: 'static_select', action_id: 'value', options: [opt('Boston', 'bos'), opt('Denver', 'den')], initial_option: opt('Denver', 'den') },
    },
    {
      type: 'input',
      block_id: 'grouped',
      label: label('Grouped'),
      optional: true,
      element: { type: 'static_select', action_id: 'value', option_groups: [{ label: label('East'), options: [opt('Boston', 'bos')] }, { label: label('West'), options: [opt('Denver', 'den')] }] },
    },
    { type: 'input', block_id: 'teams', label: label('Teams'), optional: true, element: { type: 'multi_static_select', action_id: 'value', options: [opt('Red', 'r'), opt('Blue', 'b'), opt('Green', 'g')] } },
    {
      type: 'input',
      block_id: 'access',
      label: label('Access'),
      optional: true,
      element: { type: 'checkboxes', action_id: 'value', options: [opt('Voicemail', 'vm'), opt('Recording', 'rec')], initial_options: [opt('Recording', 'rec')] },
    },
    { type: 'input', block_id: 'kind', label: label('Kind'), element: { type: 'radio_buttons', action_id: 'value', options: [opt('Agent', 'agent'), opt('User', 'user')] } },
    { type: 'actions', block_id: 'tools', elements: [{ type: 'button', action_id: 'choose', text: label('Choose'), value: 'go' }, { type: 'static_select', action_id: 'filter', options: [opt('All', 'all')] }] },
  ],
};

describe('fillView', () => {
  it('lists labels, block ids and options', () => {
    expect(inputLabels(sample)).toEqual(['Username', 'First name', 'Email', 'Count', 'Site', 'Grouped', 'Teams', 'Access', 'Kind']);
    expect(blockIdOfLabel(sample, 'Site')).toBe('site');
    expect(optionTexts(sample, 'Grouped')).toEqual(['Boston', 'Denver']);
  });

  it('produces the state Slack sends for each element type', () => {
    const values = fillView(sample, {
      Username: 'jdoe',
      Email: 'jane@example.com',
      Count: '3',
      Site: 'Boston',
      Grouped: 'den',
      Teams: ['Red', 'Green'],
      Access: true,
      Kind: 'Agent',
    });
    expect(values.username).toEqual({ value: { type: 'plain_text_input', value: 'jdoe' } });
    expect(values.email?.value).toEqual({ type: 'email_text_input', value: 'jane@example.com' });
    expect(values.count?.value).toEqual({ type: 'number_input', value: '3' });
    expect(values.site?.value).toEqual({ type: 'static_select', selected_option: opt('Boston', 'bos') });
    expect(values.grouped?.value).toEqual({ type: 'static_select', selected_option: opt('Denver', 'den') });
    expect(values.teams?.value).toEqual({ type: 'multi_static_select', selected_options: [opt('Red', 'r'), opt('Green', 'g')] });
    expect(values.access?.value).toEqual({ type: 'checkboxes', selected_options: [opt('Voicemail', 'vm'), opt('Recording', 'rec')] });
    expect(values.kind?.value).toEqual({ type: 'radio_buttons', selected_option: opt('Agent', 'agent') });
    // A select in an actions block is stateful too; buttons are not.
    expect(values.tools).toEqual({ filter: { type: 'static_select', selected_option: null } });
    expect(fillView(sample, { Access: ['Voicemail'] }).access?.value?.selected_options).toEqual([opt('Voicemail', 'vm')]);
    expect(fillView(sample, { Access: false }).access?.value?.selected_options).toEqual([]);
  });

  it('keeps what the view prefilled for untouched inputs, leaves the rest empty, and clears on null', () => {
    const values = fillView(sample, { Username: 'jdoe' });
    expect(values.first?.value).toEqual({ type: 'plain_text_input', value: 'Jane' });
    expect(values.site?.value?.selected_option).toEqual(opt('Denver', 'den'));
    expect(values.access?.value?.selected_options).toEqual([opt('Recording', 'rec')]);
    expect(values.email?.value).toEqual({ type: 'email_text_input', value: null });
    expect(values.kind?.value).toEqual({ type: 'radio_buttons', selected_option: null });
    expect(values.teams?.value).toEqual({ type: 'multi_static_select', selected_options: [] });
    const cleared = fillView(sample, { 'First name': null, Site: null });
    expect(cleared.first?.value?.value).toBeNull();
    expect(cleared.site?.value?.selected_option).toBeNull();
  });

  it('names the labels there are when asked for one that is not, and the options when an answer is not one', () => {
    expect(() => fillView(sample, { 'User name': 'x' })).toThrow(/No input labelled "User name" in view sample\. Its inputs are: "Username", "First name"/);
    expect(() => fillView(sample, { Site: 'Paris' })).toThrow(/"Site" offers no option "Paris"\. Its options are: "Boston", "Denver"/);
    expect(() => optionTexts(sample, 'Nope')).toThrow(/No input labelled "Nope"/);
  });

  it('says what Slack itself would refuse to submit', () => {
    expect(clientSideErrors(sample, fillView(sample, { Username: 'jdoe', Kind: 'User' }))).toEqual({});
    const errors = clientSideErrors(sample, fillView(sample, { Username: 'much-too-long', 'First name': '', Email: 'nope', Count: '1.5' }));
    expect(Object.keys(errors).sort()).toEqual(['count', 'email', 'first', 'kind', 'username']);
  });
});

/** The parts of Web API answers these tests read. */
interface WebAnswer {
  ok: boolean;
  error?: string;
  view: SlackView & { id: string; hash: string };
  channel: string;
  ts: string;
  message_ts?: string;
  user: { id: string };
  [key: string]: unknown;
}

/** The parts of interactivity payloads these tests read. */
interface Payload {
  view: SlackView & { state: { values: ViewStateValues } };
  actions: Record<string, unknown>[];
  container: unknown;
  trigger_id: string;
  [key: string]: unknown;
}

describe('the Slack double', () => {
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await startSlackDouble();
  });
  afterAll(async () => {
    await slack.close();
  });

  const call = async (method: string, args: Record<string, unknown>, form = false) => {
    const response = await fetch(`${slack.url}${method}`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', authorization: 'Bearer xoxb-test' },
      body: form ? new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() : JSON.stringify(args),
    });
    return (await response.json()) as WebAnswer;
  };

  it('records what is POSTed to a response_url', async () => {
    const url = slack.responseUrl('approval 1');
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, text: 'Approved' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(await slack.waitForResponse((r) => r.url === url)).toEqual({ url, body: { replace_original: true, text: 'Approved' } });
  });

  it('gives views ids: open starts a stack, push stacks on the view the trigger came from, update keeps the id', async () => {
    const opened = await call('views.open', { trigger_id: triggerId(), view: sample }, true);
    expect(opened.ok).toBe(true);
    const root = opened.view.id;
    expect(opened.view).toMatchObject({ callback_id: 'sample', root_view_id: root, previous_view_id: null, state: { values: {} } });
    expect(slack.latestView().id).toBe(root);
    expect(slack.callsTo('views.open')[0]?.args.view).toMatchObject({ callback_id: 'sample' });

    const pushed = await call('views.push', { trigger_id: triggerId(root), view: { ...sample, callback_id: 'step2' } });
    expect(pushed.view.id).not.toBe(root);
    expect(pushed.view).toMatchObject({ root_view_id: root, previous_view_id: root });
    expect(slack.latestView('views.push').callback_id).toBe('step2');

    const updated = await call('views.update', { view_id: root, hash: opened.view.hash, view: { ...sample, private_metadata: 'v2' } });
    expect(updated.view).toMatchObject({ id: root, root_view_id: root, private_metadata: 'v2' });
    expect(updated.view.hash).not.toBe(opened.view.hash);
    expect(slack.viewById(root).private_metadata).toBe('v2');
    expect(await call('views.update', { view_id: root, hash: opened.view.hash, view: sample })).toEqual({ ok: false, error: 'hash_conflict' });
    expect(await call('views.update', { view_id: 'VNOPE', view: sample })).toEqual({ ok: false, error: 'not_found' });
    expect((await call('views.open', { trigger_id: triggerId(), view: { ...sample, title: label('A title far too long to show') } })).error).toBe('invalid_arguments');
  });

  it('answers messages, users and groups the way Slack does, and fails once on demand', async () => {
    const first = await call('chat.postMessage', { channel: 'C0APPROVALS', text: 'one' });
    const second = await call('chat.postMessage', { channel: APPROVER, text: 'two' });
    expect(first).toMatchObject({ ok: true, channel: 'C0APPROVALS', message: { text: 'one' } });
    expect(second.channel).toBe(`D${APPROVER}`);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(await call('chat.update', { channel: 'C0APPROVALS', ts: first.ts, text: 'edited' })).toMatchObject({ ok: true, ts: first.ts });
    expect(slack.message(first.ts).text).toBe('edited');
    expect((await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'hi' })).message_ts).toMatch(/^\d+\.\d+$/);
    expect(await call('conversations.open', { users: APPROVER })).toEqual({ ok: true, channel: { id: `D${APPROVER}` } });

    slack.setSlackUser('U0JANE', { email: 'jane@example.com', realName: 'Jane Doe' });
    expect((await call('users.info', { user: 'U0JANE' })).user).toMatchObject({ id: 'U0JANE', real_name: 'Jane Doe', profile: { email: 'jane@example.com' } });
    expect(await call('users.info', { user: 'U0NOBODY' })).toEqual({ ok: false, error: 'user_not_found' });
    expect((await call('users.lookupByEmail', { email: 'JANE@example.com' })).user.id).toBe('U0JANE');
    expect(await call('users.lookupByEmail', { email: 'x@example.com' })).toEqual({ ok: false, error: 'users_not_found' });
    slack.setUsergroupUsers('S0APPROVERS', [APPROVER]);
    expect(await call('usergroups.users.list', { usergroup: 'S0APPROVERS' })).toEqual({ ok: true, users: [APPROVER] });

    slack.failNext('chat.postMessage', 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    const limited = await fetch(`${slack.url}chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"channel":"C1","text":"x"}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it("works for the bot's own Web API client: form-encoded views decoded, a 429 retried after Retry-After", async () => {
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 1, minTimeout: 0 } });
    const opened = await client.views.open({ trigger_id: triggerId(), view: sample as unknown as ModalView });
    const since = slack.calls.length;
    expect(slack.latestView()).toMatchObject({ id: opened.view?.id, callback_id: 'sample' });
    slack.failNext('views.update', 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    const updated = await client.views.update({ view_id: opened.view!.id!, view: { ...(sample as unknown as ModalView), private_metadata: 'again' } });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect(slack.calls.slice(since).map((c) => [c.method, c.status])).toEqual([
      ['views.update', 429],
      ['views.update', 200],
    ]);
    expect(slack.calls[since]?.token).toBe('xoxb-test');
    expect(slack.calls[since]?.args.view).toMatchObject({ private_metadata: 'again' });
  });

  it('waitFor resolves on a call made later and times out naming the calls it saw', async () => {
    const since = slack.calls.length;
    const waiting = slack.waitFor('chat.delete', 2000, since);
    setTimeout(() => void call('chat.delete', { channel: 'C1', ts: '1.0' }), 20);
    expect((await waiting).method).toBe('chat.delete');
    await expect(slack.waitFor('views.publish', 50, slack.calls.length)).rejects.toThrow(/Timed out after 50 ms waiting for a Slack call to views.publish/);
  });
});

describe('signed interactions', () => {
  let server: Server;
  let baseUrl: string;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ response_action: 'errors', errors: { username: 'Taken' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends a view_submission as a signed payload= form and returns the parsed ack', async () => {
    const view = { ...sample, id: 'V9', hash: 'h1' };
    const ack = await sendViewSubmission(baseUrl, { view, values: fillView(view, { Username: 'jdoe', Kind: 'User' }) });
    expect(ack.body).toEqual({ response_action: 'errors', errors: { username: 'Taken' } });
    const last = received[received.length - 1]!;
    const timestamp = Number(last.headers['x-slack-request-timestamp']);
    expect(last.headers['x-slack-signature']).toBe(slackSignature(last.body, timestamp, SIGNING_SECRET));
    const payload = JSON.parse(new URLSearchParams(last.body).get('payload')!) as Payload;
    expect(payload).toMatchObject({ type: 'view_submission', user: { id: 'U0REQUESTER' }, view: { id: 'V9', root_view_id: 'V9', hash: 'h1' } });
    expect(payload.view.state.values.username?.value).toEqual({ type: 'plain_text_input', value: 'jdoe' });
    await expect(sendViewSubmission(baseUrl, { view })).rejects.toThrow(/Slack would not let a person submit sample: "Username" is required/);
  });

  it('finds the clicked element on the view, and sends events with retry headers', async () => {
    await sendBlockAction(baseUrl, { actionId: 'choose', view: { ...sample, id: 'V9' }, user: APPROVER });
    const payload = JSON.parse(new URLSearchParams(received[received.length - 1]!.body).get('payload')!) as Payload;
    expect(payload.actions[0]).toMatchObject({ type: 'button', action_id: 'choose', block_id: 'tools', value: 'go' });
    expect(payload.container).toEqual({ type: 'view', view_id: 'V9' });
    expect(payload.trigger_id).toContain('.V9.');
    await expect(sendBlockAction(baseUrl, { actionId: 'nope', view: sample })).rejects.toThrow(/no element nope on screen.*tools\/choose/);

    const { eventId } = await sendEvent(baseUrl, appHomeOpened(APPROVER), { retryNum: 1 });
    const last = received[received.length - 1]!;
    expect(last.headers['x-slack-retry-num']).toBe('1');
    expect(JSON.parse(last.body)).toMatchObject({ type: 'event_callback', event_id: eventId, event: { type: 'app_home_opened', user: APPROVER } });
  });
});
