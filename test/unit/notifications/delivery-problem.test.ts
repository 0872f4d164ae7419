import { describe, expect, it } from 'vitest';
import { deliveryProblem } from '../../../src/notifications/delivery-problem.js';

describe('deliveryProblem: why a delivery failed, in words safe for the approvals channel', () => {
  it('names SMTP refusals by reply code and connection trouble in fixed words', () => {
    expect(deliveryProblem('SMTP 550 5.1.1 <jane@example.com>: Recipient address rejected')).toBe('SMTP refused (550)');
    expect(deliveryProblem('SMTP 451 Mailbox busy, try later')).toBe('SMTP refused (451)');
    expect(deliveryProblem('SMTP ECONNECTION: connect ECONNREFUSED 10.0.0.5:25')).toBe('mail server unreachable');
    expect(deliveryProblem('SMTP EAUTH: Invalid login: 535 user smtp-bot password hunter2')).toBe('SMTP sign-in refused');
  });

  it('names Slack failures by their error code, never by free text', () => {
    expect(deliveryProblem('no Slack member has this email')).toBe('no Slack member with that email');
    expect(deliveryProblem('chat.postMessage: channel_not_found')).toBe('Slack refused (channel_not_found)');
    expect(deliveryProblem('chat.postMessage: HTTP 503 Service Unavailable')).toBe('Slack unreachable');
    expect(deliveryProblem('users.lookupByEmail: rate limited, retry after 3s')).toBe('Slack rate limit');
    expect(deliveryProblem('chat.postMessage: something with jane@example.com in it')).toBe('Slack refused');
  });

  it('says nothing when nothing failed, and a plain word for anything unknown', () => {
    expect(deliveryProblem(null)).toBeNull();
    expect(deliveryProblem('')).toBeNull();
    expect(deliveryProblem('Error: secret-token-abc exploded')).toBe('delivery failed');
  });
});
