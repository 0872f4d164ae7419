import type { WebClient } from '@slack/web-api';
import { referenceNames } from '../../services/form-data.js';
import type { StoredPayload } from '../../services/request-payload.js';
import type { SubmittedRequest } from '../../services/submit-request.js';
import type { SlackDeps } from '../context.js';
import { announceRequest } from './approval.js';
import { sendConfirmation } from './confirmation.js';

/**
 * What follows a stored request, after the ack: the requester's DM and the approval message, at once.
 * Both name the reference choices: read once for the two, and not at all when the submission's check
 * read the reference-data version (`referenceVersion`). Each message handles its own failure.
 */
export async function confirmAndAnnounce(deps: SlackDeps, client: WebClient, requesterId: string, submitted: SubmittedRequest<StoredPayload>): Promise<void> {
  const names = referenceNames(deps.services, submitted.referenceVersion);
  // Both await it inside their own error handling; this keeps a failed read from going unhandled meanwhile.
  names.catch(() => undefined);
  await Promise.all([sendConfirmation(deps, client, requesterId, submitted, names), announceRequest(deps, client, submitted.id, names)]);
}
