import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { AssignmentView } from '../../services/extension-assignment.js';
import { CHANGE_REASON_MAX_LENGTH } from '../../services/lifecycle-payload.js';
import { clipText } from '../../text/clip.js';
import { deviceTypeLabel } from '../../text/device-type.js';
import { mrkdwnLiteral } from '../../text/mrkdwn.js';
import { BLOCKS, VIEWS } from '../ids.js';
import { personText } from './extension-assignment-summary.js';
import { inputBlock, plain } from './form-kit.js';
import { mrkdwn } from './request-summary.js';

/**
 * The confirmations of a reassignment and an unassignment: the extension, its holder now, whom it goes
 * to, and an optional reason for the approvers. The private_metadata names the rows the form was opened
 * against (extension, holder, recipient), so the submission is checked against them again.
 */
const metadataSchema = z.object({
  e: z.number().int().positive(),
  h: z.number().int().positive().nullable(),
  r: z.number().int().positive().optional(),
});
export type AssignmentRef = { extensionId: number; holderId: number | null; recipientId?: number };

export function assignmentRef(view: AssignmentView): string {
  return JSON.stringify({ e: view.extension.id, h: view.holder?.userId ?? null, ...(view.recipient ? { r: view.recipient.userId } : {}) });
}

export function parseAssignmentRef(text: string | null | undefined): AssignmentRef | undefined {
  if (!text || text.length > 200) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return { extensionId: parsed.data.e, holderId: parsed.data.h, ...(parsed.data.r === undefined ? {} : { recipientId: parsed.data.r }) };
}

const clipped = (text: string) => mrkdwnLiteral(clipText(text, 200));

function extensionLine(view: AssignmentView): string {
  return `*Extension ${view.extension.number}* · ${clipped(view.extension.deviceName)} (${mrkdwnLiteral(deviceTypeLabel(view.extension.deviceType))})`;
}

export function reassignExtensionModal(view: AssignmentView): ModalView {
  if (!view.recipient) throw new Error('a reassignment without a recipient');
  const text =
    `${extensionLine(view)}\n*Now held by:* ${clipped(personText(view.holder))}\n*Goes to:* ${clipped(personText(view.recipient))}\n\n` +
    `Once approved the extension is ${mrkdwnLiteral(clipText(view.recipient.username, 40))}’s and its device secret is replaced: ` +
    (view.holder ? `the phone set up for ${mrkdwnLiteral(clipText(view.holder.username, 40))} stops registering.` : 'a phone set up with the old secret stops registering.');
  return modal(VIEWS.reassignExtension, 'Reassign extension', view, text);
}

export function unassignExtensionModal(view: AssignmentView): ModalView {
  if (!view.holder) throw new Error('an unassignment of a free extension');
  const text =
    `${extensionLine(view)}\n*Now held by:* ${clipped(personText(view.holder))}\n\n` +
    `Once approved the extension is free and its device secret is replaced: the phone set up for ${mrkdwnLiteral(clipText(view.holder.username, 40))} stops registering. ` +
    'They keep their account, without an extension (an edit or a reassignment can give them one).';
  return modal(VIEWS.unassignExtension, 'Unassign extension', view, text);
}

function modal(callbackId: string, title: string, view: AssignmentView, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: assignmentRef(view),
    title: plain(title),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      inputBlock(BLOCKS.assignmentReason, 'Reason for the approvers', { type: 'plain_text_input', multiline: true, max_length: CHANGE_REASON_MAX_LENGTH }, { optional: true }),
    ],
  };
}
