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
    expect(line([{ topic: 'welcome_dm', state: 'skipped', attempts: 1, sending: false, problem: 'no Slack member with that email' }])).toContain('Slack DM to the new user: skipped (no Slack member with that email)');
  });

  it('shows a notification that used up its retries as not delivered, with Retry delivery unless its secret was erased', () => {
    const dead = approvalMessage({ ...base, deliveries: [email({ state: 'dead', attempts: 12, problem: 'SMTP refused (550)' })] });
    assertWithinSlackLimits({ type: 'home', blocks: dead.blocks });
    expect(JSON.stringify(dead.blocks)).toContain('Welcome email: :warning: email not delivered (12 attempts: SMTP refused (550))');
    const retry = dead.blocks.find((b) => b.type === 'actions');
    expect(JSON.stringify(retry)).toContain('"action_id":"retry_delivery"');
    expect(JSON.stringify(retry)).toContain(base.requestId);
    const dm = approvalMessage({ ...base, deliveries: [{ topic: 'welcome_dm', state: 'dead', attempts: 1, sending: false, problem: 'Slack refused (invalid_email)', retryable: false }] });
    expect(JSON.stringify(dm.blocks)).toContain('DM not delivered');
    expect(JSON.stringify(dm.blocks)).toContain('one-time password was erased');
    expect(dm.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(line([email({ state: 'sent', attempts: 1 })])).not.toContain('retry_delivery');
  });
});

describe('the approval message under four eyes', () => {
  it('says "1 of 2 approvals (<@first>)" while pending, and who gave the first approval once decided', () => {
    const pending = approvalMessage({ ...base, state: 'pending', approverId: null, decidedAt: null, result: null, approvals: { needed: 2, by: ['U0ADA'] } });
    assertWithinSlackLimits({ type: 'home', blocks: pending.blocks });
    expect(JSON.stringify(pending.blocks)).toContain('1 of 2 approvals (<@U0ADA>)');
    expect(JSON.stringify(pending.blocks)).toContain('approve_request');
    const done = approvalMessage({ ...base, approverId: 'U0BOB', approvals: { needed: 2, by: ['U0ADA'] } });
    expect(JSON.stringify(done.blocks)).toContain('by <@U0BOB>');
    expect(JSON.stringify(done.blocks)).toContain('First approval by <@U0ADA>');
    const single = approvalMessage({ ...base, state: 'pending', approverId: null, decidedAt: null, approvals: { needed: 1, by: [] } });
    expect(JSON.stringify(single.blocks)).not.toContain('approvals');
  });
});
