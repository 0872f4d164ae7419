import type { WebClient } from '@slack/web-api';
import { referenceNames } from '../../services/form-data.js';
import type { SubmittedRequest } from '../../services/submit-request.js';
import type { StoredPayload } from '../../services/request-payload.js';
import type { SlackDeps } from '../context.js';
import { describeRequest, requestConfirmationMessage, type ReferenceNames } from '../views/request-summary.js';

/**
 * The requester's DM after a valid submission: what was asked, now waiting for approval. A failure to
 * deliver it is logged, never turned into an error for a request that is safely stored. `names`: the
 * reference names when the caller has them already (flows/submitted.ts reads them once for both messages).
 */
export async function sendConfirmation(
  deps: SlackDeps,
  client: WebClient,
  requesterId: string,
  request: SubmittedRequest<StoredPayload>,
  names: Promise<ReferenceNames> = referenceNames(deps.services),
): Promise<void> {
  try {
    const summary = describeRequest(request.kind, request.payload, await names);
    await client.chat.postMessage({ channel: requesterId, ...requestConfirmationMessage({ requestId: request.id, ...summary }) });
  } catch (err) {
    deps.logger.warn({ err, requestId: request.id }, 'could not send the confirmation DM');
  }
}
