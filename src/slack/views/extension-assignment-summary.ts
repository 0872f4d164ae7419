import type { AssignmentPerson, ExtensionAssignmentPayload } from '../../services/extension-assignment-payload.js';
import { deviceTypeLabel } from '../../text/device-type.js';
import type { RequestField, RequestSummary } from './request-summary.js';

/**
 * How a reassignment or an unassignment of an extension reads (see describeRequest): plain text,
 * escaped by whoever shows it. The title is the change itself: "Extension 1001: Jane Doe (jdoe) →
 * Sam Roe (sroe)". There is no device secret to show: the payload has none.
 */
export function personText(p: Pick<AssignmentPerson, 'username' | 'firstName' | 'lastName'> | null): string {
  if (p === null) return 'nobody (free)';
  const name = `${p.firstName} ${p.lastName}`.trim();
  return name === '' ? p.username : `${name} (${p.username})`;
}

export function describeExtensionAssignment(p: ExtensionAssignmentPayload): RequestSummary {
  const to = p.assignment === 'reassign' ? p.recipient : null;
  const title = `Extension ${p.extensionNumber}: ${personText(p.holder)} → ${to ? personText(to) : 'nobody (unassigned)'}`;
  const fields: RequestField[] = [
    { label: 'Extension', value: String(p.extensionNumber) },
    { label: 'Device', value: `${p.deviceName} · ${deviceTypeLabel(p.deviceType)}` },
    { label: 'Now held by', value: personText(p.holder) },
    { label: p.assignment === 'reassign' ? 'Goes to' : 'Then', value: to ? personText(to) : 'free, nobody holds it' },
  ];
  if (p.reason) fields.push({ label: 'Reason', value: p.reason });
  const phone = p.holder ? `the phone set up for ${p.holder.username} stops registering` : 'a phone set up with the old secret stops registering';
  fields.push({ label: 'What happens', value: `The device secret is replaced: ${phone}${to ? `; ${to.username}’s device is set up with the new one` : ''}` });
  return { title, fields };
}
