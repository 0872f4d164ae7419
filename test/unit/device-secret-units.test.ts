import type { Button } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { cardActions } from '../../src/domain/card-actions.js';
import { generateDeviceSecret, generateRevealToken, revealTokenHash, sameDeviceSecret } from '../../src/domain/device-secret.js';
import { phoneSettingsGonePage, phoneSettingsPage, signInPage } from '../../src/http/account-pages.js';
import { welcomeNotifications } from '../../src/notifications/messages.js';
import { emailPayload, slackDmPayload } from '../../src/notifications/payloads.js';
import { parseProvisionCommand } from '../../src/slack/commands/parse.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { userCardMessage } from '../../src/slack/views/user-card.js';
import { describeRequest } from '../../src/slack/views/request-summary.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';

describe('device secret rules', () => {
  it('compares secrets exactly, and an unknown extension never matches', () => {
    const secret = generateDeviceSecret();
    expect(sameDeviceSecret(secret, secret)).toBe(true);
    expect(sameDeviceSecret(`${secret}x`, secret)).toBe(false);
    expect(sameDeviceSecret(secret.slice(1), secret)).toBe(false);
    expect(sameDeviceSecret(secret, undefined)).toBe(false);
    expect(sameDeviceSecret('', undefined)).toBe(false);
  });

  it('reveal tokens: 256 random bits, stored as a hash that does not contain them', () => {
    const a = generateRevealToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateRevealToken()).not.toBe(a);
    expect(revealTokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(revealTokenHash(a)).toBe(revealTokenHash(a));
    expect(revealTokenHash(a)).not.toContain(a);
  });
});

describe('/provision extension rotate', () => {
  it.each([
    ['extension rotate 1001', { kind: 'extension_rotate', number: '1001' }],
    ['Extension ROTATE  1001 ', { kind: 'extension_rotate', number: '1001' }],
    ['extension rotate', { kind: 'extension_rotate', number: '' }],
    ['extension', { kind: 'extension' }],
  ])('%j', (text, parsed) => expect(parseProvisionCommand(text)).toEqual(parsed));
});

describe('Rotate device secret on the user card', () => {
  it('only for an approver, and only for a user with an extension', () => {
    expect(cardActions({ canRequest: true, isApprover: true }, 'active', { hasExtension: true })).toEqual(['edit', 'clone', 'deactivate', 'unassign_extension', 'rotate_secret', 'history']);
    expect(cardActions({ canRequest: true, isApprover: true }, 'active', { hasExtension: false })).not.toContain('rotate_secret');
    expect(cardActions({ canRequest: true, isApprover: false }, 'active', { hasExtension: true })).not.toContain('rotate_secret');
    expect(cardActions({ canRequest: false, isApprover: true }, 'active', { hasExtension: true })).toEqual(['history']);
  });

  it('the button carries the extension number and a confirm, within Slack limits', () => {
    const card = {
      username: 'jdoe', firstName: 'Jane', lastName: 'Doe', email: null, status: 'active' as const, userType: 'agent' as const, agentId: 1001,
      extension: { number: 1004, deviceType: 'softphone' }, siteName: null, departmentName: null, billingUnitName: null, profileName: null,
      collections: [], createdBy: 'U0REQUESTER', createdAt: new Date('2026-11-20T09:00:00Z'), deactivatedBy: null, deactivatedAt: null, lastSignInAt: null, lockedUntil: null, version: 1,
    };
    const { blocks } = userCardMessage(card, cardActions({ canRequest: true, isApprover: true }, 'active', { hasExtension: true }));
    assertWithinSlackLimits({ type: 'home', blocks });
    const button = (blocks).flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e): e is Button => e.type === 'button' && e.action_id === ACTIONS.rotateDeviceSecret);
    expect(button?.value).toBe('1004');
    expect(button?.confirm?.title?.text).toBe('Rotate device secret?');
  });
});

describe('the rotation request as it reads', () => {
  it('names the extension and holder, never a secret', () => {
    const summary = describeRequest('rotate_device_secret', { rotate: 'device_secret', extensionNumber: 1004, holderUsername: 'jdoe' }, { sites: new Map(), departments: new Map(), billingUnits: new Map(), profiles: new Map(), clusters: new Map(), callerIds: new Map(), e911Locations: new Map(), collectionCount: 0 });
    expect(summary.title).toBe('New device secret for extension 1004');
    expect(summary.fields).toContainEqual({ label: 'Held by', value: 'jdoe' });
  });
});

describe('the account pages of the phone step', () => {
  it('the step is a POST form with the token in a hidden field; the settings page escapes and says "ask your administrator" without a registrar', () => {
    const html = signInPage({ phoneStep: { token: 'tok"<en', extensionNumber: 1004 } });
    expect(html).toContain('<form method="post">');
    expect(html).toContain('value="tok&quot;&lt;en"');
    expect(html).toContain("Show my phone's settings");
    expect(signInPage({})).not.toContain('revealToken');
    const shown = phoneSettingsPage({ extensionNumber: 1004, deviceSecret: 'a<b', registrar: null });
    expect(shown).toContain('a&lt;b');
    expect(shown).toContain('ask your administrator for the registrar');
    expect(phoneSettingsPage({ extensionNumber: 1004, deviceSecret: 's', registrar: 'sip.example.com:5061' })).toContain('<code>sip.example.com:5061</code>');
    expect(phoneSettingsGonePage()).toContain('a new device secret must be requested');
  });
});

describe('the welcome tells an agent with an extension about the phone step, without any secret', () => {
  it('email and DM mention the extension and the step; nothing when there is no extension', () => {
    const base = { requestId: 'r1', username: 'jdoe', firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', signInName: 'jdoe@abc', accountUrl: 'https://x.example/account', passwordExpiresAt: null };
    const [email, dm] = welcomeNotifications({ ...base, extensionNumber: 1004 });
    const e = emailPayload.parse(email!.payload);
    const d = slackDmPayload.parse(dm!.payload);
    for (const text of [e.text, e.html, d.text, JSON.stringify(d.blocks)]) expect(text).toContain('Your phone extension is 1004');
    assertWithinSlackLimits({ type: 'home', blocks: d.blocks as never });
    const [plain] = welcomeNotifications(base);
    expect(emailPayload.parse(plain!.payload).text).not.toContain('phone extension');
  });
});
