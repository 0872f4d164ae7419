import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, LogLevel, WebClient, type WebAPIHTTPError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApiFetch } from '../../src/web-api-fetch.js';

/**
 * The Web API clients' transport (src/web-api-fetch.ts) against a real HTTP server: what the server
 * receives and what the client makes of each answer must be what they are with Node's own fetch.
 */
interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

describe('webApiFetch, the Web API clients’ transport', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let connections = 0;

  const routes: Record<string, (res: ServerResponse) => void> = {
    '/api/chat.postMessage': (res) => json(res, 200, { ok: true, channel: 'C1', ts: '1.000001', echo: received.at(-1)?.body }),
    '/api/users.info': (res) => json(res, 200, { ok: false, error: 'user_not_found' }),
    '/api/conversations.list': (res) => {
      res.setHeader('Retry-After', '7');
      json(res, 429, { ok: false, error: 'ratelimited' });
    },
    '/api/team.info': (res) => {
      res.statusCode = 503;
      res.end('upstream down');
    },
    '/api/auth.test': (res) => {
      res.statusCode = 302;
      res.setHeader('Location', 'http://elsewhere.invalid/');
      res.end();
    },
    '/api/views.open': () => undefined, // never answers
  };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
        (routes[req.url ?? ''] ?? ((r: ServerResponse) => json(r, 404, { ok: false })))(res);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (fetch: typeof webApiFetch | undefined, options: { timeout?: number; rejectRateLimitedCalls?: boolean } = {}) =>
    new WebClient('xoxb-transport-token', { slackApiUrl: base, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, ...(fetch ? { fetch } : {}), ...options });

  it('sends the request Node’s fetch sends and reads the answer the same way', async () => {
    const args = { channel: 'C1', text: 'héllo & more', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '*x*' } }] };
    const ours = await client(webApiFetch).chat.postMessage(args);
    const theirs = await client(undefined).chat.postMessage(args);
    const [a, b] = received.slice(-2);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ method: 'POST', url: '/api/chat.postMessage', contentType: 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-transport-token' });
    expect(ours).toEqual(theirs);
    expect(ours).toMatchObject({ ok: true, channel: 'C1', ts: '1.000001' });
    expect(String((ours as { echo?: unknown }).echo)).toContain('text=h%C3%A9llo%20%26%20more');
  });

  it('keeps its connection alive between calls', async () => {
    const before = connections;
    const c = client(webApiFetch);
    for (let i = 0; i < 5; i++) await c.chat.postMessage({ channel: 'C1', text: String(i) });
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('gives the same errors: a Slack error, a rate limit with its Retry-After, an HTTP error, a redirect, a timeout', async () => {
    const both = async (call: (c: WebClient) => Promise<unknown>, options: { timeout?: number; rejectRateLimitedCalls?: boolean } = {}) => {
      const ours = await call(client(webApiFetch, options)).catch((e: unknown) => e);
      const theirs = await call(client(undefined, options)).catch((e: unknown) => e);
      return { ours: ours as Error & { code?: string }, theirs: theirs as Error & { code?: string } };
    };

    const slackError = await both((c) => c.users.info({ user: 'U1' }));
    expect(slackError.ours.code).toBe(ErrorCode.PlatformError);
    expect(slackError.ours.message).toBe(slackError.theirs.message);

    const limited = await both((c) => c.conversations.list(), { rejectRateLimitedCalls: true });
    expect(limited.ours.code).toBe(ErrorCode.RateLimitedError);
    expect((limited.ours as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect((limited.theirs as WebAPIRateLimitedError).retryAfter).toBe(7);

    const http = await both((c) => c.team.info());
    expect(http.ours.code).toBe(ErrorCode.HTTPError);
    expect((http.ours as WebAPIHTTPError).statusCode).toBe(503);
    expect((http.ours as WebAPIHTTPError).body).toBe('upstream down');
    expect((http.theirs as WebAPIHTTPError).body).toBe('upstream down');

    const redirect = await both((c) => c.auth.test());
    expect(redirect.ours.code).toBe(ErrorCode.RequestError);
    expect(redirect.theirs.code).toBe(ErrorCode.RequestError);

    const started = Date.now();
    const timeout = await both((c) => c.views.open({ trigger_id: 'T', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }), { timeout: 150 });
    expect(timeout.ours.code).toBe(ErrorCode.RequestError);
    expect(timeout.theirs.code).toBe(ErrorCode.RequestError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
