import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections, requests } from '../../src/db/schema/index.js';
import { BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { depsFor, janeDoe } from '../support/fixtures.js';
import { blockIdOfLabel, fillView, inputLabels, optionTexts, type SlackView } from '../support/fill-view.js';
import { rowCounts } from '../support/queries.js';
import { OUTSIDER, PORTAL_ADMIN, REQUESTER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

const requestCount = async (t: TestBot) => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;

/** Types `/provision <text>` and returns the modal the bot opened. */
async function openModal(t: TestBot, text: string, user = REQUESTER): Promise<SlackView> {
  const since = t.slack.calls.length;
  const response = await sendSlashCommand(t.baseUrl, { text, user_id: user, trigger_id: triggerId() });
  expect(response.status).toBe(200);
  return t.slack.waitForView({ method: 'views.open', since });
}

const JANE = { Username: 'jdoe', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '555-555-1234', Email: 'jane.doe@example.com' };

describe(`the New User and Clone User modals, end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: `${REQUESTER},${PORTAL_ADMIN}` });
  });
  afterAll(async () => t?.close());

  it('opens User Info with the seed labels and the default profile preselected', async () => {
    const view = await openModal(t, 'user');
    expect(view.callback_id).toBe(VIEWS.userInfo);
    expect(view.title?.text).toBe('New User');
    expect(inputLabels(view)).toEqual(['Username', 'First Name', 'Last Name', 'Phone Number', 'Email', 'Description', 'Password', 'Site', 'Department', 'Billing Unit', 'Profile']);
    // No extension is free yet in the demo data: the primary phone says so instead of an empty select.
    expect(JSON.stringify(view.blocks)).toContain('No free extension right now');
    const profile = fillView(view)[blockIdOfLabel(view, 'Profile')]?.value?.selected_option;
    expect(profile?.text.text).toBe('Standard Agent');
    // Clusters only for portal admins, and only where several exist.
    expect(inputLabels(view)).not.toContain('Clusters');
    const adminView = await openModal(t, 'user', PORTAL_ADMIN);
    expect(inputLabels(adminView)).toContain('Clusters');
    expect(optionTexts(adminView, 'Clusters').length).toBeGreaterThan(1);
  });

  it('stores a valid submission as a pending request and DMs the requester a summary', async () => {
    const view = await openModal(t, 'user');
    const since = t.slack.calls.length;
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...JANE, Site: 'Austin, TX' }) });
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({ response_action: 'clear' });
    const [stored] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'jdoe'`);
    expect(stored).toMatchObject({ kind: 'create_user', state: 'pending', requesterId: REQUESTER });
    expect(stored?.payload).toMatchObject({ username: 'jdoe', firstName: 'Jane', lastName: 'Doe', phone: '555-555-1234', siteKey: 'austin-tx' });
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER, 3000, since);
    const text = JSON.stringify(dm.args);
    expect(text).toContain('jdoe');
    expect(text).toMatch(/waiting for approval|pending/i);
    expect(text).not.toContain('Jd5555551234!!');
  });

  it('answers every mistake on its field, with a suggestion for a taken username, and stores nothing', async () => {
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'asmith', email: 'taken@example.com' }));
    const before = { ...(await rowCounts(t.db)), requests: await requestCount(t) };
    const view = await openModal(t, 'user');
    const ack = await sendViewSubmission(t.baseUrl, {
      view,
      values: fillView(view, { Username: 'ASmith', 'First Name': 'Ann', 'Last Name': 'Smith', 'Phone Number': '+1 555 555 1234 5678 999', Email: 'TAKEN@example.com' }),
    });
    expect(ack.body?.response_action).toBe('errors');
    const errors = ack.body?.errors ?? {};
    expect(errors[BLOCKS.username]).toMatch(/ASmith is already taken — try asmith2/i);
    expect(errors[BLOCKS.phone]).toMatch(/15 digits/);
    expect(errors[BLOCKS.email]).toMatch(/already/i);
    const bad = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...JANE, Username: 'j doe!' }) });
    expect(Object.keys(bad.body?.errors ?? {})).toEqual([BLOCKS.username]);
    // Required fields left empty (Slack's client would stop this; a forged payload must not get through).
    const empty = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: null, 'First Name': null }), skipClientChecks: true });
    expect(Object.keys(empty.body?.errors ?? {}).sort()).toEqual([BLOCKS.firstName, BLOCKS.lastName, BLOCKS.phone, BLOCKS.username].sort());
    expect({ ...(await rowCounts(t.db)), requests: await requestCount(t) }).toEqual(before);
  });

  it('keeps one open request per username: a second identical submission is refused on the field', async () => {
    const view = await openModal(t, 'user');
    const values = fillView(view, { ...JANE, Username: 'twice', Email: 'twice@example.com' });
    const [a, b] = await Promise.all([sendViewSubmission(t.baseUrl, { view, values }), sendViewSubmission(t.baseUrl, { view, values })]);
    const outcomes = [a.body?.response_action, b.body?.response_action].sort();
    expect(outcomes).toEqual(['clear', 'errors']);
    expect((a.body?.errors ?? b.body?.errors ?? {})[BLOCKS.username]).toMatch(/already (been )?requested|waiting/i);
    const rows = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'twice'`);
    expect(rows).toHaveLength(1);
  });

  it('moves to the Collections step and back, keeping what was typed, with Select All / Deselect All per list', async () => {
    const root = await openModal(t, 'user');
    const typed = fillView(root, { ...JANE, Username: 'collector', Email: 'collector@example.com' });
    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'choose_collections', view: root, values: typed });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    expect(step.callback_id).toBe(VIEWS.collections);
    expect(inputLabels(step)).toEqual(['Users', 'Agents']);
    const all = await t.db.select().from(collections);
    const agentCount = all.filter((c) => c.kind === 'agent').length;
    const userCount = all.length - agentCount;
    // From scratch every collection is selected.
    expect(fillView(step)[blockIdOfLabel(step, 'Users')]?.value?.selected_options).toHaveLength(userCount);
    expect(fillView(step)[blockIdOfLabel(step, 'Agents')]?.value?.selected_options).toHaveLength(agentCount);

    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'deselect_all_agent_collections', view: step });
    const deselected = await t.slack.waitForView({ method: 'views.update', since });
    expect(fillView(deselected)[blockIdOfLabel(deselected, 'Agents')]?.value?.selected_options ?? []).toHaveLength(0);
    expect(fillView(deselected)[blockIdOfLabel(deselected, 'Users')]?.value?.selected_options).toHaveLength(userCount);

    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'deselect_all_user_collections', view: deselected });
    const none = await t.slack.waitForView({ method: 'views.update', since });
    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'select_all_user_collections', view: none });
    const usersOnly = await t.slack.waitForView({ method: 'views.update', since });
    expect(fillView(usersOnly)[blockIdOfLabel(usersOnly, 'Users')]?.value?.selected_options).toHaveLength(userCount);

    since = t.slack.calls.length;
    const done = await sendViewSubmission(t.baseUrl, { view: usersOnly });
    expect(done.status).toBe(200);
    expect(done.body).toBeNull(); // an empty ack closes the step and returns to User Info
    const update = await t.slack.waitFor('views.update', 3000, since);
    expect(update.args.view_id).toBe(root.id);
    const rebuilt = t.slack.viewById(root.id!);
    // Slack keeps typed input when block and action IDs are unchanged: they must be.
    const ids = (v: SlackView) => v.blocks.filter((b) => b.type === 'input').map((b) => `${b.block_id}/${b.element?.action_id}`);
    expect(ids(rebuilt)).toEqual(ids(root));
    expect(JSON.stringify(rebuilt.blocks)).toContain(`Collections: ${userCount} of ${all.length} selected (${userCount} users, 0 agents)`);

    const submitted = await sendViewSubmission(t.baseUrl, { view: rebuilt, values: typed });
    expect(submitted.body).toEqual({ response_action: 'clear' });
    const [stored] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'collector'`);
    const wanted = all.filter((c) => c.kind === 'user').map((c) => c.id).sort((a, b) => a - b);
    expect(((stored?.payload as { collectionIds: number[] }).collectionIds ?? []).slice().sort((a, b) => a - b)).toEqual(wanted);
  });

  it('clones a user with 60 collections: prefilled from the source, never names, phone, email or password', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `Wide collection ${String(i).padStart(2, '0')}`, kind: i % 2 ? ('agent' as const) : ('user' as const) }));
    const inserted = await t.db.insert(collections).values(many).returning({ id: collections.id });
    const ids = inserted.map((c) => c.id).sort((a, b) => a - b);
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'wide', collectionIds: ids, siteKey: 'tampa-fl', departmentKey: 'sales', password: 'Typed-Secret-99' }));

    const view = await openModal(t, 'clone wide');
    expect(view.title?.text).toBe('Clone User');
    const values = fillView(view);
    expect(values[BLOCKS.username]?.value?.value ?? null).toBeNull();
    expect(values[BLOCKS.firstName]?.value?.value ?? null).toBeNull();
    expect(values[BLOCKS.phone]?.value?.value ?? null).toBeNull();
    expect(values[BLOCKS.email]?.value?.value ?? null).toBeNull();
    expect(values[BLOCKS.password]?.value?.value ?? null).toBeNull();
    expect(values[BLOCKS.site]?.value?.selected_option?.value).toBe('tampa-fl');
    expect(values[BLOCKS.department]?.value?.selected_option?.value).toBe('sales');
    expect(JSON.stringify(view.blocks)).toContain(`Collections: 60 of`);

    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'choose_collections', view, values });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    const chosen = Object.values(fillView(step)).flatMap((a) => a.value?.selected_options ?? []).map((o) => Number(o.value));
    expect(chosen.sort((a, b) => a - b)).toEqual(ids);

    since = t.slack.calls.length;
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: 'wide2', 'First Name': 'Wynn', 'Last Name': 'Wide', 'Phone Number': '555-555-4321' }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const [stored] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'wide2'`);
    expect(stored?.kind).toBe('clone_user');
    expect(stored?.payload).toMatchObject({ sourceUsername: 'wide', siteKey: 'tampa-fl', departmentKey: 'sales', collectionIds: ids });
    expect(JSON.stringify(stored?.payload)).not.toContain('Typed-Secret-99');
  });

  it('clones by @mention through the member’s Slack email, and says so when nobody matches', async () => {
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'mentioned', email: 'mentioned@example.com' }));
    t.slack.setSlackUser('U0MENTION', { email: 'Mentioned@Example.com', realName: 'Men Tioned' });
    const view = await openModal(t, 'clone <@U0MENTION|men>');
    expect(view.title?.text).toBe('Clone User');
    expect(JSON.stringify(view.blocks)).toContain('mentioned');

    t.slack.setSlackUser('U0NOBODY', { email: 'nobody@example.com' });
    const responseUrl = t.slack.responseUrl('clone-nobody');
    const since = t.slack.responses.length;
    await sendSlashCommand(t.baseUrl, { text: 'clone <@U0NOBODY>', response_url: responseUrl });
    const reply = await t.slack.waitForResponse(() => true, 3000, since);
    expect(JSON.stringify(reply.body)).toMatch(/no user in the directory/);
    const unknown = await (await sendSlashCommand(t.baseUrl, { text: 'clone ghost', response_url: t.slack.responseUrl('clone-ghost') })).text();
    expect(unknown).toBe('');
    const ghost = await t.slack.waitForResponse((r) => r.url.endsWith('clone-ghost'), 3000);
    expect(JSON.stringify(ghost.body)).toMatch(/ghost/);
  });

  it('refuses someone who is not on the requester list, opening nothing and storing nothing', async () => {
    const since = t.slack.calls.length;
    const response = await sendSlashCommand(t.baseUrl, { text: 'user', user_id: OUTSIDER });
    const body = (await response.json()) as { text: string };
    expect(body.text).toMatch(/not on the list/);
    // A forged submission from them changes nothing either.
    const view = await openModal(t, 'user');
    const before = await requestCount(t);
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...JANE, Username: 'forged', Email: 'forged@example.com' }), user: OUTSIDER });
    expect(ack.body?.response_action).toBe('errors');
    expect(await requestCount(t)).toBe(before);
    expect(t.slack.calls.slice(since).filter((c) => c.method === 'views.open' && c.args.trigger_id === undefined)).toHaveLength(0);
    const rows = await t.db.select().from(requests).where(eq(requests.requesterId, OUTSIDER));
    expect(rows).toHaveLength(0);
  });

  it('ignores a portal-only Cluster forged into a non-admin submission', async () => {
    const adminView = await openModal(t, 'user', PORTAL_ADMIN);
    const cluster = optionTexts(adminView, 'Clusters')[0]!;
    const ack = await sendViewSubmission(t.baseUrl, { view: adminView, values: fillView(adminView, { ...JANE, Username: 'clusterfake', Email: 'cf@example.com', Clusters: cluster }), user: REQUESTER });
    expect(ack.body?.response_action).toBe('errors');
    expect(Object.keys(ack.body?.errors ?? {})).toContain(BLOCKS.cluster);
    const good = await sendViewSubmission(t.baseUrl, { view: adminView, values: fillView(adminView, { ...JANE, Username: 'clusterok', Email: 'cok@example.com', Clusters: cluster }), user: PORTAL_ADMIN });
    expect(good.body).toEqual({ response_action: 'clear' });
  });
});
