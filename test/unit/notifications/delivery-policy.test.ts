import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { messageIdHost } from '../../../src/notifications/mailer.js';
import { classifySlackError, classifySmtpError } from '../../../src/notifications/senders.js';
import { defaultBackoff } from '../../../src/notifications/worker.js';

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('classifySlackError', () => {
  it('retries network failures, HTTP errors and rate limits (with their Retry-After)', () => {
    expect(classifySlackError(new WebAPIRequestError(new Error('ECONNREFUSED')), 'chat.postMessage')).toMatchObject({ retryable: true, message: 'chat.postMessage: request failed: ECONNREFUSED' });
    expect(classifySlackError(new WebAPIHTTPError(502, 'Bad Gateway', {}), 'chat.postMessage')).toMatchObject({ retryable: true, message: 'chat.postMessage: HTTP 502 Bad Gateway' });
    expect(classifySlackError(new WebAPIRateLimitedError(7), 'chat.postMessage')).toMatchObject({ retryable: true, retryAfterMs: 7000 });
  });

  it('retries what an operator can fix (token, scopes) and Slack-side hiccups; not what is wrong with the message', () => {
    for (const code of ['invalid_auth', 'token_revoked', 'missing_scope', 'internal_error', 'ratelimited', 'service_unavailable']) {
      expect(classifySlackError(platform(code), 'x').retryable, code).toBe(true);
    }
    for (const code of ['channel_not_found', 'is_archived', 'user_not_found', 'cannot_dm_bot', 'invalid_blocks', 'msg_too_long', 'no_text', 'not_in_channel']) {
      expect(classifySlackError(platform(code), 'x').retryable, code).toBe(false);
    }
    expect(classifySlackError(platform('channel_not_found'), 'chat.postMessage').message).toBe('chat.postMessage: channel_not_found');
  });

  it('retries an unknown error', () => {
    expect(classifySlackError(new Error('boom'), 'x')).toMatchObject({ retryable: true, message: 'x: boom' });
  });
});

describe('classifySmtpError', () => {
  const smtp = (fields: { code?: string; responseCode?: number; response?: string }) => Object.assign(new Error('smtp failed'), fields);

  it('retries connection problems, timeouts, authentication and 4xx replies', () => {
    expect(classifySmtpError(smtp({ code: 'ESOCKET' })).retryable).toBe(true);
    expect(classifySmtpError(smtp({ code: 'ECONNECTION' })).retryable).toBe(true);
    expect(classifySmtpError(smtp({ code: 'ETIMEDOUT' })).retryable).toBe(true);
    expect(classifySmtpError(smtp({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' })).retryable).toBe(true);
    expect(classifySmtpError(smtp({ code: 'EENVELOPE', responseCode: 450, response: '450 mailbox busy' }))).toMatchObject({ retryable: true, message: 'SMTP 450 mailbox busy' });
    expect(classifySmtpError(smtp({ code: 'EPROTOCOL', responseCode: 503 })).retryable).toBe(true);
  });

  it('gives up on a 5xx rejection of the message or recipient', () => {
    expect(classifySmtpError(smtp({ code: 'EENVELOPE', responseCode: 550, response: '550 no such user' }))).toMatchObject({ retryable: false, message: 'SMTP 550 no such user' });
    expect(classifySmtpError(smtp({ code: 'EMESSAGE', responseCode: 554 })).retryable).toBe(false);
  });
});

describe('defaultBackoff', () => {
  it('doubles from 30 s to a 1 hour cap, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 8, 20].map((n) => defaultBackoff(n, () => 1))).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
    expect([1, 2, 8].map((n) => defaultBackoff(n, () => 0))).toEqual([15_000, 30_000, 1_800_000]);
    for (let i = 0; i < 50; i++) {
      const d = defaultBackoff(3);
      expect(d).toBeGreaterThanOrEqual(60_000);
      expect(d).toBeLessThanOrEqual(120_000);
    }
  });
});

describe('messageIdHost', () => {
  it("takes the domain of MAIL_FROM's address", () => {
    expect(messageIdHost('Provisioning Bot <provisioning@example.com>')).toBe('example.com');
    expect(messageIdHost('bot@mail.example.org')).toBe('mail.example.org');
    expect(messageIdHost('Provisioning Bot <provisioning@localhost>')).toBe('localhost');
    expect(messageIdHost('nonsense')).toBe('localhost');
  });
});
