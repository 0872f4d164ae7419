import { describe, expect, it } from 'vitest';
import { approvalMessage, type ApprovalMessageInput, type DeliveryLine } from '../../../src/slack/views/approval-message.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

const base: ApprovalMessageInput = {
  requestId: '00000000-0000-4000-8000-000000000001',
  title: 'New user: Jane Doe (jdoe)',
  fields: [],
  requesterId: 'U0REQUESTER',
  createdAt: new Date('2026-12-01T09:00:00Z'),
  state: 'completed',
  approverId: 'U0APPROVER',
  decidedAt: new Date('2026-12-01T10:00:00Z'),
  reason: null,
  result: 'User jdoe created',
  remindedAt: null,
  deliveries: [],
};

const line = (deliveries: DeliveryLine[]) => {
  const message = approvalMessage({ ...base, deliveries });
  assertWithinSlackLimits({ type: 'home', blocks: message.blocks });
  return JSON.stringify(message.blocks.filter((b) => b.type === 'context'));
};
const email = (d: Partial<DeliveryLine>): DeliveryLine => ({ topic: 'welcome_email', state: 'queued', attempts: 0, sending: false, problem: null, ...d });

describe('the approval message delivery line', () => {
  it('says "sending" while the first attempt is in flight, not "retrying"', () => {
    expect(line([email({ attempts: 1, sending: true })])).toContain('Welcome email: sending');
    expect(line([email({ attempts: 1, sending: true })])).not.toContain('retrying');
    expect(line([email({ attempts: 0 })])).toContain('Welcome email: queued');
  });

  it('says "retrying" once an attempt failed, with how many and why', () => {
    expect(line([email({ attempts: 1, problem: 'SMTP refused (451)' })])).toContain('Welcome email: retrying (1 failed attempt so far: SMTP refused (451))');
    expect(line([email({ attempts: 3, sending: true, problem: 'mail server unreachable' })])).toContain('Welcome email: sending again (2 failed attempts: mail server unreachable)');
    expect(line([email({ state: 'dead', attempts: 12, problem: 'SMTP refused (550)' })])).toContain('Welcome email: FAILED after retries: SMTP refused (550)');
    expect(line([{ topic: 'welcome_dm', state: 'skipped', attempts: 1, sending: false, problem: 'no Slack member with that email' }])).toContain('Slack DM to the new user: skipped (no Slack member with that email)');
  });
});
