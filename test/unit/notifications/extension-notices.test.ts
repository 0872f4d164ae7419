import { describe, expect, it } from 'vitest';
import { extensionAssignmentNotices } from '../../../src/notifications/extension-notices.js';
import { requesterOutcomeText } from '../../../src/notifications/requester-notices.js';

const request = { id: 'r1', requesterId: 'U0REQUESTER', approverId: 'U0APPROVER' };
const subject = { kind: 'extension_assignment', change: 'reassign', number: 1001, from: 'jdoe', to: '<!channel>' } as const;

describe('what an extension change tells', () => {
  it('the requester, the previous holder and the recipient (each by email, when they have one); names escaped', () => {
    const notices = extensionAssignmentNotices(request, subject, { number: 1001, from: { username: 'jdoe', email: 'jane@example.com' }, to: { username: '<!channel>', email: 'sam@example.com' } });
    expect(notices.map((n) => [n.channel, n.topic])).toEqual([
      ['slack_post', 'request_completed'],
      ['slack_dm', 'extension_taken_from_holder'],
      ['slack_dm', 'extension_given_to_recipient'],
    ]);
    const [toRequester, toHolder, toRecipient] = notices.map((n) => String(n.payload.text));
    expect(toRequester).toContain('the reassignment of extension 1001 (jdoe → &lt;!channel&gt;)');
    expect(toRequester).not.toContain('<!channel>');
    expect(toRequester).toContain('<@U0APPROVER>');
    expect(toHolder).toContain('no longer your primary phone');
    expect(notices[1]!.payload.email).toBe('jane@example.com');
    expect(toRecipient).toContain('is your primary phone now');
    expect(new Set(notices.map((n) => n.dedupeKey)).size).toBe(3);
  });

  it('no DM for a person without an email, or for nobody; an unassignment says the extension is free', () => {
    const notices = extensionAssignmentNotices(request, { ...subject, change: 'unassign', to: null }, { number: 1001, from: { username: 'jdoe', email: null }, to: null });
    expect(notices).toHaveLength(1);
    expect(String(notices[0]!.payload.text)).toContain('the unassignment of extension 1001 from jdoe');
    expect(String(notices[0]!.payload.text)).toContain('Extension 1001 is free now');
  });

  it('a failed one says nothing was changed', () => {
    expect(requesterOutcomeText({ requestId: 'r1', requesterId: 'U0REQUESTER', subject, outcome: 'failed', approverId: 'U0APPROVER', reason: 'Extension 1001 changed hands' })).toContain('Nothing was changed');
  });
});
