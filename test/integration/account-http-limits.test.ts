import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAttemptWindows } from '../../src/db/schema/index.js';
import { userThroughApproval } from '../support/through-approval.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { SIGN_IN_BUSY_RETRY_SECONDS, SIGN_IN_HASH_CONCURRENCY, SIGN_IN_HASH_QUEUE } from '../../src/services/sign-in-hash-slots.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const DEFAULT = 'Jd5555551234!!';
const SLOW = 180_000;
const TOKEN = 'sign-in-app-token-0123456789abcdefghij';
const OTHER_TOKEN = 'second-app-token-0123456789abcdefghijkl';

async function call(baseUrl: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe(`the sign-in door under a flood, with the default settings (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.close());

  it('answers a 30-way flood of wrong passwords with 401s and 503 + Retry-After, and an approval behind it still completes', { timeout: SLOW }, async () => {
    const deps = depsFor(t.db, { now: () => new Date() });
    const { id } = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'flood.approval' }) });

    const flood = Array.from({ length: 30 }, (_, i) => call(t.baseUrl, '/api/v1/sign-in', json({ signInName: `flood${i}@abc`, password: `wrong password ${i}` })));
    // The approval hashes the new user's password on the same thread pool while the flood is on.
    const approval = approveRequest(deps, { id: 'U0APPROVER', portalAdmin: false }, id, { allowSelfApproval: false, accountUrl: `${t.baseUrl}/account` });
    const [answers, approved] = await Promise.all([Promise.all(flood), approval]);

    expect(approved.outcome).toBe('completed');
    const busy = answers.filter((a) => a.status === 503);
    const refused = answers.filter((a) => a.status === 401);
    expect(busy.length + refused.length).toBe(answers.length);
    // The slots and their queue were all taken at once, so at least that many were checked…
    expect(refused.length).toBeGreaterThanOrEqual(SIGN_IN_HASH_CONCURRENCY + SIGN_IN_HASH_QUEUE);
    // …and the rest were turned away at once, with when to come back.
    expect(busy.length).toBeGreaterThan(0);
    for (const b of busy) {
      expect(b.text).toBe('{"error":"busy"}');
      expect(b.headers.get('retry-after')).toBe(String(SIGN_IN_BUSY_RETRY_SECONDS));
    }
    for (const r of refused) expect(r.text).toBe('{"error":"invalid_credentials"}');
    expect(t.logs.filter((l) => l.msg === 'sign-in attempt refused' && l.refused === 'busy')).toHaveLength(busy.length);

    // Once the flood has drained, the door answers normally again.
    await expect.poll(async () => (await call(t.baseUrl, '/api/v1/sign-in', json({ signInName: 'nobody@abc', password: 'x' }))).status, { timeout: 30_000, interval: 500 }).toBe(401);
  });

  it('counts the socket address and ignores X-Forwarded-For (TRUST_PROXY unset), sends no HSTS over http, and needs no token', async () => {
    const answer = await call(t.baseUrl, '/api/v1/sign-in', json({ signInName: 'nobody@abc', password: 'x' }, { 'x-forwarded-for': '192.0.2.99' }));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('strict-transport-security')).toBeNull();
    const keys = (await t.db.select().from(signInAttemptWindows)).map((w) => w.key);
    expect(keys).toContain('127.0.0.1');
    expect(keys).not.toContain('192.0.2.99');
  });
});

describe(`the sign-in door with API tokens, https, a proxy and low limits (${testDriver})`, () => {
  let t: TestBot;
  let address = 0;
  /** Each call comes through "the proxy" from its own client address unless the test names one. */
  const viaProxy = (client = `198.51.100.${++address}`) => ({ 'x-forwarded-for': client });
  const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestBot({
      SIGN_IN_API_TOKENS: `${TOKEN}, ${OTHER_TOKEN}`,
      PUBLIC_URL: 'https://provision.example.com',
      TRUST_PROXY: '1',
      SIGN_IN_LIMIT_PER_ACCOUNT: '2',
      SIGN_IN_LIMIT_PER_ADDRESS: '3',
    });
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), requester, janeDoe({ username: 'jdoe' }));
  });
  afterAll(async () => t?.close());

  it('wants a Bearer token on /api/v1/* (401 before anything else), and accepts each configured token', { timeout: SLOW }, async () => {
    for (const headers of [{}, bearer('wrong-token-0123456789abcdefghijklmnop'), bearer(`${TOKEN}x`), bearer(TOKEN.slice(0, -1)), { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      for (const path of ['/api/v1/sign-in', '/api/v1/password']) {
        const refused = await call(t.baseUrl, path, json({ signInName: 'jdoe@abc', password: DEFAULT }, { ...headers, ...viaProxy() }));
        expect(refused.status).toBe(401);
        expect(JSON.parse(refused.text)).toMatchObject({ error: 'unauthorized' });
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    // Refused before anything was counted or hashed.
    expect(await t.db.select().from(signInAttemptWindows)).toEqual([]);

    const ok = await call(t.baseUrl, '/api/v1/sign-in', json({ signInName: 'jdoe@abc', password: DEFAULT }, { ...bearer(), ...viaProxy() }));
    expect(ok.status).toBe(200);
    const other = await call(t.baseUrl, '/api/v1/sign-in', json({ signInName: 'nobody@abc', password: DEFAULT }, { authorization: `bearer ${OTHER_TOKEN}`, ...viaProxy() }));
    expect(other.status).toBe(401);
    expect(other.text).toBe('{"error":"invalid_credentials"}');
  });

  it('serves the /account page without a token, and sends HSTS on the page and the API when PUBLIC_URL is https', async () => {
    const page = await call(t.baseUrl, '/account');
    expect(page.status).toBe(200);
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const posted = await call(t.baseUrl, '/account', form({ action: 'sign-in', signInName: 'nobody@abc', password: 'x' }, viaProxy()));
    expect(posted.status).toBe(401);
    expect(posted.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const api = await call(t.baseUrl, '/api/v1/sign-in', json({}, viaProxy()));
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('answers 429 with Retry-After past the per-account limit, the same for a name that exists and one that does not', { timeout: SLOW }, async () => {
    const attempt = (name: string, password: string) => call(t.baseUrl, '/api/v1/sign-in', json({ signInName: name, password }, { ...bearer(), ...viaProxy() }));
    const statuses: Record<string, number[]> = {};
    for (const name of ['jdoe@abc', 'ghost@abc']) {
      // jdoe already used one attempt of its window above.
      if (name === 'ghost@abc') await attempt(name, 'wrong');
      statuses[name] = [(await attempt(name, 'wrong')).status];
      const limited = await attempt(name, DEFAULT);
      statuses[name].push(limited.status);
      expect(limited.text).toBe('{"error":"too_many_attempts"}');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    expect(statuses['jdoe@abc']).toEqual([401, 429]);
    expect(statuses['ghost@abc']).toEqual(statuses['jdoe@abc']);

    const page = await call(t.baseUrl, '/account', form({ action: 'sign-in', signInName: 'jdoe@abc', password: DEFAULT }, viaProxy()));
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).not.toBeNull();
    expect(page.text).toContain('too many sign-in attempts');
    expect(page.text).not.toContain(DEFAULT);
  });

  it('with TRUST_PROXY=1 counts the address the proxy saw (the right-most X-Forwarded-For entry), never one the client wrote', { timeout: SLOW }, async () => {
    const attempt = (xff: string, i: number) => call(t.baseUrl, '/api/v1/sign-in', json({ signInName: `proxied${i}@abc`, password: 'wrong' }, { ...bearer(), 'x-forwarded-for': xff }));
    for (let i = 0; i < 3; i++) expect((await attempt(`10.6.6.${i}, 203.0.113.50`, i)).status).toBe(401);
    const limited = await attempt('10.6.6.9, 203.0.113.50', 3);
    expect(limited.status).toBe(429);
    // A client cannot slip out by writing addresses of its own in front.
    expect((await attempt('203.0.113.51, 203.0.113.50', 4)).status).toBe(429);
    expect((await attempt('203.0.113.51', 5)).status).toBe(401);
    const keys = (await t.db.select().from(signInAttemptWindows)).map((w) => w.key);
    expect(keys).toContain('203.0.113.50');
    expect(keys.some((k) => k.startsWith('10.6.6.'))).toBe(false);
  });
});
