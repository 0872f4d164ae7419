import { describe, expect, it } from 'vitest';
import { emailPayload, slackDmPayload, slackPostPayload, type EmailPayload, type SlackDmPayload } from '../../../src/notifications/payloads.js';
import { renderSlackDm, requesterNotice, welcomeNotifications, type WelcomeFacts } from '../../../src/notifications/messages.js';

const REQUEST_ID = '0d9f7c52-5b1e-4a57-9d55-5c3f0b6d7e11';

function facts(overrides: Partial<WelcomeFacts> = {}): WelcomeFacts {
  return {
    requestId: REQUEST_ID,
    username: 'jane.doe',
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'Jane.Doe@example.com',
    signInName: 'jane.doe@abc',
    accountUrl: 'https://provision.example.com/account',
    passwordExpiresAt: new Date('2026-11-26T09:00:00Z'),
    ...overrides,
  };
}

function split(f: WelcomeFacts) {
  const all = welcomeNotifications(f);
  const email = all.find((n) => n.channel === 'email');
  const dm = all.find((n) => n.channel === 'slack_dm');
  return { all, email: email && emailPayload.parse(email.payload), dm: dm && slackDmPayload.parse(dm.payload), emailRow: email, dmRow: dm };
}

const dmText = (dm: SlackDmPayload) => `${dm.text}\n${JSON.stringify(dm.blocks)}`;
const emailText = (e: EmailPayload) => `${e.subject}\n${e.text}\n${e.html}`;

describe('welcomeNotifications', () => {
  it('gives one email and one DM, keyed by the request so that enqueueing twice is a no-op', () => {
    const { all, emailRow, dmRow, email, dm } = split(facts());
    expect(all).toHaveLength(2);
    expect(emailRow).toMatchObject({ dedupeKey: `request:${REQUEST_ID}:welcome_email`, channel: 'email', topic: 'welcome_email', requestId: REQUEST_ID });
    expect(dmRow).toMatchObject({ dedupeKey: `request:${REQUEST_ID}:welcome_dm`, channel: 'slack_dm', topic: 'welcome_dm', requestId: REQUEST_ID });
    expect(email!.to).toEqual({ name: 'Jane Doe', address: 'Jane.Doe@example.com' });
    expect(dm!.email).toBe('Jane.Doe@example.com');
    expect(welcomeNotifications(facts())).toEqual(all); // pure
  });

  it('gives nothing to a user without an email (no address, no Slack member to find)', () => {
    expect(welcomeNotifications(facts({ email: null }))).toEqual([]);
  });

  it('says the account exists, how to sign in, that the password must be changed at first sign-in, and links to /account', () => {
    const { email } = split(facts());
    expect(email!.subject).toBe('Your contact-center account is ready: sign in as jane.doe@abc');
    expect(email!.text).toBe(
      [
        'Hello Jane,',
        '',
        'Your contact-center account has been created.',
        '',
        'Sign in as: jane.doe@abc',
        '',
        'You must change your password when you first sign in. Your first password follows the default rule: the first letter of your first name in upper case, the first letter of your last name in lower case, the digits of your phone number, then two exclamation marks (!!). It works only once, only to choose your new password, and it expires on 2026-11-26 09:00 UTC.',
        '',
        'Sign in and change your password here: https://provision.example.com/account',
        '',
        'If you were not expecting this email, tell your team lead.',
        '',
      ].join('\n'),
    );
    expect(email!.html).toContain('<p>Sign in as: <strong>jane.doe@abc</strong></p>');
    expect(email!.html).toContain('<a href="https://provision.example.com/account">Sign in and change your password</a>');

    const { dm } = split(facts());
    expect(dm!.text).toContain('Hello Jane, your contact-center account has been created.');
    expect(dm!.text).toContain('*Sign in as:* `jane.doe@abc`');
    expect(dm!.text).toContain('You must change your password when you first sign in');
    expect(dm!.text).toContain('the digits of your phone number, then two exclamation marks (!!)');
    expect(dm!.text).toContain('expires <!date^1795683600^{date_short_pretty} at {time}|2026-11-26 09:00 UTC>');
    expect(dm!.text).toContain('<https://provision.example.com/account|Sign in and change your password>');
    expect(dm!.blocks!.map((b) => b.block_id)).toEqual(['intro', 'sign_in', 'password', 'link']);
  });

  it('leaves out the expiry when the password has none', () => {
    const { email, dm } = split(facts({ passwordExpiresAt: null }));
    expect(email!.text).not.toContain('expires');
    expect(dm!.text).not.toContain('expires');
    expect(email!.text).toContain('You must change your password when you first sign in.');
  });

  it('does not describe the default rule when the requester typed the first password', () => {
    const typed = split(facts({ passwordFromRequester: true }));
    const byDefault = split(facts());
    for (const text of [emailText(typed.email!), dmText(typed.dm!)]) {
      expect(text).toContain('ask them for it');
      expect(text).not.toContain('default rule');
    }
    expect(emailText(byDefault.email!)).toContain('default rule');
    expect(dmText(byDefault.dm!)).not.toContain('ask them for it');
  });

  it('never contains the default password itself', () => {
    const { email, dm } = split(facts());
    for (const text of [emailText(email!), dmText(dm!)]) {
      expect(text).not.toMatch(/Jd\d/);
      expect(text).not.toMatch(/\p{Lu}\p{Ll}\d+!!/u);
    }
  });

  it('escapes what people typed: & < > for Slack mrkdwn, HTML entities in the email', () => {
    const { email, dm } = split(facts({ firstName: '<!channel> & <b>Al', lastName: 'O\'Brien "x"' }));
    expect(dm!.text).toContain('Hello &lt;!channel&gt; &amp; &lt;b&gt;Al, your');
    expect(dm!.text).not.toContain('<!channel>');
    expect(JSON.stringify(dm!.blocks)).not.toContain('<!channel>');
    expect(email!.html).toContain('Hello &lt;!channel&gt; &amp; &lt;b&gt;Al,');
    expect(email!.html).not.toContain('<b>Al');
    expect(email!.text).toContain('Hello <!channel> & <b>Al,'); // the plain text part is plain text
    expect(email!.to.name).toBe('<!channel> & <b>Al O\'Brien "x"');
  });

  it('puts a one-time password in the DM payload only, apart from the text, and never in the email', () => {
    const secret = 'Qz7#Kp2$Wm9+Xv4=Rt8?';
    const { email, dm } = split(facts({ oneTimePassword: secret }));
    expect(emailText(email!)).not.toContain(secret);
    expect(email!.text).toContain('Your one-time password was sent to you in a Slack direct message from this bot. You must change it when you first sign in.');
    expect(email!.text).not.toContain('default rule');
    expect(dm!.oneTimePassword).toBe(secret);
    expect(dm!.text).not.toContain(secret);
    expect(JSON.stringify(dm!.blocks)).not.toContain(secret);
    expect(dm!.text).toContain('You must change your one-time password (below) when you first sign in.');

    const rendered = renderSlackDm(dm!);
    expect(rendered.text).toContain(`*Your one-time password:* \`${secret}\``);
    expect(rendered.blocks!.map((b) => b.block_id)).toEqual(['intro', 'sign_in', 'password', 'one_time_password', 'link']);
    expect(JSON.stringify(rendered.blocks![3])).toContain(secret);
  });

  it('renders a DM without a secret as stored, and escapes a secret with Slack control characters', () => {
    const { dm } = split(facts());
    expect(renderSlackDm(dm!)).toEqual({ text: dm!.text, blocks: dm!.blocks });
    expect(renderSlackDm({ email: 'a@b.c', text: 'hi', oneTimePassword: 'a<b>&c' }).text).toBe('hi\n\n*Your one-time password:* `a&lt;b&gt;&amp;c`');
  });
});

describe('requesterNotice', () => {
  it('posts to the requester by user ID, keyed by request and topic', () => {
    const notice = requesterNotice({ requestId: REQUEST_ID, requesterId: 'U0REQUESTER', topic: 'requester_approved', text: 'Your request for *jane.doe* was approved.' });
    expect(notice).toEqual({
      dedupeKey: `request:${REQUEST_ID}:requester_approved`,
      channel: 'slack_post',
      topic: 'requester_approved',
      requestId: REQUEST_ID,
      payload: { channel: 'U0REQUESTER', text: 'Your request for *jane.doe* was approved.' },
    });
    expect(slackPostPayload.safeParse(notice.payload).success).toBe(true);
  });
});
