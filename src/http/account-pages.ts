import { createHash } from 'node:crypto';
import type { FieldIssue } from '../domain/errors.js';
import { REVEAL_TOKEN_TTL_MINUTES } from '../domain/device-secret.js';
import { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from '../domain/password.js';
import { escapeHtml } from '../text/html.js';

/**
 * The sign-in door's HTML: the sign-in form, the change-password form and the password-accepted page, with
 * their one style block. Pages are plain template strings; every value that came from a person or a
 * message goes through escapeHtml. No script at all, so the security policy allows none.
 */

export const ACCOUNT_PATH = '/account';

export interface FormState {
  signInName?: string;
  /** A problem with the whole form (role=alert). */
  error?: string;
  /** Good news or guidance (role=status). */
  notice?: string;
  issues?: readonly FieldIssue[];
  /** The "Show my phone's settings" step, when the person's extension has a secret not shown yet. */
  phoneStep?: PhoneStep | undefined;
}

/** The one-time reveal the page offers: the token goes only into the form's hidden field, never a URL. */
export interface PhoneStep {
  token: string;
  extensionNumber: number;
}

export function signInPage(state: FormState): string {
  const body = `
<h1>Sign in</h1>
${messages(state)}
<form method="post" novalidate>
  <input type="hidden" name="action" value="sign-in">
  ${field({ name: 'signInName', label: 'Sign-in name', type: 'text', autocomplete: 'username', value: state.signInName, hint: 'Your username, @, and your organization’s three-character code, for example jdoe@abc', issues: state.issues })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', issues: state.issues })}
  <button type="submit">Sign in</button>
</form>
<p class="hint">New here? Sign in with the one-time password from your welcome email or Slack message; you will then choose your own.</p>${phoneStepSection(state.phoneStep)}`;
  return page('Sign in', body);
}

export function changePage(state: FormState): string {
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

/**
 * The answer to a correct password that needs no change. It is not a signed-in state: this page keeps
 * no session (every form asks for the password again), so it says only that the password was accepted.
 */
export function passwordAcceptedPage(signInName: string, phoneStep?: PhoneStep): string {
  const rest = phoneStep ? 'This page keeps no session, so nothing keeps you signed in here.' : 'This page keeps no session, so nothing keeps you signed in here and there is nothing else to do.';
  const body = `
<h1>Password accepted</h1>
<p role="status">The password for <strong>${escapeHtml(signInName.trim())}</strong> is correct and needs no change. ${rest}</p>${phoneStepSection(phoneStep)}
<p><a href="${ACCOUNT_PATH}?change=1">Change your password</a></p>`;
  return page('Password accepted', body);
}

/**
 * The step itself: a form that posts the reveal token (POST, so it is in no URL, no history and no
 * referrer). The settings are shown once; the page says so before the button is pressed.
 */
function phoneStepSection(step: PhoneStep | undefined): string {
  if (!step) return '';
  return `
<section aria-labelledby="phone-heading">
<h2 id="phone-heading">Set up your phone</h2>
<p>Your phone or softphone needs the settings of extension <strong>${step.extensionNumber}</strong>, including its device secret. They are shown <strong>only once</strong>: press the button when you are ready to type them into the phone. The button works for ${REVEAL_TOKEN_TTL_MINUTES} minutes.</p>
<form method="post">
  <input type="hidden" name="action" value="reveal-phone-settings">
  <input type="hidden" name="revealToken" value="${escapeHtml(step.token)}">
  <button type="submit">Show my phone's settings</button>
</form>
</section>`;
}

/** The phone's settings, the one time they are shown. */
export function phoneSettingsPage(settings: { extensionNumber: number; deviceSecret: string; registrar: string | null }): string {
  const registrar = settings.registrar === null ? 'ask your administrator for the registrar' : `<code>${escapeHtml(settings.registrar)}</code>`;
  const body = `
<h1>Your phone's settings</h1>
<p class="notice" role="status">Type these into your phone or softphone now. This is the only time they are shown: do not copy them into a chat, an email or a ticket.</p>
<dl>
  <dt>Extension (SIP user name)</dt><dd><code id="sip-extension">${settings.extensionNumber}</code></dd>
  <dt>Device secret (SIP password)</dt><dd><code id="sip-secret">${escapeHtml(settings.deviceSecret)}</code></dd>
  <dt>Registrar</dt><dd id="sip-registrar">${registrar}</dd>
</dl>
<p class="hint">Lost them? They cannot be shown again: ask an approver for a new device secret (Rotate device secret in Slack), then show the new one here once.</p>`;
  return page("Your phone's settings", body);
}

/** A second reveal, a used or run-out button, or a secret replaced since: nothing secret. */
export function phoneSettingsGonePage(): string {
  const body = `
<h1>Nothing to show</h1>
<p role="alert" class="error">Your phone's settings are shown only once, and this button cannot show them: they were shown already, the button was used or has run out (it works for ${REVEAL_TOKEN_TTL_MINUTES} minutes), or the device secret has been replaced since.</p>
<p>If the settings were never typed into your phone, sign in again to get a new button. If they were shown already, a new device secret must be requested: ask an approver to rotate it (Rotate device secret in Slack); you can then show the new one here once.</p>
<p><a href="${ACCOUNT_PATH}">Sign in</a></p>`;
  return page('Nothing to show', body);
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
section{margin-top:1.5rem;border-top:1px solid #d2d2d7}
h2{font-size:1.2rem}
dt{font-weight:600}
dd{margin:0 0 .75rem}
code{font:1rem ui-monospace,monospace;word-break:break-all}
`;

/** The page's only style block is allowed by its hash, so the policy needs no 'unsafe-inline'. */
export const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

export function page(title: string, body: string): string {
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
