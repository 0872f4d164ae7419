import type { RequestKind } from '../../domain/request-state.js';
import { isDeactivationPayload, type LifecyclePayload } from '../../services/lifecycle-payload.js';
import { formatUtc } from '../../text/mrkdwn.js';
import type { RequestField, RequestSummary } from './request-summary.js';

/**
 * How an offboarding or a reactivation reads (see describeRequest): plain text, escaped by whoever
 * shows it. The effective time is in UTC here (a field is plain text, where a Slack date token cannot
 * go); the approval message adds the reader's own time once the request is approved.
 */
export function isLifecycleShape(p: object): p is LifecyclePayload {
  return 'userVersion' in p;
}

export function describeLifecycle(kind: RequestKind, p: LifecyclePayload): RequestSummary {
  const fullName = `${p.firstName} ${p.lastName}`.trim();
  const who = fullName === '' ? p.username : `${p.username} (${fullName})`;
  const fields: RequestField[] = [
    { label: 'Username', value: p.username },
    { label: 'Name', value: fullName === '' ? '—' : fullName },
  ];
  if (isDeactivationPayload(p) && kind !== 'reactivate_user') {
    fields.push(
      { label: 'Reason', value: p.reason },
      { label: 'Effective', value: p.effectiveAt === null ? 'Now (at approval)' : formatUtc(new Date(p.effectiveAt)) },
      { label: 'What happens', value: 'Sign-in refused, extension freed with a new device secret; username, collections and history kept' },
    );
    return { title: `Offboard ${who}`, fields };
  }
  if ('note' in p && p.note) fields.push({ label: 'Note', value: p.note });
  fields.push({ label: 'What happens', value: 'Active again with a new one-time password; the welcome email and DM are sent again. No extension: assign one with an edit.' });
  return { title: `Reactivate ${who}`, fields };
}
