import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userThroughApproval } from '../support/through-approval.js';
import { MAX_FAILED_SIGN_INS } from '../../src/services/sign-in.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const DEFAULT = 'Jd5555551234!!';
const NEW = 'Correct horse battery 9';

/** The real bot in HTTP mode: the account page and the sign-in API over real HTTP. */
describe(`account page and sign-in API over HTTP (${testDriver})`, () => {
  let t: TestBot;
  let baseUrl: string;
  /** Every response body read, to check that no password ever comes back. */
  const bodies: string[] = [];

  beforeAll(async () => {
    t = await startTestBot();
    baseUrl = t.baseUrl;
    // The bot's clock is the real one, so the users are made with it too.
    const deps = depsFor(t.db, { now: () => new Date() });
    for (const username of ['jdoe', 'jdoe2', 'jdoe3', 'jdoe4']) await userThroughApproval(deps, requester, janeDoe({ username }));
  });
  afterAll(async () => t?.close());

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }
  const postJson = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const postForm = (fields: Record<string, string>) =>
    call('/account', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  function expectSecurityHeaders(headers: Headers) {
    expect(headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/);
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  }

  it('serves GET /account: a plain, labelled sign-in form with strict security headers', async () => {
    const page = await call('/account');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expectSecurityHeaders(page.headers);
    expect(page.text).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page.text).toContain('<main>');
    expect(page.text).toContain('<label for="signInName">Sign-in name</label>');
    expect(page.text).toContain('<label for="password">Password</label>');
    expect(page.text).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(page.text).not.toContain('<script');
    // The change form can be asked for directly, too.
    expect((await call('/account?change=1')).text).toContain('<label for="newPassword">New password</label>');
  });

  it('POST /api/v1/sign-in: 200 with passwordChangeRequired for the one-time password, 401 with no hint otherwise', async () => {
    const ok = await postJson('/api/v1/sign-in', { signInName: 'jdoe@abc', password: DEFAULT });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ ok: true, passwordChangeRequired: true });
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expectSecurityHeaders(ok.headers);

    const wrong = await postJson('/api/v1/sign-in', { signInName: 'jdoe@abc', password: 'wrong password' });
    const unknown = await postJson('/api/v1/sign-in', { signInName: 'nobody@abc', password: 'wrong password' });
    const otherTenant = await postJson('/api/v1/sign-in', { signInName: 'jdoe@xyz', password: DEFAULT });
    for (const r of [wrong, unknown, otherTenant]) {
      expect(r.status).toBe(401);
      expect(r.text).toBe('{"error":"invalid_credentials"}');
    }
  });

  it('refuses malformed requests: 400 for bad JSON or fields, 415 for another content type, 413 past 16 KiB', async () => {
    const badJson = await call('/api/v1/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"signInName": "jdoe@abc", ' });
    expect(badJson.status).toBe(400);
    expect(badJson.json()).toMatchObject({ error: 'invalid_json' });
    expect((await postJson('/api/v1/sign-in', ['jdoe@abc', DEFAULT])).status).toBe(400);
    const missing = await postJson('/api/v1/sign-in', { signInName: 'jdoe@abc' });
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ error: 'invalid_input', issues: [{ field: 'password', code: 'required', message: 'password is required' }] });

    const plain = await call('/api/v1/sign-in', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ signInName: 'jdoe@abc', password: DEFAULT }) });
    expect(plain.status).toBe(415);
    const form = await call('/api/v1/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'signInName=jdoe%40abc' });
    expect(form.status).toBe(415);

    const huge = await postJson('/api/v1/sign-in', { signInName: 'jdoe@abc', password: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.json()).toMatchObject({ error: 'payload_too_large' });

    // Only POST is served on the API paths.
    expect((await call('/api/v1/sign-in')).status).toBe(404);
  });

  it('POST /api/v1/password: 400 with the field for a refused new password, 401 for a wrong current one, 200 when changed', async () => {
    const contains = await postJson('/api/v1/password', { signInName: 'jdoe2@abc', currentPassword: DEFAULT, newPassword: 'JDOE2 is my name!' });
    expect(contains.status).toBe(400);
    expect(contains.json()).toEqual({ error: 'invalid_input', issues: [{ field: 'newPassword', code: 'password_contains_username', message: 'New password must not contain your username' }] });
    const same = await postJson('/api/v1/password', { signInName: 'jdoe2@abc', currentPassword: DEFAULT, newPassword: DEFAULT });
    expect(same.status).toBe(400);
    expect(same.json()).toMatchObject({ issues: [{ field: 'newPassword', code: 'password_is_default' }] });

    const wrong = await postJson('/api/v1/password', { signInName: 'jdoe2@abc', currentPassword: 'wrong password', newPassword: NEW });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_credentials' });

    const changed = await postJson('/api/v1/password', { signInName: 'jdoe2@abc', currentPassword: DEFAULT, newPassword: NEW });
    expect(changed.status).toBe(200);
    expect(changed.json()).toEqual({ ok: true });
    expect((await postJson('/api/v1/sign-in', { signInName: 'jdoe2@abc', password: DEFAULT })).status).toBe(401);
    expect((await postJson('/api/v1/sign-in', { signInName: 'jdoe2@abc', password: NEW })).json()).toEqual({ ok: true, passwordChangeRequired: false });
  });

  it(`answers a locked account (after ${MAX_FAILED_SIGN_INS} failures) with the same 401, even for the right password`, { timeout: 180_000 }, async () => {
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      expect((await postJson('/api/v1/sign-in', { signInName: 'jdoe3@abc', password: `wrong ${i}` })).status).toBe(401);
    }
    const locked = await postJson('/api/v1/sign-in', { signInName: 'jdoe3@abc', password: DEFAULT });
    expect(locked.status).toBe(401);
    expect(locked.text).toBe('{"error":"invalid_credentials"}');
  });

  it('POST /account: signs in, shows the change form, refuses on the field, then changes the password', async () => {
    const wrong = await postForm({ action: 'sign-in', signInName: 'jdoe4@abc', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expectSecurityHeaders(wrong.headers);
    expect(wrong.text).toContain('role="alert"');
    expect(wrong.text).toContain('did not work');
    expect(wrong.text).toContain('value="jdoe4@abc"');

    const signedIn = await postForm({ action: 'sign-in', signInName: 'jdoe4@abc', password: DEFAULT });
    expect(signedIn.status).toBe(200);
    expect(signedIn.text).toContain('<h1>Change your password</h1>');
    expect(signedIn.text).toContain('<label for="newPassword">New password</label>');

    const mismatch = await postForm({ action: 'change-password', signInName: 'jdoe4@abc', currentPassword: DEFAULT, newPassword: NEW, confirmPassword: `${NEW}x` });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toMatch(/<input id="confirmPassword"[^>]*aria-describedby="confirmPassword-error" aria-invalid="true">/);

    const weak = await postForm({ action: 'change-password', signInName: 'jdoe4@abc', currentPassword: DEFAULT, newPassword: 'jdoe4jdoe4jdoe4', confirmPassword: 'jdoe4jdoe4jdoe4' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('<p class="error" id="newPassword-error">New password must not contain your username</p>');

    const changed = await postForm({ action: 'change-password', signInName: 'jdoe4@abc', currentPassword: DEFAULT, newPassword: NEW, confirmPassword: NEW });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Your password has been changed');

    const again = await postForm({ action: 'sign-in', signInName: 'jdoe4@abc', password: NEW });
    expect(again.status).toBe(200);
    expect(again.text).toContain('<h1>Password accepted</h1>');
  });

  it('escapes what was typed, and refuses a form of another type or action', async () => {
    const hostile = await postForm({ action: 'sign-in', signInName: '"><script>alert(1)</script>@abc', password: 'x' });
    expect(hostile.status).toBe(401);
    expect(hostile.text).not.toContain('<script>');
    expect(hostile.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@abc"');
    expect((await postForm({ action: 'delete-everything' })).status).toBe(400);
    expect((await postForm({ action: 'sign-in', signInName: 'jdoe@abc', password: '' })).status).toBe(400);
    expect((await call('/account', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
  });

  it('never puts a password in a response or in the log', () => {
    const everything = bodies.join('\n') + t.logText();
    expect(bodies.length).toBeGreaterThan(20);
    for (const secret of [DEFAULT, NEW, 'wrong password', 'jdoe4jdoe4jdoe4', 'JDOE2 is my name!']) expect(everything).not.toContain(secret);
  });
});
