import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { violatedUniqueConstraint } from '../../src/db/errors.js';
import { auditEvents, extensions, jobs, requests, users } from '../../src/db/schema/index.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUnassignment, unassignmentTarget } from '../../src/services/extension-assignment.js';
import { NOT_ALLOWED_TEXT } from '../../src/slack/context.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import type { ViewBlock } from '../support/fill-view.js';
import { fillView, inputLabels } from '../support/fill-view.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { OUTSIDER, REQUESTER, sendBlockAction, sendViewSubmission } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { approver, deactivationThroughApproval, extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, clickApprove, commandModal, commandRefusal, drain, requestState } from '../support/user-change.js';

const ACCOUNT_URL = 'https://provision.example.com/account';

interface Answer {
  text: string;
  blocks?: ViewBlock[];
}

describe(`reassigning and unassigning extensions through Slack (${testDriver})`, () => {
  let t: TestBot;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    t = await startTestBot({ PUBLIC_URL: 'https://provision.example.com', REQUESTER_IDS: REQUESTER });
    // The bot's own clock: a request made with the fixtures' fixed clock would look days old to its sweeper.
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An agent with an extension of their own, made the way production makes them. */
  const agent = async (username: string, overrides: Parameters<typeof janeDoe>[0] = {}) => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username, userType: 'agent', extensionNumber: extension.number, ...overrides }));
    return { user, extension };
  };
  /** An agent who holds no extension: theirs was unassigned through an approved request. */
  const agentWithout = async (username: string, overrides: Parameters<typeof janeDoe>[0] = {}) => {
    const { user } = await agent(username, overrides);
    const target = await unassignmentTarget(deps, { username });
    const submitted = await submitUnassignment(deps, requester, { extensionId: target.extension.id, holderId: user.id, reason: null });
    const done = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: ACCOUNT_URL });
    if (done.outcome !== 'completed') throw new Error(`setup unassignment ended ${done.outcome}`);
    return user;
  };
  const userRow = async (id: number) => (await t.db.select().from(users).where(eq(users.id, id)))[0]!;
  const requestsOf = async (extensionId: number) => t.db.select().from(requests).where(eq(requests.targetExtensionId, extensionId));
  const requestCount = async () => (await t.db.select().from(requests)).length;
  const card = async (username: string): Promise<Answer> => JSON.parse(await (await sendSlashCommand(t.baseUrl, { text: `show ${username}` })).text()) as Answer;
  const extensionField = (answer: Answer) => /\*Extension\*\\n([^"]*)"/.exec(JSON.stringify(answer.blocks))?.[1];

  it('/provision extension reassign: approved, the extension moves from A to B with a new secret; both cards, versions, audit and notices follow', { timeout: 90_000 }, async () => {
    const { user: a, extension } = await agent('jholder', { firstName: 'Jane', lastName: 'Doe', email: 'jane.holder@example.com' });
    const b = await agentWithout('sroe', { firstName: 'Sam', lastName: 'Roe', email: 'sam.roe@example.com' });
    t.slack.setSlackUser('U0JHOLDER', { email: 'jane.holder@example.com' });
    t.slack.setSlackUser('U0SROE', { email: 'sam.roe@example.com' });
    const secretBefore = (await findExtensionByNumber(t.db, extension.number))!.deviceSecret;
    const [aBefore, bBefore] = [await userRow(a.id), await userRow(b.id)];

    const view = await commandModal(t, `extension reassign ${extension.number} sroe`);
    expect(view.callback_id).toBe(VIEWS.reassignExtension);
    expect(inputLabels(view)).toEqual(['Reason for the approvers']);
    const shown = JSON.stringify(view.blocks);
    expect(shown).toContain(`Extension ${extension.number}`);
    expect(shown).toContain('*Now held by:* Jane Doe (jholder)');
    expect(shown).toContain('*Goes to:* Sam Roe (sroe)');
    expect(shown).not.toContain(secretBefore);

    const since = t.slack.calls.length;
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'Reason for the approvers': 'Moved to the Tampa team' }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const [request] = await requestsOf(extension.id);
    expect(request).toMatchObject({ kind: 'reassign_extension', state: 'pending', requesterId: REQUESTER, targetUserId: null });
    expect(request!.payload).toMatchObject({ holder: { userId: a.id, username: 'jholder', version: aBefore.version }, recipient: { userId: b.id, username: 'sroe', version: bBefore.version }, reason: 'Moved to the Tampa team' });
    const confirmation = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && /waiting for approval/.test(String(c.args.text)), 3000, since);
    expect(JSON.stringify(confirmation.args)).toContain(`Extension ${extension.number}: Jane Doe (jholder) → Sam Roe (sroe)`);
    const message = await approvalMessageOf(t, request!.id);
    expect(JSON.stringify(message.blocks)).toContain(`Extension ${extension.number}: Jane Doe (jholder) → Sam Roe (sroe)`);

    await clickApprove(t, request!.id);
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 10_000 }).toBe('completed');
    const moved = (await findExtensionByNumber(t.db, extension.number))!;
    expect(moved.assignedUserId).toBe(b.id);
    expect(moved.deviceSecret).not.toBe(secretBefore);
    expect(moved.deviceSecret.length).toBeGreaterThanOrEqual(32);
    // Both users' versions moved on: an edit made against either before now fails.
    expect((await userRow(a.id)).version).toBe(aBefore.version + 1);
    expect((await userRow(b.id)).version).toBe(bBefore.version + 1);
    expect(extensionField(await card('sroe'))).toContain(String(extension.number));
    expect(extensionField(await card('jholder'))).toBe('—');

    const onExtension = (await auditTrailOf(t.db, 'extension', extension.id)).filter((e) => e.action === 'extension.reassigned');
    expect(onExtension).toHaveLength(1);
    expect(onExtension[0]!.details).toMatchObject({ requestId: request!.id, fromUserId: a.id, toUserId: b.id, deviceSecretRotated: true });
    expect((await auditTrailOf(t.db, 'user', a.id)).map((e) => e.action)).toContain('extension.reassigned');
    const received = (await auditTrailOf(t.db, 'user', b.id)).at(-1);
    expect(received?.action).toBe('extension.reassigned');
    expect(received?.details).toMatchObject({ extensionReceived: extension.number, from: 'jholder' });
    expect(JSON.stringify(await t.db.select().from(auditEvents))).not.toContain(moved.deviceSecret);

    await drain(t);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /reassignment of extension .* is done/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'U0JHOLDER' && /no longer your primary phone/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'U0SROE' && /is your primary phone now/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain(`Extension ${extension.number} is now sroe’s (was jholder’s)`);
    expect(JSON.stringify(t.slack.calls)).not.toContain(moved.deviceSecret);
    expect(JSON.stringify(await t.db.select().from(jobs))).not.toContain(moved.deviceSecret);
    expect(t.logText()).not.toContain(moved.deviceSecret);
  });

  it('Unassign extension on the card, and /provision extension unassign: approved, the extension is free with a new secret', { timeout: 60_000 }, async () => {
    const { user, extension } = await agent('jcardext');
    const secretBefore = (await findExtensionByNumber(t.db, extension.number))!.deviceSecret;
    const shown = await card('jcardext');
    const button = (shown.blocks ?? []).flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.unassignExtension);
    expect(button?.value).toBe('jcardext');

    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.unassignExtension, message: { blocks: shown.blocks as never, ts: '1.000010' }, ephemeral: true, responseUrl: t.slack.responseUrl('unassign-card') });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.callback_id).toBe(VIEWS.unassignExtension);
    expect(JSON.stringify(view.blocks)).toContain('*Now held by:* Jane Doe (jcardext)');
    expect((await sendViewSubmission(t.baseUrl, { view })).body).toEqual({ response_action: 'clear' });
    const [request] = await requestsOf(extension.id);
    expect(request).toMatchObject({ kind: 'unassign_extension', state: 'pending' });
    expect(JSON.stringify((await approvalMessageOf(t, request!.id)).blocks)).toContain(`Extension ${extension.number}: Jane Doe (jcardext) → nobody (unassigned)`);

    await clickApprove(t, request!.id);
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 10_000 }).toBe('completed');
    const freed = (await findExtensionByNumber(t.db, extension.number))!;
    expect(freed.assignedUserId).toBeNull();
    expect(freed.deviceSecret).not.toBe(secretBefore);
    expect(extensionField(await card('jcardext'))).toBe('—');
    // No extension, no button.
    expect(JSON.stringify((await card('jcardext')).blocks)).not.toContain(ACTIONS.unassignExtension);
    expect((await auditTrailOf(t.db, 'extension', extension.id)).map((e) => e.action)).toContain('extension.unassigned');
    const gaveUp = (await auditTrailOf(t.db, 'user', user.id)).at(-1);
    expect(gaveUp?.action).toBe('extension.unassigned');
    expect(gaveUp?.details).toMatchObject({ extensionGivenUp: extension.number });

    // The command opens the same confirmation.
    const { extension: other } = await agent('jcmdext');
    const byCommand = await commandModal(t, `extension unassign ${other.number}`);
    expect(byCommand.callback_id).toBe(VIEWS.unassignExtension);
    expect(JSON.stringify(byCommand.blocks)).toContain('(jcmdext)');
  });

  it('refuses an unknown number, a non-agent, a recipient who has one, a deactivated one, the holder, a free extension: a clear answer, nothing stored', { timeout: 90_000 }, async () => {
    const { extension } = await agent('jkeeps');
    const { extension: theirs } = await agent('jhasone');
    await userThroughApproval(deps, requester, janeDoe({ username: 'nphone', userType: 'non_agent' }));
    const gone = await agentWithout('jgoneext');
    await deactivationThroughApproval(deps, requester, 'jgoneext');
    const free = await extensionThroughApproval(deps, requester, softphone());
    const before = await requestCount();

    expect(await commandRefusal(t, 'extension reassign 99999 jkeeps', 'unknown')).toContain('There is no extension 99999');
    expect(await commandRefusal(t, `extension reassign ${extension.number} nobody`, 'nobody')).toContain('There is no user nobody');
    expect(await commandRefusal(t, `extension reassign ${extension.number} nphone`, 'non-agent')).toContain('nphone is not an agent');
    expect(await commandRefusal(t, `extension reassign ${extension.number} jhasone`, 'has-one')).toContain(`jhasone already has extension ${theirs.number}; unassign it first`);
    expect(await commandRefusal(t, `extension reassign ${extension.number} jgoneext`, 'deactivated')).toContain('jgoneext is deactivated');
    expect(await commandRefusal(t, `extension reassign ${extension.number} jkeeps`, 'theirs')).toContain('already theirs');
    expect(await commandRefusal(t, `extension unassign ${free.number}`, 'free')).toContain(`Extension ${free.number} is not assigned to anyone`);
    expect(await commandRefusal(t, 'extension unassign 99999', 'unknown-unassign')).toContain('There is no extension 99999');
    // Answered in the acknowledgement: a number that is none, a missing argument.
    expect(await (await sendSlashCommand(t.baseUrl, { text: 'extension reassign abc jkeeps' })).text()).toContain('abc is not an extension number');
    expect(await (await sendSlashCommand(t.baseUrl, { text: `extension reassign ${extension.number}` })).text()).toContain('Say which extension and to whom');
    expect(await (await sendSlashCommand(t.baseUrl, { text: 'extension unassign' })).text()).toContain('Say which extension to unassign');
    expect(await requestCount()).toBe(before);
    expect(gone.id).toBeGreaterThan(0);

    // Bare `extension` still opens the extension form.
    expect((await commandModal(t, 'extension')).callback_id).toBe(VIEWS.extension);
  });

  it('two submissions of one reassignment at once leave one request; a second change of the extension is refused', { timeout: 60_000 }, async () => {
    const { extension } = await agent('jtwice');
    await agentWithout('jtwiceto');
    await agentWithout('jtwiceother');
    const view = await commandModal(t, `extension reassign ${extension.number} jtwiceto`);
    const acks = await Promise.all([sendViewSubmission(t.baseUrl, { view }), sendViewSubmission(t.baseUrl, { view })]);
    const bodies = acks.map((a) => a.body);
    expect(bodies.filter((b) => b?.response_action === 'clear')).toHaveLength(1);
    const refused = bodies.find((b) => b?.response_action === 'errors');
    expect(refused?.errors?.[BLOCKS.assignmentReason]).toMatch(`A change of extension ${extension.number} is already waiting for approval`);
    expect(await requestsOf(extension.id)).toHaveLength(1);
    expect(await commandRefusal(t, `extension reassign ${extension.number} jtwiceother`, 'second')).toContain('already waiting for approval');
    expect(await commandRefusal(t, `extension unassign ${extension.number}`, 'second-unassign')).toContain('already waiting for approval');
    expect(await requestsOf(extension.id)).toHaveLength(1);
  });

  it('a holder who changed between submission and approval fails the request with the reason; nothing changes', { timeout: 60_000 }, async () => {
    const { user: a, extension } = await agent('jmoves');
    const b = await agentWithout('jwaits');
    const view = await commandModal(t, `extension reassign ${extension.number} jwaits`);
    expect((await sendViewSubmission(t.baseUrl, { view })).body).toEqual({ response_action: 'clear' });
    const [request] = await requestsOf(extension.id);
    // Meanwhile the holder is offboarded: the extension is freed (with a new secret) by that change.
    await deactivationThroughApproval(deps, requester, 'jmoves');
    const secretBetween = (await findExtensionByNumber(t.db, extension.number))!.deviceSecret;
    const bVersion = (await userRow(b.id)).version;

    await clickApprove(t, request!.id);
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 10_000 }).toBe('failed');
    expect((await requestState(t, request!.id))?.reason).toContain(`Extension ${extension.number} changed hands since this request was made: it was held by jmoves, it is free now`);
    const after = (await findExtensionByNumber(t.db, extension.number))!;
    expect(after.assignedUserId).toBeNull();
    expect(after.deviceSecret).toBe(secretBetween);
    expect((await userRow(b.id)).version).toBe(bVersion);
    expect((await auditTrailOf(t.db, 'extension', extension.id)).map((e) => e.action)).not.toContain('extension.reassigned');
    await drain(t);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /could not be carried out: Extension \d+ changed hands/.test(String(c.args.text)))).toBe(true);
    expect(a.id).not.toBe(b.id);
  });

  it('only requesters may ask: the command, the card button and a submitted form are refused to anyone else; nothing stored', { timeout: 60_000 }, async () => {
    const { extension } = await agent('jnotyours');
    await agentWithout('jnotyoursto');
    const view = await commandModal(t, `extension reassign ${extension.number} jnotyoursto`);
    const before = await requestCount();
    const refused = await (await sendSlashCommand(t.baseUrl, { text: `extension unassign ${extension.number}`, user_id: OUTSIDER })).text();
    expect(refused).toContain(NOT_ALLOWED_TEXT);
    const submitted = await sendViewSubmission(t.baseUrl, { view, user: OUTSIDER });
    expect(submitted.body).toEqual({ response_action: 'errors', errors: { [BLOCKS.assignmentReason]: NOT_ALLOWED_TEXT } });
    const blocks = [{ type: 'actions', block_id: 'card_actions', elements: [{ type: 'button', action_id: ACTIONS.unassignExtension, value: 'jnotyours', text: { type: 'plain_text' as const, text: 'Unassign extension' } }] }];
    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.unassignExtension, message: { blocks, ts: '1.000020' }, ephemeral: true, user: OUTSIDER, responseUrl: t.slack.responseUrl('outsider-card') });
    expect(JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith('/outsider-card'))).body)).toContain(NOT_ALLOWED_TEXT);
    expect(t.slack.calls.slice(since).some((c) => c.method === 'views.open')).toBe(false);
    expect(await requestCount()).toBe(before);
  });

  it('the database refuses a second extension for a user who holds one (extensions_assigned_user), whatever the code does', { timeout: 30_000 }, async () => {
    const { user: a, extension } = await agent('jonlyone');
    const free = await extensionThroughApproval(deps, requester, softphone());
    let violated: string | undefined = 'accepted';
    try {
      await t.db.update(extensions).set({ assignedUserId: a.id }).where(eq(extensions.id, free.id));
    } catch (err) {
      violated = violatedUniqueConstraint(err);
    }
    expect(violated).toBe('extensions_assigned_user');
    expect((await findExtensionByNumber(t.db, free.number))?.assignedUserId).toBeNull();
    expect((await findExtensionByNumber(t.db, extension.number))?.assignedUserId).toBe(a.id);
  });
});
