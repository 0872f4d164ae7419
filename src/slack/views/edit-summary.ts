import { andMore, changeLines, clipList, diffUser, NEW_EXTENSION, USER_TYPE_WORDS, type DiffNames } from '../../domain/user-diff.js';
import type { EditRequestPayload } from '../../services/edit-payload.js';
import { typedExtensionNumber } from '../../domain/extension-number.js';
import { deviceTypeLabel } from '../../text/device-type.js';
import type { ReferenceNames, RequestField, RequestSummary } from './request-summary.js';

/**
 * An edit as the approval message and the requester's DM show it: a diff, not the whole user — one
 * field per change ("Site" / "Austin → Denver"), at most EDIT_CHANGES_SHOWN of them and then "and N
 * more", so a diff of any length stays within Slack's limits (10 fields a section, 2000 characters a
 * field: request-summary's field builder clips each value too).
 */
export const EDIT_CHANGES_SHOWN = 12;

export function describeEdit(p: EditRequestPayload, names: ReferenceNames): RequestSummary {
  const fullName = `${p.before.firstName} ${p.before.lastName}`.trim();
  const type = USER_TYPE_WORDS[p.before.userType];
  const title = `Change to ${p.username}${fullName === '' ? '' : ` (${fullName})`}`;
  const lines = changeLines(diffUser(p.before, p.after), diffNames(p, names));
  const { shown, more } = clipList(lines, EDIT_CHANGES_SHOWN);
  const fields: RequestField[] = [
    { label: 'User', value: `${p.username}, ${type}${p.agentId === null ? '' : `, agent ID ${p.agentId}`}` },
    ...shown.map((l) => ({ label: l.label, value: l.value })),
  ];
  if (more > 0) fields.push({ label: 'More changes', value: andMore(more) });
  if (p.after.extensionNumber === NEW_EXTENSION && p.newExtension) fields.push({ label: 'New extension', value: newExtensionText(p.newExtension) });
  return { title, fields };
}

function diffNames(p: EditRequestPayload, names: ReferenceNames): DiffNames {
  const number = p.newExtension ? typedExtensionNumber(p.newExtension.extensionNumber) : '';
  return {
    sites: names.sites,
    departments: names.departments,
    billingUnits: names.billingUnits,
    profiles: names.profiles,
    clusters: names.clusters,
    collections: names.collections ?? new Map(),
    newExtension: number === '' ? 'new extension (next free number)' : `new extension ${number}`,
  };
}

function newExtensionText(x: NonNullable<EditRequestPayload['newExtension']>): string {
  const number = typedExtensionNumber(x.extensionNumber);
  return `${number === '' ? 'next free number' : number}, ${deviceTypeLabel(String(x.deviceType))}, ${x.deviceName}`;
}
