import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { isInvalidInput, type FieldIssue } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { ServiceDeps } from '../services/context.js';
import { changePassword, LOCK_MINUTES, MAX_FAILED_SIGN_INS, signIn, type AttemptContext } from '../services/sign-in.js';
import { SignInBusy } from '../services/sign-in-hash-slots.js';
import { TooManyAttempts } from '../services/sign-in-throttle.js';
import { checkDeviceCredentials, offerPhoneSettings, revealPhoneSettings } from '../services/phone-settings.js';
import { ACCOUNT_PATH, changePage, page, passwordAcceptedPage, phoneSettingsGonePage, phoneSettingsPage, signInPage } from './account-pages.js';
import { apiTokenCheck } from './api-tokens.js';
import { MAX_BODY_BYTES, mediaType, readBody } from './bounded-body.js';
import { clientAddress } from './client-address.js';
import { HSTS, sendHtml, sendJson } from './security-headers.js';

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
 * - After a password change, and after a sign-in with the person's own password, an agent whose
 *   extension's device secret was never shown is offered **Show my phone's settings**: a form posting a
 *   single-use reveal token (`action=reveal-phone-settings`), which shows the extension, the secret and
 *   the registrar (SIP_REGISTRAR) once (services/phone-settings.ts). A used token → 410, nothing secret.
 * - `POST /api/v1/device-credentials/check` `{extension, secret}` → 200 `{ok: true}` when the secret is
 *   the extension's current one, 401 `{error: 'invalid_credentials'}` otherwise (an unknown extension
 *   too): the check a PBX makes when a phone registers, behind SIGN_IN_API_TOKENS like the others.
 *
 * Passwords, reveal tokens and device secrets are never logged; a password or secret is never written
 * back into a page or a JSON answer, the one reveal page apart.
 */

export { ACCOUNT_PATH };
export const SIGN_IN_API_PATH = '/api/v1/sign-in';
export const PASSWORD_API_PATH = '/api/v1/password';
export const DEVICE_CREDENTIALS_API_PATH = '/api/v1/device-credentials/check';

/** What the operator set for the sign-in door (config.signIn). */
export interface AccountHttpOptions {
  readonly apiTokens: readonly string[];
  readonly trustProxyHops: number;
  readonly https: boolean;
  /** SIP_REGISTRAR, shown with the phone's settings; unset → the page says to ask the administrator. */
  readonly sipRegistrar?: string | undefined;
}

export function accountRoutes(deps: ServiceDeps, logger: Logger, options: AccountHttpOptions = { apiTokens: [], trustProxyHops: 0, https: false }): CustomRoute[] {
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
      handler: guarded('account', (req, res) => (req.method === 'POST' ? postAccount(deps, logger, req, res, context(req, 'web'), options.sipRegistrar) : getAccount(req, res)), 'html'),
    },
    { path: SIGN_IN_API_PATH, method: ['POST'], handler: guarded('api.sign-in', (req, res) => postSignInApi(deps, logger, req, res, context(req, 'api')), 'json') },
    { path: PASSWORD_API_PATH, method: ['POST'], handler: guarded('api.password', (req, res) => postPasswordApi(deps, logger, req, res, context(req, 'api')), 'json') },
    { path: DEVICE_CREDENTIALS_API_PATH, method: ['POST'], handler: guarded('api.device-credentials', (req, res) => postDeviceCredentialsApi(deps, logger, req, res), 'json') },
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

async function postDeviceCredentialsApi(deps: ServiceDeps, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req, res);
  if (body === undefined) return;
  try {
    const ok = await checkDeviceCredentials(deps, body);
    // Neither the secret nor the extension: a log line must not help anyone guess.
    logger.info({ route: DEVICE_CREDENTIALS_API_PATH, ok }, 'device credentials checked');
    if (ok) sendJson(res, 200, { ok: true });
    else sendJson(res, 401, { error: 'invalid_credentials' });
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    logger.info({ route: DEVICE_CREDENTIALS_API_PATH, ok: false, invalidInput: true }, 'device credentials checked');
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

async function postAccount(deps: ServiceDeps, logger: Logger, req: IncomingMessage, res: ServerResponse, context: AttemptContext, sipRegistrar: string | undefined): Promise<void> {
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
    else sendHtml(res, 200, passwordAcceptedPage(signInName, await offerPhoneSettings(deps, signInName)));
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
    else {
      const phoneStep = await offerPhoneSettings(deps, signInName);
      const notice = phoneStep ? 'Your password has been changed. Next, set up your phone below; sign in with your new password from now on.' : 'Your password has been changed. Sign in with your new password.';
      sendHtml(res, 200, signInPage({ signInName, notice, phoneStep }));
    }
    return;
  }

  if (action === 'reveal-phone-settings') {
    const result = await revealPhoneSettings(deps, { token: form.get('revealToken') ?? '' }, sipRegistrar).catch((err: unknown) => {
      if (isInvalidInput(err)) return { ok: false as const };
      throw err;
    });
    logger.info({ route: ACCOUNT_PATH, action, ok: result.ok }, 'phone settings reveal checked');
    if (result.ok) sendHtml(res, 200, phoneSettingsPage(result));
    else sendHtml(res, 410, phoneSettingsGonePage());
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
