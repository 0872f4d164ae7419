import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, requests, users } from '../../src/db/schema/index.js';
import { EXPORT_NOT_ALLOWED_TEXT } from '../../src/slack/flows/export.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { depsFor, softphone } from '../support/fixtures.js';
import { blockIdOfLabel, fillView, optionTexts, type SlackView, type ViewBlock, type ViewStateValues } from '../support/fill-view.js';
import { rowCounts } from '../support/queries.js';
import type { SlackMessage } from '../support/slack-double.js';
import { APPROVER, OUTSIDER, PORTAL_ADMIN, REQUESTER, sendBlockAction, sendViewSubmission, triggerId, type SlackAck } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval, setupRequester } from '../support/through-approval.js';

/**
 * Every button, view and command is checked on the server against who sent it, whatever the client
 * was shown: Slack payloads are forgeable by anyone who can click, and by anyone holding a view's JSON.
 */

const APPROVALS_CHANNEL = 'C0APPROVALS';
const NOT_ON_LIST = /not on the list of people who can make provisioning requests/;
const NOT_APPROVER = /Only contact-center admins on the approvers list/;

/** Metadata with the User Info state changed: at the top (User Info, its steps) or under `p` (Collections). */
function withParent(real: string, change: Record<string, unknown>): string {
  const parsed = JSON.parse(real) as Record<string, unknown>;
  if (typeof parsed.p === 'object' && parsed.p !== null) return JSON.stringify({ ...parsed, p: { ...parsed.p, ...change } });
  return JSON.stringify({ ...parsed, ...change });
}

const inputIds = (view: SlackView) => view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id ?? '');

describe(`authorization of every Slack interaction (${testDriver})`, () => {
  let t: TestBot;
  let userView: SlackView;
  let agentView: SlackView;
  let cloneView: SlackView;
  let adminView: SlackView;
  let extensionView: SlackView;
  let collectionsStep: SlackView;
  let agentExtensionStep: SlackView;
  let findMessage: { blocks: ViewBlock[]; ts: string };
  let sequence = 0;

  const requestCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;
  const snapshot = async () => ({ ...(await rowCounts(t.db)), requests: await requestCount() });
  const modalCalls = (since: number) => t.slack.calls.slice(since).filter((c) => c.method.startsWith('views.') && c.method !== 'views.publish');
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Waits until the bot has stopped calling Slack (what it does after an ack). */
  const settle = async () => {
    let seen = -1;
    while (seen !== t.slack.calls.length + t.slack.responses.length) {
      seen = t.slack.calls.length + t.slack.responses.length;
      await pause(50);
    }
  };

  async function open(text: string, user = REQUESTER): Promise<SlackView> {
    const since = t.slack.calls.length;
    expect((await sendSlashCommand(t.baseUrl, { text, user_id: user, trigger_id: triggerId() })).status).toBe(200);
    return t.slack.waitForView({ method: 'views.open', since });
  }

  async function push(actionId: string, view: SlackView): Promise<SlackView> {
    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId, view, values: fillView(view) });
    return t.slack.waitForView({ method: 'views.push', since });
  }

  /** A clean refusal or a clean ack: 200, and either nothing or `errors` on inputs of the submitted view. */
  function expectNoServerError(ack: SlackAck, view: SlackView): void {
    expect(ack.status, ack.text).toBe(200);
    if (ack.text === '') return;
    // A problem that belongs to no field of the view is pushed as a view of its own, never put under another field.
    if (ack.body?.response_action === 'push') return void expect(ack.body.view?.callback_id).toBe(VIEWS.formProblems);
    expect(ack.body?.response_action, ack.text).toBe('errors');
    const ids = inputIds(view);
    for (const key of Object.keys(ack.body?.errors ?? {})) expect(ids).toContain(key);
  }

  const person = (username: string) => ({ Username: username, 'First Name': 'Aut', 'Last Name': 'Horised', 'Phone Number': '555-555-4444' });

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    for (const n of [1500, 1501]) await extensionThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, softphone({ extensionNumber: n }));
    await t.db.insert(users).values({ username: 'source', firstName: 'So', lastName: 'Urce', phone: '+15555551111', profileKey: 'standard-agent', userType: 'non_agent', createdBy: REQUESTER });
    userView = await open('user');
    agentView = await open('agent');
    cloneView = await open('clone source');
    adminView = await open('user', PORTAL_ADMIN);
    extensionView = await open('extension');
    collectionsStep = await push(ACTIONS.chooseCollections, userView);
    agentExtensionStep = await push(ACTIONS.setUpNewExtension, agentView);
    const found = (await (await sendSlashCommand(t.baseUrl, { text: 'find source' })).json()) as { blocks: ViewBlock[] };
    findMessage = { blocks: found.blocks, ts: '1700000000.000100' };
    expect(JSON.stringify(found.blocks)).toContain(ACTIONS.cloneUser);
    await settle();
  });
  afterAll(async () => t?.close());

  describe('an outsider (not in REQUESTER_IDS)', () => {
    it('is refused every /provision subcommand, with nothing opened', async () => {
      const since = t.slack.calls.length;
      for (const text of ['user', 'agent', 'extension', 'clone source', 'find source', 'find <!channel>']) {
        const body = (await (await sendSlashCommand(t.baseUrl, { text, user_id: OUTSIDER })).json()) as { text: string; blocks?: unknown };
        expect(body.text).toMatch(NOT_ON_LIST);
        // Not even who exists: no result rows for them.
        expect(JSON.stringify(body)).not.toContain('source');
      }
      await settle();
      expect(modalCalls(since)).toEqual([]);
    });

    it('is refused the export, with nothing read, opened or uploaded', async () => {
      const since = t.slack.calls.length;
      for (const text of ['export', 'export source', 'export status:all']) {
        const body = (await (await sendSlashCommand(t.baseUrl, { text, user_id: OUTSIDER })).json()) as { text: string };
        expect(body.text).toBe(EXPORT_NOT_ALLOWED_TEXT);
      }
      await settle();
      expect(t.slack.calls.slice(since).map((c) => c.method)).toEqual([]);
      expect(t.slack.uploadedFiles()).toEqual([]);
    });

    const modalActions: { actionId: string; view: () => SlackView }[] = [
      { actionId: ACTIONS.chooseCollections, view: () => userView },
      { actionId: ACTIONS.setUpNewExtension, view: () => agentView },
      { actionId: ACTIONS.selectAllUsers, view: () => collectionsStep },
      { actionId: ACTIONS.deselectAllUsers, view: () => collectionsStep },
      { actionId: ACTIONS.selectAllAgents, view: () => collectionsStep },
      { actionId: ACTIONS.deselectAllAgents, view: () => collectionsStep },
    ];
    for (const { actionId, view } of modalActions) {
      it(`clicking ${actionId} on a modal they got hold of opens or changes nothing`, async () => {
        const before = await snapshot();
        const since = t.slack.calls.length;
        const ack = await sendBlockAction(t.baseUrl, { actionId, view: view(), values: fillView(view()), user: OUTSIDER });
        expect(ack.status).toBe(200);
        await settle();
        expect(modalCalls(since)).toEqual([]);
        expect(await snapshot()).toEqual(before);
      });
    }

    const messageActions: { actionId: string; blockId?: string; selectedOption?: string }[] = [
      { actionId: ACTIONS.cloneUser, blockId: 'user_actions_source' },
      { actionId: ACTIONS.viewUser, blockId: 'user_actions_source' },
      { actionId: ACTIONS.findFilter, blockId: 'find_header', selectedOption: 'Agents' },
      { actionId: ACTIONS.findFilter, blockId: 'find_status', selectedOption: 'Active and deactivated' },
      { actionId: ACTIONS.findPage },
    ];
    for (const { actionId, blockId, selectedOption } of messageActions) {
      it(`clicking ${actionId}${blockId ? ` in ${blockId}` : ''} on a find result is answered “not on the list”, with nothing opened or shown`, async () => {
        const before = await snapshot();
        const since = t.slack.calls.length;
        const url = t.slack.responseUrl(`outsider-${actionId}-${++sequence}`);
        // find_page has no button on a one-page result: forge one carrying a real query.
        const message =
          actionId === ACTIONS.findPage
            ? { blocks: [{ type: 'actions', block_id: 'find_page_next', elements: [{ type: 'button', action_id: ACTIONS.findPage, value: 'a|2|source' }] }], ts: findMessage.ts }
            : findMessage;
        const ack = await sendBlockAction(t.baseUrl, { actionId, ...(blockId ? { blockId } : {}), ...(selectedOption ? { selectedOption } : {}), message, responseUrl: url, ephemeral: true, user: OUTSIDER });
        expect(ack.status).toBe(200);
        const reply = await t.slack.waitForResponse((r) => r.url === url);
        expect(String(reply.body.text)).toMatch(NOT_ON_LIST);
        expect(reply.body.replace_original).toBe(false);
        expect(JSON.stringify(reply.body)).not.toContain('source');
        await settle();
        expect(t.slack.responses.filter((r) => r.url === url)).toHaveLength(1);
        expect(modalCalls(since)).toEqual([]);
        expect(await snapshot()).toEqual(before);
      });
    }

    const submissions: { name: string; view: () => SlackView; values: () => ViewStateValues }[] = [
      { name: 'User Info (user)', view: () => userView, values: () => fillView(userView, person('outsider1')) },
      { name: 'User Info (agent)', view: () => agentView, values: () => fillView(agentView, { ...person('outsider2'), 'Primary Phone (Extension)': '1500' }) },
      { name: 'User Info (clone)', view: () => cloneView, values: () => fillView(cloneView, person('outsider3')) },
      { name: 'Collections', view: () => collectionsStep, values: () => fillView(collectionsStep) },
      { name: 'Extension', view: () => extensionView, values: () => fillView(extensionView, { 'Device Name': 'Outsider desk', 'Device Type': 'Softphone' }) },
      { name: 'Agent’s Extension step', view: () => agentExtensionStep, values: () => fillView(agentExtensionStep, { 'Device Name': 'Outsider desk', 'Device Type': 'Softphone' }) },
    ];
    for (const { name, view, values } of submissions) {
      it(`submitting ${name} stores nothing and opens or updates nothing`, async () => {
        const before = await snapshot();
        const since = t.slack.calls.length;
        const ack = await sendViewSubmission(t.baseUrl, { view: view(), values: values(), user: OUTSIDER });
        expectNoServerError(ack, view());
        // A submission that would store (User Info, Extension) is answered on the form; a step just closes.
        if (view().callback_id === VIEWS.userInfo || view().callback_id === VIEWS.extension) {
          expect(Object.values(ack.body?.errors ?? {}).join(' ')).toMatch(NOT_ON_LIST);
        }
        await settle();
        expect(modalCalls(since)).toEqual([]);
        expect(t.slack.calls.slice(since).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
        expect(await snapshot()).toEqual(before);
        expect(await t.db.select().from(requests).where(eq(requests.requesterId, OUTSIDER))).toEqual([]);
      });
    }
  });

  describe('Clusters, offered to portal admins only', () => {
    const cluster = () => optionTexts(adminView, 'Clusters')[0]!;
    const clusterValue = () => fillView(adminView, { Clusters: cluster() })[blockIdOfLabel(adminView, 'Clusters')]!;

    it('a requester who forges a Clusters value into the admin’s form is refused on the field, nothing stored', async () => {
      const before = await snapshot();
      const ack = await sendViewSubmission(t.baseUrl, { view: adminView, values: fillView(adminView, { ...person('clusterfake1'), Clusters: cluster() }), user: REQUESTER });
      expectNoServerError(ack, adminView);
      expect(ack.body?.errors?.[BLOCKS.cluster]).toBeTruthy();
      expect(await snapshot()).toEqual(before);
    });

    for (const mode of ['user', 'agent', 'clone'] as const) {
      it(`a requester who adds a Clusters block to their own ${mode} form (which has none) is refused, nothing stored`, async () => {
        const view = mode === 'user' ? userView : mode === 'agent' ? agentView : cloneView;
        expect(inputIds(view)).not.toContain(BLOCKS.cluster);
        const typed = fillView(view, { ...person(`clusterfake-${mode}`), ...(mode === 'agent' ? { 'Primary Phone (Extension)': '1501' } : {}) });
        const before = await snapshot();
        const ack = await sendViewSubmission(t.baseUrl, { view, values: { ...typed, [BLOCKS.cluster]: clusterValue() }, user: REQUESTER });
        expectNoServerError(ack, view);
        // The view has no Clusters field to show it under: it is told apart, by name.
        expect(ack.body?.response_action).toBe('push');
        expect(JSON.stringify(ack.body?.view?.blocks)).toMatch(/\*Clusters\*: Only portal administrators can choose a cluster/);
        expect(await snapshot()).toEqual(before);
      });
    }

    it('a portal admin may choose a cluster (the control), but not one that does not exist', async () => {
      const forged = { ...fillView(adminView, person('clusterbad')), [BLOCKS.cluster]: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text' as const, text: 'x' }, value: 'no-such-cluster' } } } };
      const before = await snapshot();
      const bad = await sendViewSubmission(t.baseUrl, { view: adminView, values: forged, user: PORTAL_ADMIN });
      expectNoServerError(bad, adminView);
      expect(bad.body?.errors?.[BLOCKS.cluster]).toBeTruthy();
      expect(await snapshot()).toEqual(before);
      const good = await sendViewSubmission(t.baseUrl, { view: adminView, values: fillView(adminView, { ...person('clusterok'), Clusters: cluster() }), user: PORTAL_ADMIN });
      expect(good.body).toEqual({ response_action: 'clear' });
      await settle();
    });
  });

  describe('forged private_metadata', () => {
    const forgeries: [string, (real: string) => string][] = [
      ['not JSON', (real) => real.slice(0, -3)],
      ['JSON of another shape', () => JSON.stringify({ mode: 'user', collectionIds: 'all' })],
      ['an extra key', (real) => JSON.stringify({ ...(JSON.parse(real) as object), admin: true })],
      ['a 4 KB string', () => 'x'.repeat(4096)],
      ['4 KB of valid-looking JSON', (real) => JSON.stringify({ ...(JSON.parse(real) as object), s: 'a'.repeat(4000) })],
      ['an unknown mode', (real) => JSON.stringify({ ...(JSON.parse(real) as object), m: 'z' })],
      ['a forged clone source with NUL', (real) => withParent(real, { m: 'c', s: 'x\u0000y' })],
      ['a clone of nobody', (real) => withParent(real, { m: 'c', s: 'ghost' })],
      ['a mode switched to agent, with a forged extension draft', (real) => withParent(real, { m: 'a', x: ['1501', 'Forged', 's', '', '', 15] })],
      ['collection IDs out of range', (real) => JSON.stringify({ ...(JSON.parse(real) as object), c: 'zzzzzzz' })],
      ['a prototype key', () => '{"__proto__":{"m":"u","c":"all"},"m":"u","c":"all"}'],
      ['null', () => 'null'],
      ['an empty string', () => ''],
    ];

    const targets: { name: string; view: () => SlackView; values: () => ViewStateValues }[] = [
      { name: 'User Info', view: () => userView, values: () => fillView(userView, person(`meta${++sequence}`)) },
      { name: 'Collections', view: () => collectionsStep, values: () => fillView(collectionsStep) },
      { name: 'Agent’s Extension step', view: () => agentExtensionStep, values: () => fillView(agentExtensionStep, { 'Device Name': 'Meta desk', 'Device Type': 'Softphone' }) },
    ];

    for (const target of targets) {
      it(`submitting ${target.name} with tampered metadata never errors on the server and stores nothing`, async () => {
        const before = await snapshot();
        for (const [label, forge] of forgeries) {
          const view = { ...target.view(), private_metadata: forge(target.view().private_metadata ?? '') };
          const since = t.slack.calls.length;
          const logsFrom = t.logs.length;
          const ack = await sendViewSubmission(t.baseUrl, { view, values: target.values(), skipClientChecks: true });
          expectNoServerError(ack, view);
          await settle();
          // Whatever was updated is a view Slack accepts, built from what the bot could verify.
          for (const c of modalCalls(since)) expect((c.answer as { ok: boolean }).ok, `${label}: ${c.method} ${JSON.stringify(c.answer)}`).toBe(true);
          expect(t.logs.slice(logsFrom).filter((l) => Number(l.level) >= 50), label).toEqual([]);
          expect(t.logs.slice(logsFrom).filter((l) => /not acknowledged/.test(String(l.msg))), label).toEqual([]);
        }
        expect(await snapshot()).toEqual(before);
      });
    }

    for (const { actionId, view } of [
      { actionId: ACTIONS.chooseCollections, view: () => userView },
      { actionId: ACTIONS.setUpNewExtension, view: () => agentView },
      { actionId: ACTIONS.selectAllUsers, view: () => collectionsStep },
    ]) {
      it(`clicking ${actionId} on a view with tampered metadata is acked, opens nothing, stores nothing`, async () => {
        const before = await snapshot();
        for (const [label, forge] of forgeries) {
          // The view as it stands now (its latest hash), so Slack accepts an update the bot makes.
          const current = t.slack.viewById(view().id!);
          const forged = { ...current, private_metadata: forge(current.private_metadata ?? '') };
          const since = t.slack.calls.length;
          const logsFrom = t.logs.length;
          const ack = await sendBlockAction(t.baseUrl, { actionId, view: forged, values: fillView(forged) });
          expect(ack.status, label).toBe(200);
          await settle();
          for (const c of modalCalls(since)) expect((c.answer as { ok: boolean }).ok, `${label}: ${c.method} ${JSON.stringify(c.answer)}`).toBe(true);
          expect(t.logs.slice(logsFrom).filter((l) => Number(l.level) >= 50), label).toEqual([]);
        }
        expect(await snapshot()).toEqual(before);
      });
    }
  });

  describe('approval buttons (APPROVER_IDS)', () => {
    /** Submits a request as `who` and returns its ID and the approval message posted for it. */
    async function pendingRequest(who: string, username: string): Promise<{ id: string; message: SlackMessage }> {
      const view = who === REQUESTER ? userView : await open('user', who);
      const since = t.slack.calls.length;
      const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, person(username)), user: who });
      expect(ack.body).toEqual({ response_action: 'clear' });
      const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === APPROVALS_CHANNEL, 3000, since);
      const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`);
      await settle();
      return { id: row!.id, message: t.slack.message((post.answer as { ts: string }).ts) };
    }

    const stateOf = async (id: string) => (await t.db.select().from(requests).where(eq(requests.id, id)))[0];

    function click(actionId: string, message: SlackMessage, user: string, value?: string) {
      const url = t.slack.responseUrl(`approval-${++sequence}`);
      const ack = sendBlockAction(t.baseUrl, { actionId, message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user, responseUrl: url, ...(value ? { value } : {}) });
      return { url, ack };
    }

    for (const clicker of [REQUESTER, OUTSIDER, PORTAL_ADMIN]) {
      for (const actionId of [ACTIONS.approve, ACTIONS.reject]) {
        it(`${actionId} by a non-approver (${clicker}) changes nothing and tells them they are not allowed`, async () => {
          const { id, message } = await pendingRequest(REQUESTER, `appr${++sequence}`);
          const before = await snapshot();
          const since = t.slack.calls.length;
          const { url, ack } = click(actionId, message, clicker);
          expect((await ack).status).toBe(200);
          const reply = await t.slack.waitForResponse((r) => r.url === url);
          expect(String(reply.body.text)).toMatch(NOT_APPROVER);
          expect(reply.body.response_type).toBe('ephemeral');
          expect(reply.body.replace_original).toBe(false);
          await settle();
          expect(await stateOf(id)).toMatchObject({ state: 'pending', approverId: null });
          expect(await snapshot()).toEqual(before);
          expect(modalCalls(since)).toEqual([]);
          expect(t.slack.calls.slice(since).filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage')).toEqual([]);
        });
      }
    }

    it('a forged approve_request from a non-approver naming another user’s request (a button from another message) changes nothing', async () => {
      const theirs = await pendingRequest(REQUESTER, `victim${++sequence}`);
      const mine = await pendingRequest(PORTAL_ADMIN, `mine${++sequence}`);
      const before = await snapshot();
      const { url, ack } = click(ACTIONS.approve, mine.message, OUTSIDER, theirs.id);
      expect((await ack).status).toBe(200);
      const reply = await t.slack.waitForResponse((r) => r.url === url);
      expect(String(reply.body.text)).toMatch(NOT_APPROVER);
      await settle();
      expect(await stateOf(theirs.id)).toMatchObject({ state: 'pending', approverId: null });
      expect(await stateOf(mine.id)).toMatchObject({ state: 'pending', approverId: null });
      expect(await snapshot()).toEqual(before);
    });

    it('a forged reject-reason submission from a non-approver is refused on the form, the request stays pending', async () => {
      const { id } = await pendingRequest(REQUESTER, `rr${++sequence}`);
      const view: SlackView = {
        type: 'modal',
        callback_id: VIEWS.rejectReason,
        private_metadata: id,
        title: { type: 'plain_text', text: 'Reject request' },
        submit: { type: 'plain_text', text: 'Reject' },
        blocks: [{ type: 'input', block_id: BLOCKS.rejectReason, label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: ACTIONS.input, multiline: true } }],
      };
      for (const user of [REQUESTER, OUTSIDER]) {
        const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Reason: 'forged <!channel>' }), user });
        expectNoServerError(ack, view);
        expect(ack.body?.errors?.[BLOCKS.rejectReason]).toMatch(NOT_APPROVER);
      }
      await settle();
      expect(await stateOf(id)).toMatchObject({ state: 'pending', reason: null });
    });

    it('an approver clicking a button whose value is not a request, or no request, changes nothing and never errors', async () => {
      const { id, message } = await pendingRequest(REQUESTER, `val${++sequence}`);
      const before = await snapshot();
      const logsFrom = t.logs.length;
      for (const value of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', `${id}' or '1'='1`, 'x'.repeat(2000)]) {
        for (const actionId of [ACTIONS.approve, ACTIONS.reject]) {
          const { ack } = click(actionId, message, APPROVER, value);
          expect((await ack).status).toBe(200);
        }
      }
      await settle();
      expect(await stateOf(id)).toMatchObject({ state: 'pending' });
      expect(await snapshot()).toEqual(before);
      expect(t.logs.slice(logsFrom).filter((l) => Number(l.level) >= 50)).toEqual([]);
    });

    it('an approver may not approve their own request (ALLOW_SELF_APPROVAL is off)', async () => {
      const { id, message } = await pendingRequest(APPROVER, `self${++sequence}`);
      const before = await snapshot();
      const { url, ack } = click(ACTIONS.approve, message, APPROVER);
      expect((await ack).status).toBe(200);
      const reply = await t.slack.waitForResponse((r) => r.url === url);
      expect(String(reply.body.text)).toMatch(/own request|yourself|another approver/i);
      await settle();
      expect(await stateOf(id)).toMatchObject({ state: 'pending', approverId: null });
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('/provision unlock (an approver\'s action, here with the approver outside REQUESTER_IDS)', () => {
    const lockedUntil = () => new Date(Date.now() + 3_600_000);
    async function lockedUser(username: string) {
      const [row] = await t.db
        .insert(users)
        .values({ username, firstName: 'Lo', lastName: 'Cked', phone: '+15555552222', profileKey: 'standard-agent', userType: 'non_agent', createdBy: REQUESTER, failedSignIns: 10, lockedUntil: lockedUntil() })
        .returning();
      return row!;
    }
    const rowOf = async (id: number) => (await t.db.select().from(users).where(eq(users.id, id)))[0]!;
    const auditOf = async (id: number) => t.db.select().from(auditEvents).where(and(eq(auditEvents.entityType, 'user'), eq(auditEvents.entityId, String(id))));

    /** `/provision unlock <username>` by `user`: what they were told, in the acknowledgement or after it through response_url. */
    async function unlock(username: string, user: string): Promise<string> {
      const url = t.slack.responseUrl(`unlock-${++sequence}`);
      const since = t.slack.responses.length;
      const ack = await sendSlashCommand(t.baseUrl, { text: `unlock ${username}`, user_id: user, trigger_id: triggerId(), response_url: url });
      expect(ack.status).toBe(200);
      const acked = await ack.text();
      if (acked !== '') return String((JSON.parse(acked) as { text?: string }).text);
      return String((await t.slack.waitForResponse((r) => r.url === url, 10_000, since)).body.text);
    }

    it('an approver who is not in REQUESTER_IDS unlocks by command: the lock ends, audited', async () => {
      const user = await lockedUser(`unl${++sequence}`);
      expect(await unlock(user.username, APPROVER)).toContain(`${user.username} is unlocked`);
      expect(await rowOf(user.id)).toMatchObject({ lockedUntil: null, failedSignIns: 0, passwordHash: user.passwordHash });
      expect((await auditOf(user.id)).map((e) => [e.action, e.actor])).toEqual([['user.unlocked', APPROVER]]);
    });

    it('a member who is not an approver is refused clearly, and nothing changes', async () => {
      for (const who of [REQUESTER, OUTSIDER]) {
        const user = await lockedUser(`unl${++sequence}`);
        const before = await rowOf(user.id);
        // The outsider is refused in the acknowledgement; the requester by the unlock itself, after it.
        const said = await unlock(user.username, who);
        expect(said, who).toMatch(who === OUTSIDER ? NOT_ON_LIST : /Only approvers can unlock an account\. Nothing was changed\./);
        await settle();
        expect(await rowOf(user.id)).toEqual(before);
        expect(await auditOf(user.id)).toEqual([]);
      }
    });
  });
});
