import type { WebClient } from '@slack/web-api';
import { isInvalidInput } from '../../domain/errors.js';
import { submitRotation } from '../../services/rotate-device-secret.js';
import { actorFor, type SlackDeps } from '../context.js';
import { COMMAND } from '../ids.js';
import { escapeMrkdwn, mrkdwnCode } from '../../text/mrkdwn.js';
import { confirmAndAnnounce } from './submitted.js';

export const ROTATE_NOT_ALLOWED_TEXT = 'Only approvers can ask for a new device secret. Ask a contact-center admin.';

/**
 * Rotate device secret, asked from `/provision extension rotate <number>` or the user card's button:
 * approvers only (checked here, server-side, whatever the card showed), then stored as pending and
 * announced like every request. Returns what to tell the asker (ephemeral mrkdwn); nothing secret.
 */
export async function requestRotation(deps: SlackDeps, client: WebClient, requesterId: string, typedNumber: string): Promise<string> {
  if (!deps.access.isApprover(requesterId)) return ROTATE_NOT_ALLOWED_TEXT;
  const number = typedNumber.trim();
  if (!/^\d{1,10}$/.test(number)) return `Say which extension: ${COMMAND} extension rotate 1001.`;
  let submitted;
  try {
    submitted = await submitRotation(deps.services, actorFor(deps, requesterId), { extensionNumber: number });
  } catch (err) {
    if (isInvalidInput(err)) return `${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}.`;
    throw err;
  }
  await confirmAndAnnounce(deps, client, requesterId, submitted);
  return `:inbox_tray: Asked for a new device secret for extension ${submitted.payload.extensionNumber} (request ${mrkdwnCode(submitted.id)}). Another approver decides; the old secret keeps working until then.`;
}
