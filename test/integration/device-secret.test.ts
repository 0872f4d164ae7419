import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, deviceSecretRevealTokens, extensions, requests } from '../../src/db/schema/index.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitRotation } from '../../src/services/rotate-device-secret.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import type { ViewBlock } from '../support/fill-view.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { APPROVER, REQUESTER, sendBlockAction } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, drain, requestState } from '../support/user-change.js';

const SECOND_APPROVER = 'U0APPROVER2';
const REGISTRAR = 'sip.example.com:5061';
const DEFAULT = 'Jd5555551234!!';
const NEW = 'Correct horse battery 9';

/**
 * Device credentials end to end: an agent made through approval signs in with the one-time password,
 * chooses their own, and sees the phone's settings exactly once; an approver rotates the secret
 * through the approval loop, after which the PBX's check refuses the old secret and takes the new one.
 */
describe(`device secret: shown once, rotated through approval (${testDriver})`, () => {
  let t: TestBot;
  let deps: ReturnType<typeof depsFor>;

  beforeAll(async () => {
    t = await startTestBot({ APPROVER_IDS: `${APPROVER},${SECOND_APPROVER}`, SIP_REGISTRAR: REGISTRAR });
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => t?.close());

  async function postForm(fields: Record<string, string>) {
    const response = await fetch(`${t.baseUrl}/account`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }
  async function check(extension: number, secret: string) {
    const response = await fetch(`${t.baseUrl}/api/v1/device-credentials/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extension, secret }) });
    return { status: response.status, body: await response.text() };
  }
  const storedSecret = async (number: number) => (await t.db.select().from(extensions).where(eq(extensions.number, number)))[0]!;
  const tokenOf = (html: string) => /name="revealToken" value="([^"]+)"/.exec(html)?.[1];
  const reveal = (token: string) => postForm({ action: 'reveal-phone-settings', revealToken: token });

  async function command(text: string, user: string, name: string): Promise<string> {
    const since = t.slack.responses.length;
    await sendSlashCommand(t.baseUrl, { text, user_id: user, response_url: t.slack.responseUrl(name) });
    const response = await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 5000, since);
    return JSON.stringify(response.body);
  }

  async function agentWithExtension(username: string) {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username, userType: 'agent', extensionNumber: extension.number }));
    return { user, number: extension.number };
  }

  /** Signs in with the one-time password, changes it: the page that follows. */
  async function firstSignIn(username: string) {
    const signedIn = await postForm({ action: 'sign-in', signInName: `${username}@abc`, password: DEFAULT });
    expect(signedIn.text).toContain('Change your password');
    expect(signedIn.text).not.toContain('revealToken');
    return postForm({ action: 'change-password', signInName: `${username}@abc`, currentPassword: DEFAULT, newPassword: NEW, confirmPassword: NEW });
  }

  it('after the password change the agent reveals the settings once; a second reveal and a reused token show nothing secret', { timeout: 90_000 }, async () => {
    const { user, number } = await agentWithExtension('jphone');
    const changed = await firstSignIn('jphone');
    expect(changed.status).toBe(200);
    expect(changed.text).toContain("Show my phone's settings");
    // The token travels in a POSTed form's hidden field of a no-store, no-referrer page: never in a URL.
    expect(changed.text).toMatch(/<form method="post">\s*<input type="hidden" name="action" value="reveal-phone-settings">/);
    expect(changed.headers.get('cache-control')).toBe('no-store');
    expect(changed.headers.get('referrer-policy')).toBe('no-referrer');
    const token = tokenOf(changed.text)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { deviceSecret } = await storedSecret(number);
    expect(changed.text).not.toContain(deviceSecret);
    // Only the token's hash is stored, bound to the user and the extension.
    const [stored] = await t.db.select().from(deviceSecretRevealTokens).where(eq(deviceSecretRevealTokens.userId, user.id));
    expect(stored!.tokenHash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const shown = await reveal(token);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.text).toContain(`<code id="sip-extension">${number}</code>`);
    expect(shown.text).toContain(`<code id="sip-secret">${deviceSecret}</code>`);
    expect(shown.text).toContain(REGISTRAR);
    const after = await storedSecret(number);
    expect(after.secretRevealedAt).not.toBeNull();
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'extension.secret_revealed'), eq(auditEvents.entityId, String(after.id))));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(deviceSecret);

    const reused = await reveal(token);
    expect(reused.status).toBe(410);
    expect(reused.text).not.toContain(deviceSecret);
    expect(reused.text).toContain('a new device secret must be requested');
    // Signing in again with the own password offers nothing: the secret was shown.
    const again = await postForm({ action: 'sign-in', signInName: 'jphone@abc', password: NEW });
    expect(again.text).toContain('Password accepted');
    expect(again.text).not.toContain('revealToken');
    // Two tokens at once (two tabs) for one secret: one shows it, the other nothing.
    const { number: n2 } = await agentWithExtension('jtabs');
    const tab1 = tokenOf((await firstSignIn('jtabs')).text)!;
    const tab2 = tokenOf((await postForm({ action: 'sign-in', signInName: 'jtabs@abc', password: NEW })).text)!;
    const results = await Promise.all([reveal(tab1), reveal(tab2)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const secret2 = (await storedSecret(n2)).deviceSecret;
    expect(results.filter((r) => r.text.includes(secret2))).toHaveLength(1);
  });

  it('the PBX check: 200 for the current secret, 401 for a wrong one or an unknown extension, 400 for a bad body', async () => {
    const { number } = await agentWithExtension('jcheck');
    const { deviceSecret } = await storedSecret(number);
    expect(await check(number, deviceSecret)).toEqual({ status: 200, body: '{"ok":true}' });
    expect((await check(number, `${deviceSecret}x`)).status).toBe(401);
    expect((await check(99_999, deviceSecret)).status).toBe(401);
    const bad = await fetch(`${t.baseUrl}/api/v1/device-credentials/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extension: 'one', secret: '' }) });
    expect(bad.status).toBe(400);
    expect(t.logText()).not.toContain(deviceSecret);
  });

  it('/provision extension rotate: approved by another approver, the old secret fails at once, the new one passes, and can be revealed once', { timeout: 90_000 }, async () => {
    const { number } = await agentWithExtension('jrotate');
    const shownOnce = tokenOf((await firstSignIn('jrotate')).text)!;
    expect((await reveal(shownOnce)).status).toBe(200);
    const old = await storedSecret(number);

    const answer = await command(`extension rotate ${number}`, APPROVER, 'rotate');
    expect(answer).toContain(`Asked for a new device secret for extension ${number}`);
    const [request] = await t.db.select().from(requests).where(and(eq(requests.kind, 'rotate_device_secret'), eq(requests.targetExtensionId, old.id)));
    expect(request).toMatchObject({ state: 'pending', requesterId: APPROVER });
    const message = await approvalMessageOf(t, request!.id);
    expect(JSON.stringify(message.blocks)).toContain(`New device secret for extension ${number}`);
    // The old secret works until the approval.
    expect((await check(number, old.deviceSecret)).status).toBe(200);

    await sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: SECOND_APPROVER, responseUrl: t.slack.responseUrl('approve-rotate') });
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 10_000 }).toBe('completed');
    expect((await check(number, old.deviceSecret)).status).toBe(401);
    const rotated = await storedSecret(number);
    expect(rotated.deviceSecret).not.toBe(old.deviceSecret);
    expect(rotated.deviceSecret.length).toBeGreaterThanOrEqual(32);
    expect(rotated.secretGeneration).toBe(old.secretGeneration + 1);
    expect(rotated.secretRevealedAt).toBeNull();
    expect((await check(number, rotated.deviceSecret)).status).toBe(200);
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'extension.device_secret_rotated'), eq(auditEvents.entityId, String(old.id))));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(rotated.deviceSecret);
    expect(JSON.stringify(audit)).not.toContain(old.deviceSecret);

    await drain(t);
    const told = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === APPROVER && /new device secret for extension/.test(String(c.args.text)) && /stopped working/.test(String(c.args.text)), 10_000);
    expect(String(told.args.text)).not.toContain(rotated.deviceSecret);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain('has a new device secret');

    // The holder may reveal the new secret once.
    const offer = await postForm({ action: 'sign-in', signInName: 'jrotate@abc', password: NEW });
    const shown = await reveal(tokenOf(offer.text)!);
    expect(shown.text).toContain(`<code id="sip-secret">${rotated.deviceSecret}</code>`);
    expect((await reveal(tokenOf(offer.text)!)).status).toBe(410);
  });

  it('a reveal token made before a rotation shows nothing afterwards; a fresh sign-in offers the new secret', { timeout: 90_000 }, async () => {
    const { number } = await agentWithExtension('jstale');
    const stale = tokenOf((await firstSignIn('jstale')).text)!;
    const submitted = await submitRotation(deps, { id: APPROVER, portalAdmin: false }, { extensionNumber: number });
    const approved = await approveRequest(deps, { id: SECOND_APPROVER, portalAdmin: false }, submitted.id, { allowSelfApproval: false, accountUrl: `${t.baseUrl}/account` });
    expect(approved.outcome).toBe('completed');
    const { deviceSecret } = await storedSecret(number);
    const refused = await reveal(stale);
    expect(refused.status).toBe(410);
    expect(refused.text).not.toContain(deviceSecret);
    const fresh = tokenOf((await postForm({ action: 'sign-in', signInName: 'jstale@abc', password: NEW })).text)!;
    expect((await reveal(fresh)).text).toContain(deviceSecret);
  });

  it('refuses a non-approver, an unknown extension and a missing number; two rotations at once leave one request', { timeout: 60_000 }, async () => {
    const { number } = await agentWithExtension('jtwice');
    const count = async () => (await t.db.select().from(requests).where(eq(requests.kind, 'rotate_device_secret'))).length;
    const before = await count();
    expect(await command(`extension rotate ${number}`, REQUESTER, 'not-approver')).toContain('Only approvers can ask for a new device secret');
    expect(await command('extension rotate 98765', APPROVER, 'unknown')).toContain('There is no extension 98765');
    expect(await command('extension rotate', APPROVER, 'missing')).toContain('Say which extension');
    expect(await count()).toBe(before);

    const answers = await Promise.all([command(`extension rotate ${number}`, APPROVER, 'twice-a'), command(`extension rotate ${number}`, SECOND_APPROVER, 'twice-b')]);
    expect(answers.filter((a) => a.includes('Asked for a new device secret'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('already has a change waiting for approval'))).toHaveLength(1);
    expect(await count()).toBe(before + 1);
  });

  it('the user card offers Rotate device secret to approvers for a user with an extension, and the button makes the request', { timeout: 60_000 }, async () => {
    const { number } = await agentWithExtension('jcard');
    await userThroughApproval(deps, requester, janeDoe({ username: 'jnonagent' }));
    const card = async (text: string, user: string) => JSON.parse(await (await sendSlashCommand(t.baseUrl, { text, user_id: user })).text()) as { blocks: ViewBlock[] };
    const rotateButtons = (blocks: ViewBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).filter((e) => e.action_id === ACTIONS.rotateDeviceSecret);
    const forApprover = await card('show jcard', APPROVER);
    assertWithinSlackLimits({ type: 'home', blocks: forApprover.blocks });
    expect(rotateButtons(forApprover.blocks).map((b) => b.value)).toEqual([String(number)]);
    expect(rotateButtons((await card('show jcard', REQUESTER)).blocks)).toEqual([]);
    expect(rotateButtons((await card('show jnonagent', APPROVER)).blocks)).toEqual([]);

    const since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.rotateDeviceSecret, message: { blocks: forApprover.blocks, ts: '1.1' }, user: APPROVER, ephemeral: true, responseUrl: t.slack.responseUrl('card-rotate') });
    const response = await t.slack.waitForResponse((r) => r.url.endsWith('/card-rotate'), 5000, since);
    expect(JSON.stringify(response.body)).toContain(`Asked for a new device secret for extension ${number}`);
    const { id } = await storedSecret(number);
    expect(await t.db.select().from(requests).where(and(eq(requests.targetExtensionId, id), eq(requests.state, 'pending')))).toHaveLength(1);
  });

  it('a non-agent is never offered the step', { timeout: 60_000 }, async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'jnophone' }));
    const changed = await firstSignIn('jnophone');
    expect(changed.text).toContain('Your password has been changed');
    expect(changed.text).not.toContain("Show my phone's settings");
    expect(changed.text).not.toContain('revealToken');
  });
});
