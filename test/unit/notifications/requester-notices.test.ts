import { describe, expect, it } from 'vitest';
import { slackPostPayload } from '../../../src/notifications/payloads.js';
import { requesterOutcomeNotice, requesterOutcomeText, subjectText, type CreatedUser, type RequesterNoticeFacts, type RequestSubject } from '../../../src/notifications/requester-notices.js';

const REQUEST_ID = '0d9f7c52-5b1e-4a57-9d55-5c3f0b6d7e11';
const jane: RequestSubject = { kind: 'user', firstName: 'Jane', lastName: 'Doe', username: 'jane.doe', clonedFrom: null };
const about = { requestId: REQUEST_ID, requesterId: 'U0REQUESTER', subject: jane };

describe('subjectText', () => {
  it('names a user request by name and username, and a clone by its source', () => {
    expect(subjectText(jane)).toBe('Jane Doe (jane.doe)');
    expect(subjectText({ ...jane, clonedFrom: 'asmith' })).toBe('Jane Doe (jane.doe), cloned from asmith');
  });

  it('names an extension request by its number, or as a new extension when the bot chooses it', () => {
    expect(subjectText({ kind: 'extension', number: '1500', deviceName: 'Jane softphone' })).toBe('extension 1500 (Jane softphone)');
    expect(subjectText({ kind: 'extension', number: null, deviceName: 'Jane softphone' })).toBe('a new extension (Jane softphone)');
  });

  it('says only what kind of thing was asked for when the stored form no longer reads', () => {
    expect(subjectText({ kind: 'unreadable', asked: 'user' })).toBe('a new user');
    expect(subjectText({ kind: 'unreadable', asked: 'extension' })).toBe('a new extension');
  });

  it('escapes what people typed, so a name cannot ping a channel', () => {
    const text = subjectText({ kind: 'user', firstName: '<!channel>', lastName: 'A&B', username: 'x', clonedFrom: '<@U1>' });
    expect(text).toBe('&lt;!channel&gt; A&amp;B (x), cloned from &lt;@U1&gt;');
    expect(subjectText({ kind: 'extension', number: null, deviceName: '<!here>' })).not.toContain('<!here>');
  });
});

describe('requesterOutcomeNotice', () => {
  const completedUser = (created: Partial<Omit<CreatedUser, 'kind'>> = {}): RequesterNoticeFacts => ({
    ...about,
    outcome: 'completed',
    approverId: 'U0APPROVER',
    created: { kind: 'user', signInName: 'jane.doe@abc', agentId: null, extensionNumber: null, hasEmail: true, ...created },
  });

  it('goes to the requester’s DM with the app, one per request and outcome', () => {
    const facts: RequesterNoticeFacts[] = [
      completedUser(),
      { ...about, outcome: 'failed', approverId: 'U0APPROVER', reason: 'taken' },
      { ...about, outcome: 'rejected', approverId: 'U0APPROVER', reason: 'duplicate' },
      { ...about, outcome: 'expired', expireAfterHours: 168 },
    ];
    const notices = facts.map(requesterOutcomeNotice);
    expect(notices.map((n) => [n.topic, n.dedupeKey, n.channel, n.requestId])).toEqual(
      ['request_completed', 'request_failed', 'request_rejected', 'request_expired'].map((topic) => [topic, `request:${REQUEST_ID}:${topic}`, 'slack_post', REQUEST_ID]),
    );
    for (const [i, n] of notices.entries()) expect(slackPostPayload.parse(n.payload)).toEqual({ channel: 'U0REQUESTER', text: requesterOutcomeText(facts[i]!) });
  });

  it('tells a completed user request’s sign-in name, extension and agent ID, and who approved it', () => {
    expect(requesterOutcomeText(completedUser({ agentId: 1001, extensionNumber: 1500 }))).toBe(
      [
        ':white_check_mark: Your request for Jane Doe (jane.doe) was approved by <@U0APPROVER>.',
        'The account is ready: sign-in name `jane.doe@abc`, extension 1500, agent ID 1001.',
        'The new user gets an email, and a Slack DM where possible, with how to sign in.',
      ].join('\n'),
    );
    expect(requesterOutcomeText(completedUser())).toContain('sign-in name `jane.doe@abc`.\n');
  });

  it('asks the requester to pass the sign-in name on when the new user has no email', () => {
    const text = requesterOutcomeText(completedUser({ hasEmail: false }));
    expect(text).toContain('tell them their sign-in name');
    expect(text).not.toContain('gets an email');
  });

  it('tells a completed extension request its number and device', () => {
    const text = requesterOutcomeText({ ...about, subject: { kind: 'extension', number: null, deviceName: 'Desk <1>' }, outcome: 'completed', approverId: 'U0APPROVER', created: { kind: 'extension', number: 1502, deviceName: 'Desk <1>' } });
    expect(text).toBe(':white_check_mark: Your request for a new extension (Desk &lt;1&gt;) was approved by <@U0APPROVER>. Extension 1502 (Desk &lt;1&gt;) is ready.');
  });

  it('gives the reason of a failure or a rejection, escaped, and the expiry period', () => {
    const failed = requesterOutcomeText({ ...about, outcome: 'failed', approverId: 'U0APPROVER', reason: 'Username jane.doe is already taken <!channel>' });
    expect(failed).toContain('approved by <@U0APPROVER> but could not be carried out: Username jane.doe is already taken &lt;!channel&gt;');
    expect(failed).toContain('Nothing was created.');
    expect(requesterOutcomeText({ ...about, outcome: 'rejected', approverId: 'U0APPROVER', reason: 'dup & <!here>' })).toBe(':x: Your request for Jane Doe (jane.doe) was rejected by <@U0APPROVER>: dup &amp; &lt;!here&gt;');
    expect(requesterOutcomeText({ ...about, outcome: 'expired', expireAfterHours: 72 })).toContain('expired: no approver decided on it within 72 hours');
  });

  it('never turns a stored approver that is not a Slack user ID into a mention', () => {
    const text = requesterOutcomeText({ ...about, outcome: 'rejected', approverId: '!channel', reason: 'no' });
    expect(text).not.toContain('<!channel>');
  });
});
