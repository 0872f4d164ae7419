import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { fillView, inputLabels, type ViewBlock } from '../support/fill-view.js';
import { depsFor, requester, softphone } from '../support/fixtures.js';
import { APPROVER, OUTSIDER, REQUESTER, appHomeOpened, sendBlockAction, sendEvent, sendViewSubmission } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, extensionThroughApproval, setupRequester, userThroughApproval } from '../support/through-approval.js';

interface Answer {
  response_type?: string;
  text: string;
  blocks?: ViewBlock[];
}

const textOf = (blocks: readonly ViewBlock[] | undefined) => JSON.stringify(blocks ?? []);
/** The usernames a results message lists, in order (each row's block is `user_<username>`). */
const listed = (blocks: readonly ViewBlock[] | undefined) => (blocks ?? []).flatMap((b) => (b.type === 'section' && b.block_id?.startsWith('user_') ? [b.block_id.slice(5)] : []));

function expectWithinMessageLimits(blocks: readonly ViewBlock[] | undefined): void {
  expect(blocks!.length).toBeLessThanOrEqual(50);
  assertWithinSlackLimits({ type: 'home', blocks: blocks as never });
}

describe(`find by every filter, and App Home's Find a user, end to end (${testDriver})`, () => {
  let t: TestBot;
  const find = async (text: string, user = REQUESTER): Promise<Answer> => (await (await sendSlashCommand(t.baseUrl, { text: `find ${text}`, user_id: user })).json()) as Answer;

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    const deps = depsFor(t.db, { now: () => new Date() });
    const people = [
      { username: 'aalvarez', firstName: 'Ana', lastName: 'Alvarez', siteKey: 'austin-tx', departmentKey: 'sales', agent: true },
      { username: 'bbrown', firstName: 'Bob', lastName: 'Brown', siteKey: 'tampa-fl', departmentKey: 'sales', agent: false },
      { username: 'cchen', firstName: 'Chen', lastName: 'Chen', siteKey: 'austin-tx', departmentKey: 'billing-support', agent: true },
      { username: 'ddavis', firstName: 'Dee', lastName: 'Davis', siteKey: 'manila-ph', departmentKey: 'billing-support', agent: false },
      { username: 'eevans', firstName: 'Eve', lastName: 'Evans', siteKey: 'remote', departmentKey: 'customer-care', agent: false },
    ];
    for (const p of people) {
      const extension = p.agent ? await extensionThroughApproval(deps, requester, softphone()) : undefined;
      await userThroughApproval(deps, requester, {
        username: p.username,
        firstName: p.firstName,
        lastName: p.lastName,
        phone: '555-555-1234',
        siteKey: p.siteKey,
        departmentKey: p.departmentKey,
        userType: p.agent ? 'agent' : 'non_agent',
        ...(extension ? { extensionNumber: extension.number } : {}),
      });
    }
    await deactivationThroughApproval(deps, setupRequester, 'ddavis');
  });
  afterAll(async () => t?.close());

  it('matches the text against site and department names too, leaving deactivated users out', async () => {
    expect(listed((await find('tampa')).blocks)).toEqual(['bbrown']);
    expect(listed((await find('Billing')).blocks)).toEqual(['cchen']);
    expect(listed((await find('customer care')).blocks)).toEqual(['eevans']);
    expect(listed((await find('chen')).blocks)).toEqual(['cchen']);
  });

  it('filters by site, department, status and kind, by key or name, alone and together', async () => {
    const cases: [string, string[]][] = [
      ['site:austin', ['aalvarez', 'cchen']],
      ['site:"Austin, TX"', ['aalvarez', 'cchen']],
      ['site:tampa-fl', ['bbrown']],
      ['dept:sales', ['aalvarez', 'bbrown']],
      ['department:"Billing Support"', ['cchen']],
      ['type:agent', ['aalvarez', 'cchen']],
      ['type:non-agent', ['bbrown', 'eevans']],
      ['status:deactivated', ['ddavis']],
      ['status:all dept:billing', ['cchen', 'ddavis']],
      ['status:active site:manila', []],
      ['a site:austin type:agent dept:billing', ['cchen']],
      ['evans status:all type:non-agent', ['eevans']],
    ];
    for (const [typed, expected] of cases) {
      const answer = await find(typed);
      expect.soft(listed(answer.blocks), typed).toEqual(expected);
      expectWithinMessageLimits(answer.blocks);
    }
    const deactivated = await find('status:deactivated');
    expect(textOf(deactivated.blocks)).toContain('*Deactivated*');
    expect(textOf(deactivated.blocks)).toContain('deactivated only');
  });

  it('answers a filter that names nothing, or a bad status, with what to type; nothing is listed', async () => {
    const nowhere = await find('site:nowhere');
    expect(nowhere.text).toContain('No site matches "nowhere"');
    expect(nowhere.text).toContain('austin-tx');
    expect(listed(nowhere.blocks)).toEqual([]);
    const bad = await find('status:gone');
    expect(textOf(bad.blocks)).toContain('status:gone is not a status');
    expect(listed(bad.blocks)).toEqual([]);
    expect((await find('site:<!channel>')).text).not.toContain('<!channel>');
  });

  it('the status select on the results changes the search in place, keeping the other filters', async () => {
    const first = await find('site:austin type:non-agent status:all');
    expect(listed(first.blocks)).toEqual([]);
    const sales = await find('dept:billing');
    expect(listed(sales.blocks)).toEqual(['cchen']);
    const responseUrl = t.slack.responseUrl('status-select');
    const since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findFilter, blockId: 'find_status', selectedOption: 'Active and deactivated', message: { blocks: sales.blocks, ts: '1.1' }, responseUrl, ephemeral: true });
    const changed = await t.slack.waitForResponse((r) => r.url === responseUrl, 3000, since);
    expect(changed.body.replace_original).toBe(true);
    expect(listed(changed.body.blocks as ViewBlock[])).toEqual(['cchen', 'ddavis']);
    // And the kind select keeps the department and the status.
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findFilter, blockId: 'find_header', selectedOption: 'Non-agents', message: { blocks: changed.body.blocks as ViewBlock[], ts: '1.1' }, responseUrl, ephemeral: true });
    const nonAgents = await t.slack.waitForResponse((r) => r.url === responseUrl, 3000, since + 1);
    expect(listed(nonAgents.body.blocks as ViewBlock[])).toEqual(['ddavis']);
  });

  it('App Home: Find a user opens the search form; the results arrive in the DM with the bot', async () => {
    let since = t.slack.calls.length;
    await sendEvent(t.baseUrl, appHomeOpened(REQUESTER));
    await t.slack.waitFor('views.publish', 3000, since);
    const home = t.slack.homeView(REQUESTER);
    expect(textOf(home.blocks)).not.toContain('Last decisions');

    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findUser, view: home });
    const form = await t.slack.waitForView({ method: 'views.open', since });
    expect(form.callback_id).toBe(VIEWS.findUser);
    expect(inputLabels(form)).toEqual(['Name, username, email, site or department', 'Site', 'Department', 'Status', 'Agents or non-agents']);

    since = t.slack.calls.length;
    const ack = await sendViewSubmission(t.baseUrl, { view: form, values: fillView(form, { Site: 'Austin, TX', Status: 'Active and deactivated', 'Agents or non-agents': 'Agents' }) });
    expect(ack.body).toBeNull();
    const isResults = (c: { method: string; args: Record<string, unknown> }) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && textOf(c.args.blocks as ViewBlock[]).includes('find_header');
    const post = await t.slack.waitFor(isResults, 3000, since);
    const blocks = post.args.blocks as ViewBlock[];
    expectWithinMessageLimits(blocks);
    expect(listed(blocks)).toEqual(['aalvarez', 'cchen']);

    // The text box alone, matched against department names too.
    since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view: form, values: fillView(form, { 'Name, username, email, site or department': 'customer' }) });
    const second = await t.slack.waitFor(isResults, 3000, since);
    expect(listed(second.args.blocks as ViewBlock[])).toEqual(['eevans']);
  });

  it('an outsider is refused in the DM and no form opens; a forged form searches nothing', async () => {
    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.findUser, blockId: 'home_actions', user: OUTSIDER, view: { ...t.slack.homeView(REQUESTER), id: 'VHOMEOUT' } });
    const told = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === OUTSIDER && /not on the list/.test(String(c.args.text)), 3000, since);
    expect(String(told.args.text)).toMatch(/not on the list/);
    expect(t.slack.calls.slice(since).filter((c) => c.method === 'views.open')).toEqual([]);

    since = t.slack.calls.length;
    const form = t.slack.latestView('views.open', VIEWS.findUser);
    const forged = fillView(form, {});
    forged.find_site = { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'NOT A KEY' } } };
    const ack = await sendViewSubmission(t.baseUrl, { view: form, values: forged });
    expect(ack.body?.response_action).toBe('errors');
    // (The outbox may DM notices meanwhile: only a results message would be wrong here.)
    expect(t.slack.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && textOf(c.args.blocks as ViewBlock[]).includes('find_header'))).toEqual([]);
  });

  it('App Home: approvers see the last decisions beside what waits for them', async () => {
    const since = t.slack.calls.length;
    await sendEvent(t.baseUrl, appHomeOpened(APPROVER));
    await t.slack.waitFor('views.publish', 3000, since);
    const home = t.slack.homeView(APPROVER);
    assertWithinSlackLimits(home as never);
    const text = textOf(home.blocks);
    expect(text).toContain('Waiting for your approval');
    expect(text).toContain('Last decisions');
    expect(text).toMatch(/Completed · by <@U0APPROVER> · <!date\^\d+/);
    expect(text).toContain('eevans');
  });
});
