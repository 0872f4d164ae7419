import type { RequestKind } from '../../domain/request-state.js';
import type { RecoveryPayload } from '../../services/recovery-payload.js';
import type { RequestField, RequestSummary } from './request-summary.js';

/**
 * How a reset of a sign-in or a resend of the welcome reads (see describeRequest): plain text, escaped
 * by whoever shows it. It says what will happen, never a password: none exists until it is carried out.
 */
export function describeRecovery(kind: RequestKind, p: RecoveryPayload): RequestSummary {
  const fullName = `${p.firstName} ${p.lastName}`.trim();
  const who = fullName === '' ? p.account : `${p.account} (${fullName})`;
  const fields: RequestField[] = [
    { label: 'Username', value: p.account },
    { label: 'Name', value: fullName === '' ? '—' : fullName },
  ];
  if (kind === 'resend_welcome') {
    fields.push({ label: 'What happens', value: 'The welcome email and DM are sent again; with a new one-time password if the current one has expired' });
    return { title: `Resend the welcome to ${who}`, fields };
  }
  fields.push({ label: 'What happens', value: 'Unlocked, the current password ends, and a new one-time password is sent by email and DM' });
  return { title: `Reset the sign-in of ${who}`, fields };
}
