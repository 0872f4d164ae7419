import { describe, expect, it } from 'vitest';
import { renderSlackDm } from '../../../src/notifications/messages.js';
import { emailPayload, slackDmPayload, slackPostPayload, type EmailPayload, type SlackDmPayload } from '../../../src/notifications/payloads.js';
import { recoveryDoneNotice, signInResetNotifications, type SignInResetFacts } from '../../../src/notifications/recovery-notices.js';

function facts(over: Partial<SignInResetFacts> = {}): SignInResetFacts {
  return {
    requestId: 'r1',
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane@example.com',
    signInName: 'jdoe@abc',
    accountUrl: 'https://provision.example.com/account',
    passwordExpiresAt: new Date('2026-11-26T09:00:00Z'),
    wasLocked: true,
    ...over,
  };
}

describe('the sign-in reset notice', () => {
  it('by email and DM under the default policy, saying why it came, describing the rule and never a password', () => {
    const out = signInResetNotifications(facts());
    expect(out.map((n) => [n.channel, n.topic, n.dedupeKey])).toEqual([
      ['email', 'sign_in_reset_email', 'request:r1:sign_in_reset_email'],
      ['slack_dm', 'sign_in_reset_dm', 'request:r1:sign_in_reset_dm'],
    ]);
    const email = emailPayload.parse(out[0]!.payload);
    expect(email.subject).toBe('Your sign-in was reset: sign in as jdoe@abc with a new one-time password');
    expect(email.text).toContain("Your sign-in was reset at your team's request, and your account is unlocked: your previous password no longer works.");
    expect(email.text).toContain('the first letter of your first name');
    expect(email.text).toContain('2026-11-26 09:00 UTC');
    expect(email.html).toContain('Your sign-in was reset');
    const dm = slackDmPayload.parse(out[1]!.payload);
    expect(dm.email).toBe('jane@example.com');
    expect(dm.oneTimePassword).toBeUndefined();
    expect(dm.text).toContain('Your sign-in was reset');
  });

  it('under random, by DM only, the password kept apart and shown after the password block when sent', () => {
    const out = signInResetNotifications(facts({ oneTimePassword: 'Zq8-secret-Kw', wasLocked: false }));
    expect(out.map((n) => n.channel)).toEqual(['slack_dm']);
    const dm = slackDmPayload.parse(out[0]!.payload);
    expect(dm.text).not.toContain('Zq8-secret-Kw');
    expect(dm.text).not.toContain('unlocked');
    expect(JSON.stringify(dm.blocks)).not.toContain('Zq8-secret-Kw');
    const sent = renderSlackDm(dm);
    expect(sent.text).toContain('*Your one-time password:* `Zq8-secret-Kw`');
    const ids = sent.blocks!.map((b) => b.block_id);
    expect(ids.indexOf('one_time_password')).toBe(ids.indexOf('password') + 1);
  });

  it('nothing without an email: nothing could reach them', () => {
    expect(signInResetNotifications(facts({ email: null }))).toEqual([]);
  });

  it('escapes the names people typed for Slack and for HTML', () => {
    const out = signInResetNotifications(facts({ firstName: '<!channel> & <b>' }));
    expect((out[0]!.payload as EmailPayload).html).toContain('&lt;!channel&gt; &amp; &lt;b&gt;');
    expect((out[1]!.payload as SlackDmPayload).text).toContain('&lt;!channel&gt; &amp; &lt;b&gt;');
  });
});

describe("the requester's notice of a recovery done", () => {
  const request = { id: 'r2', requesterId: 'U0REQUESTER', approverId: 'U0APPROVER' };

  it('a reset: who, by whom, unlocked, and how it reaches them', () => {
    const n = recoveryDoneNotice(request, { kind: 'reset', username: 'jdoe', signInName: 'jdoe@abc', freshPassword: true, wasLocked: true, byEmail: true });
    const post = slackPostPayload.parse(n.payload);
    expect(post.channel).toBe('U0REQUESTER');
    expect(post.text).toBe(
      ':white_check_mark: The sign-in of jdoe is reset (approved by <@U0APPROVER>) and the account unlocked: their previous password no longer works. They get an email, and a Slack DM where possible, with a new one-time password for `jdoe@abc`.',
    );
    expect(n.dedupeKey).toBe('request:r2:request_completed');
  });

  it('carried out at once by the approver who asked: no "approved by"; a resend says whether the password is new', () => {
    const atOnce = { ...request, approverId: 'U0REQUESTER' };
    const reset = slackPostPayload.parse(recoveryDoneNotice(atOnce, { kind: 'reset', username: 'jdoe', signInName: 'jdoe@abc', freshPassword: true, wasLocked: false, byEmail: false }).payload);
    expect(reset.text).not.toContain('approved by');
    expect(reset.text).toContain('They get a Slack DM, with a new one-time password');
    const kept = slackPostPayload.parse(recoveryDoneNotice(request, { kind: 'resend', username: 'jdoe', signInName: 'jdoe@abc', freshPassword: false, wasLocked: false, byEmail: true }).payload);
    expect(kept.text).toContain('with their current one-time password');
    const fresh = slackPostPayload.parse(recoveryDoneNotice(request, { kind: 'resend', username: '<!here>', signInName: 'jdoe@abc', freshPassword: true, wasLocked: false, byEmail: true }).payload);
    expect(fresh.text).toContain('with a new one-time password');
    expect(fresh.text).toContain('&lt;!here&gt;');
  });
});
