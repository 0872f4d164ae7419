import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { isInvalidInput, type FieldIssue } from '../domain/errors.js';
import { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from '../domain/password.js';
import type { Logger } from '../logger.js';
import type { ServiceDeps } from '../services/context.js';
import { changePassword, LOCK_MINUTES, MAX_FAILED_SIGN_INS, signIn, warmUpSignIn, type AttemptContext } from '../services/sign-in.js';
import { SignInBusy } from '../services/sign-in-hash-slots.js';
import { TooManyAttempts } from '../services/sign-in-throttle.js';
import { apiTokenCheck } from './api-tokens.js';
import { clientAddress } from './client-address.js';
import { escapeHtml } from '../text/html.js';

/**
 * The new user's first sign-in, over HTTP (SPEC "The new user's first sign-in"):
 *
 * - `GET /account`, `POST /account`: a small server-rendered page (no script at all). Signing in with
 *   a one-time password leads straight to the change-password form; nothing else is offered until the
 *   password is changed. The page keeps no session: the change form asks for the current password
 *   again, so no password or token ever travels back into the HTML.
 * - `POST /api/v1/sign-in` `{signInName, password}` → 200 `{ok: true, passwordChangeRequired}`, or
 *   401 `{error: 'invalid_credentials'}` for every kind of failure, a locked account included: a 423
 *   would tell a stranger that the account exists. The page says that 10 failures lock an account.
 * - `POST /api/v1/password` `{signInName, currentPassword, newPassword}` → 200 `{ok: true}`, 400
 *   `{error: 'invalid_input', issues: [{field, code, message}]}` when the new password breaks a rule,
 *   or 401 as above.
 * - Too many attempts from one client address or against one name (counted in the database, across
 *   instances) → 429 `{error: 'too_many_attempts'}` with Retry-After, the same for names that exist and
 *   names that do not; every hash slot and its queue taken → 503 `{error: 'busy'}` with Retry-After.
 *   The page answers the same statuses with a sentence. Neither refusal runs a hash.
 * - With SIGN_IN_API_TOKENS set, /api/v1/* wants `Authorization: Bearer <token>` (401 `unauthorized`
 *   otherwise, before the body is read); the page is for people and needs none.
 * - Strict-Transport-Security when PUBLIC_URL is https.
 * - Malformed JSON → 400 `invalid_json`; a body over 16 KiB → 413; a JSON endpoint called with another
 *   content type → 415 (which also keeps plain cross-site form posts out of the JSON API).
 *
 * Passwords are never logged and never written back into a page or a JSON answer.
 */

export const ACCOUNT_PATH = '/account';
export const SIGN_IN_API_PATH = '/api/v1/sign-in';
export const PASSWORD_API_PATH = '/api/v1/password';

/** The largest request body read; the inputs themselves are far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

/** What the operator set for the sign-in door (config.signIn). */
export interface AccountHttpOptions {
  readonly apiTokens: readonly string[];
  readonly trustProxyHops: number;
  readonly https: boolean;
}

/** A year: browsers then keep to https for this host even when someone types http://. */
const HSTS = 'max-age=31536000';

export function accountRoutes(deps: ServiceDeps, logger: Logger, options: AccountHttpOptions = { apiTokens: [], trustProxyHops: 0, https: false }): CustomRoute[] {
  // The first attempt after start-up should not be the one that makes the dummy hash.
  warmUpSignIn().catch((err: unknown) => logger.error({ err }, 'sign-in: could not prepare the dummy hash'));
  const tokenAccepted = apiTokenCheck(options.apiTokens);
  const context = (req: IncomingMessage, channel: AttemptContext['channel']): AttemptContext => ({ channel, clientAddress: clientAddress(req, options.trustProxyHops) });
  const guarded = (name: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, kind: 'html' | 'json') => {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (options.https) res.setHeader('strict-transport-security', HSTS);
      if (kind === 'json' && !tokenAccepted(req)) {
        req.resume();
        sendJson(res, 401, { error: 'unauthorized', message: 'Send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer' });
        return;
      }
      handle(req, res).catch((err: unknown) => {
        const refusal = unavailable(err);
        if (refusal && !res.headersSent) {
          logger.warn({ route: name, refused: refusal.error, ...(err instanceof TooManyAttempts ? { scope: err.scope } : {}) }, 'sign-in attempt refused');
          const headers = { 'retry-after': String(refusal.retryAfterSeconds) };
          if (kind === 'json') sendJson(res, refusal.status, { error: refusal.error }, headers);
          else sendHtml(res, refusal.status, signInPage({ error: refusal.sentence }), headers);
          return;
        }
        logger.error({ err, route: name }, 'account route failed');
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (kind === 'json') sendJson(res, 500, { error: 'internal_error' });
        else sendHtml(res, 500, page('Something went wrong', '<p>Something went wrong on our side. Please try again in a minute.</p>'));
      });
    };
  };
  return [
    {
      path: ACCOUNT_PATH,
      method: ['GET', 'POST'],
      handler: guarded('account', (req, res) => (req.method === 'POST' ? postAccount(deps, logger, req, res, context(req, 'web')) : getAccount(req, res)), 'html'),
    },
    { path: SIGN_IN_API_PATH, method: ['POST'], handler: guarded('api.sign-in', (req, res) => postSignInApi(deps, logger, req, res, context(req, 'api')), 'json') },
    { path: PASSWORD_API_PATH, method: ['POST'], handler: guarded('api.password', (req, res) => postPasswordApi(deps, logger, req, res, context(req, 'api')), 'json') },
  ];
}

/** The two refusals that run no hash, as HTTP answers; undefined for anything else. */
function unavailable(err: unknown): { status: 429 | 503; error: string; retryAfterSeconds: number; sentence: string } | undefined {
  if (err instanceof TooManyAttempts) {
    const minutes = Math.ceil(err.retryAfterSeconds / 60);
    return { status: 429, error: 'too_many_attempts', retryAfterSeconds: err.retryAfterSeconds, sentence: `There have been too many sign-in attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` };
  }
  if (err instanceof SignInBusy) {
    return { status: 503, error: 'busy', retryAfterSeconds: err.retryAfterSeconds, sentence: 'Sign-in is very busy right now. Please try again in a few seconds.' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// JSON API

async function postSignInApi(deps: ServiceDeps, logger: Logger, req: IncomingMessage, res: ServerResponse, context: AttemptContext): Promise<void> {
  const body = await readJson(req, res);
  if (body === undefined) return;
  try {
    const result = await signIn(deps, body, context);
    logger.info({ route: SIGN_IN_API_PATH, ok: result.ok }, 'sign-in checked');
    if (result.ok) sendJson(res, 200, { ok: true, passwordChangeRequired: result.passwordChangeRequired });
    else sendJson(res, 401, { error: 'invalid_credentials' });
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    sendJson(res, 400, { error: 'invalid_input', issues: publicIssues(err.issues) });
  }
}

async function postPasswordApi(deps: ServiceDeps, logger: Logger, req: IncomingMessage, res: ServerResponse, context: AttemptContext): Promise<void> {
  const body = await readJson(req, res);
  if (body === undefined) return;
  try {
    const result = await changePassword(deps, body, context);
    logger.info({ route: PASSWORD_API_PATH, ok: result.ok }, 'password change checked');
    if (result.ok) sendJson(res, 200, { ok: true });
    else sendJson(res, 401, { error: 'invalid_credentials' });
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    sendJson(res, 400, { error: 'invalid_input', issues: publicIssues(err.issues) });
  }
}

/** Field, code and message only: an issue never carries what was typed. */
function publicIssues(issues: readonly FieldIssue[]) {
  return issues.map(({ field, code, message }) => ({ field, code, message }));
}

/** The parsed body, or undefined once an error answer has been sent. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  if (mediaType(req) !== 'application/json') {
    sendJson(res, 415, { error: 'unsupported_media_type', message: 'Send application/json' });
    return undefined;
  }
  const text = await readBody(req);
  if (text === null) {
    sendJson(res, 413, { error: 'payload_too_large', message: `The body can be at most ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      sendJson(res, 400, { error: 'invalid_json', message: 'The body must be a JSON object' });
      return undefined;
    }
    return parsed;
  } catch {
    sendJson(res, 400, { error: 'invalid_json', message: 'The body is not valid JSON' });
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The page

const FORM_TYPE = 'application/x-www-form-urlencoded';

function getAccount(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const wantsChange = new URL(req.url ?? '/', 'http://localhost').searchParams.get('change') === '1';
  sendHtml(res, 200, wantsChange ? changePage({}) : signInPage({}));
  return Promise.resolve();
}

async function postAccount(deps: ServiceDeps, logger: Logger, req: IncomingMessage, res: ServerResponse, context: AttemptContext): Promise<void> {
  if (mediaType(req) !== FORM_TYPE) {
    sendHtml(res, 415, signInPage({ error: 'Your browser sent the form in a way this page does not understand. Please try again.' }));
    return;
  }
  const text = await readBody(req);
  if (text === null) {
    sendHtml(res, 413, signInPage({ error: 'What was sent is too large.' }), { connection: 'close' });
    return;
  }
  const form = new URLSearchParams(text);
  const signInName = form.get('signInName') ?? '';
  const action = form.get('action');

  if (action === 'sign-in') {
    const password = form.get('password') ?? '';
    const missing = requiredIssues({ signInName, password });
    if (missing.length > 0) {
      sendHtml(res, 400, signInPage({ signInName, issues: missing }));
      return;
    }
    const result = await signIn(deps, { signInName, password }, context).catch(refusedAsInput);
    logger.info({ route: ACCOUNT_PATH, action, ok: 'ok' in result && result.ok }, 'sign-in checked');
    if ('issues' in result) sendHtml(res, 400, signInPage({ signInName, issues: result.issues }));
    else if (!result.ok) sendHtml(res, 401, signInPage({ signInName, error: failedMessage() }));
    else if (result.passwordChangeRequired) sendHtml(res, 200, changePage({ signInName, notice: 'You signed in with a one-time password. Choose your own password to continue: type the one-time password once more, then your new password twice.' }));
    else sendHtml(res, 200, signedInPage(signInName));
    return;
  }

  if (action === 'change-password') {
    const currentPassword = form.get('currentPassword') ?? '';
    const newPassword = form.get('newPassword') ?? '';
    const confirmPassword = form.get('confirmPassword') ?? '';
    const issues = requiredIssues({ signInName, currentPassword, newPassword, confirmPassword });
    if (issues.length === 0 && newPassword !== confirmPassword) {
      issues.push({ field: 'confirmPassword', code: 'invalid_format', message: 'The two new passwords are not the same' });
    }
    if (issues.length > 0) {
      sendHtml(res, 400, changePage({ signInName, issues }));
      return;
    }
    const result = await changePassword(deps, { signInName, currentPassword, newPassword }, context).catch(refusedAsInput);
    logger.info({ route: ACCOUNT_PATH, action, ok: 'ok' in result && result.ok }, 'password change checked');
    if ('issues' in result) sendHtml(res, 400, changePage({ signInName, issues: result.issues }));
    else if (!result.ok) sendHtml(res, 401, changePage({ signInName, error: `That sign-in name and current password did not work. ${lockWarning()}` }));
    else sendHtml(res, 200, signInPage({ signInName, notice: 'Your password has been changed. Sign in with your new password.' }));
    return;
  }

  sendHtml(res, 400, signInPage({ error: 'Please use the form below.' }));
}

/** Turns a refusal of the input into a value, so the page can show it on its fields. */
function refusedAsInput(err: unknown): { issues: readonly FieldIssue[] } {
  if (isInvalidInput(err)) return { issues: err.issues };
  throw err;
}

const FIELD_LABELS: Record<string, string> = {
  signInName: 'your sign-in name',
  password: 'your password',
  currentPassword: 'your current password',
  newPassword: 'a new password',
  confirmPassword: 'the new password again',
};

function requiredIssues(fields: Record<string, string>): FieldIssue[] {
  return Object.entries(fields)
    .filter(([, value]) => value === '')
    .map(([field]) => ({ field, code: 'required' as const, message: `Enter ${FIELD_LABELS[field] ?? field}` }));
}

function lockWarning(): string {
  return `After ${MAX_FAILED_SIGN_INS} failed attempts in a row an account is locked for ${LOCK_MINUTES} minutes.`;
}

function failedMessage(): string {
  return `That sign-in name and password did not work. Check both and try again. ${lockWarning()}`;
}

interface FormState {
  signInName?: string;
  /** A problem with the whole form (role=alert). */
  error?: string;
  /** Good news or guidance (role=status). */
  notice?: string;
  issues?: readonly FieldIssue[];
}

function signInPage(state: FormState): string {
  const body = `
<h1>Sign in</h1>
${messages(state)}
<form method="post" novalidate>
  <input type="hidden" name="action" value="sign-in">
  ${field({ name: 'signInName', label: 'Sign-in name', type: 'text', autocomplete: 'username', value: state.signInName, hint: 'Your username, @, and your organization’s three-character code, for example jdoe@abc', issues: state.issues })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', issues: state.issues })}
  <button type="submit">Sign in</button>
</form>
<p class="hint">New here? Sign in with the one-time password from your welcome email or Slack message; you will then choose your own.</p>`;
  return page('Sign in', body);
}

function changePage(state: FormState): string {
  const body = `
<h1>Change your password</h1>
${messages(state)}
<form method="post" novalidate>
  <input type="hidden" name="action" value="change-password">
  ${field({ name: 'signInName', label: 'Sign-in name', type: 'text', autocomplete: 'username', value: state.signInName, hint: 'For example jdoe@abc', issues: state.issues })}
  ${field({ name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password', hint: 'The one-time password you were sent, or your password now', issues: state.issues })}
  ${field({ name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password', hint: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters; not your one-time password, and not containing your username`, issues: state.issues })}
  ${field({ name: 'confirmPassword', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', issues: state.issues })}
  <button type="submit">Change password</button>
</form>`;
  return page('Change your password', body);
}

function signedInPage(signInName: string): string {
  const body = `
<h1>Signed in</h1>
<p role="status">You are signed in as <strong>${escapeHtml(signInName.trim())}</strong>. Your password is set; there is nothing else to do here.</p>
<p><a href="${ACCOUNT_PATH}?change=1">Change your password</a></p>`;
  return page('Signed in', body);
}

function messages(state: FormState): string {
  const parts: string[] = [];
  if (state.notice) parts.push(`<p class="notice" role="status">${escapeHtml(state.notice)}</p>`);
  if (state.error) parts.push(`<p class="error" role="alert" id="form-error">${escapeHtml(state.error)}</p>`);
  // Issues on fields this form does not show (there should be none) still reach the person.
  if (state.issues && state.issues.length > 0) {
    parts.push(`<div class="error" role="alert"><p>Please fix the following:</p><ul>${state.issues.map((i) => `<li><a href="#${escapeHtml(i.field)}">${escapeHtml(i.message)}</a></li>`).join('')}</ul></div>`);
  }
  return parts.join('\n');
}

function field(f: { name: string; label: string; type: 'text' | 'password'; autocomplete: string; value?: string | undefined; hint?: string; issues?: readonly FieldIssue[] | undefined }): string {
  const problem = f.issues?.find((i) => i.field === f.name);
  const described = [f.hint ? `${f.name}-hint` : '', problem ? `${f.name}-error` : ''].filter(Boolean).join(' ');
  // A password field never gets a value back: the person types it again.
  const value = f.type === 'text' && f.value ? ` value="${escapeHtml(f.value)}"` : '';
  const extra = f.type === 'text' ? ' autocapitalize="none" spellcheck="false"' : '';
  return `<div class="field">
    <label for="${f.name}">${escapeHtml(f.label)}</label>
    ${f.hint ? `<p class="hint" id="${f.name}-hint">${escapeHtml(f.hint)}</p>` : ''}
    ${problem ? `<p class="error" id="${f.name}-error">${escapeHtml(problem.message)}</p>` : ''}
    <input id="${f.name}" name="${f.name}" type="${f.type}" autocomplete="${f.autocomplete}" required${extra}${value}${described ? ` aria-describedby="${described}"` : ''}${problem ? ' aria-invalid="true"' : ''}>
  </div>`;
}

const CSS = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f5f5f7}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
h1{font-size:1.5rem;margin-top:0}
.field{margin:0 0 1rem}
label{display:block;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;border:1px solid #6e6e73;border-radius:4px}
input:focus,button:focus,a:focus{outline:3px solid #0a66c2;outline-offset:2px}
input[aria-invalid=true]{border-color:#b00020}
button{padding:.5rem 1rem;font:inherit;border:0;border-radius:4px;background:#0a66c2;color:#fff;cursor:pointer}
.hint{margin:.25rem 0;color:#515154;font-size:.9rem}
.error{color:#b00020}
.notice{color:#0b6b2b}
`;

/** The page's only style block is allowed by its hash, so the policy needs no 'unsafe-inline'. */
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Contact center account</title>
<style>${CSS}</style>
</head>
<body>
<main>${body}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------------
// Plumbing

const SECURITY_HEADERS = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${CSS_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

function sendHtml(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra });
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...extra });
  res.end(JSON.stringify(body));
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The body as UTF-8, or null when it is larger than MAX_BODY_BYTES (the rest is then discarded). */
function readBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
