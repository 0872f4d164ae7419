import { z } from 'zod';
import { generateDeviceSecret } from '../domain/device-secret.js';
import { InvalidInput, issue, reject } from '../domain/errors.js';
import { recordAudit } from '../db/repositories/audit.js';
import { replaceDeviceSecret } from '../db/repositories/device-secrets.js';
import { findExtensionById, findExtensionByNumber } from '../db/repositories/extensions.js';
import { insertRequest, type RequestRow } from '../db/repositories/requests.js';
import { findUserById } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { rotatedNotice } from '../notifications/device-secret-notices.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import type { ExecutionResult } from './request-execution.js';
import { rotationPayload, type RotationPayload } from './rotation-payload.js';
import type { SubmittedRequest } from './submit-request.js';

/**
 * Rotate device secret (issue 10): an approver asks, another approver (or they, under
 * ALLOW_SELF_APPROVAL) approves, and the extension gets a new secret from the CSPRNG in the approval's
 * transaction, with its audit row and the requester's notice. The old secret fails the PBX's check
 * (POST /api/v1/device-credentials/check) from that commit on; every reveal token made for it matches
 * nothing; the holder may reveal the new one once on /account. Who may ask (approvers only) is the
 * Slack layer's check, like every other right there.
 */

export const rotationInput = z.object({ extensionNumber: z.coerce.number().int().positive().max(2_147_483_647) });

export async function submitRotation(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<RotationPayload>> {
  const input = parseInput(rotationInput, raw);
  const extension = await findExtensionByNumber(deps.db, input.extensionNumber);
  if (!extension) reject('extensionNumber', 'not_found', `There is no extension ${input.extensionNumber}`);
  const holder = extension.assignedUserId === null ? undefined : await findUserById(deps.db, extension.assignedUserId);
  const payload = rotationPayload.parse({ rotate: 'device_secret', extensionNumber: extension.number, holderUsername: holder?.username ?? null });
  try {
    const row = await deps.db.transaction(async (tx) => {
      const created = await insertRequest(tx, { kind: 'rotate_device_secret', payload, requesterId: actor.id, createdAt: deps.now(), targetExtensionId: extension.id });
      await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind: 'rotate_device_secret', extensionId: extension.id, number: extension.number } });
      return created;
    });
    return { id: row.id, kind: 'rotate_device_secret', payload };
  } catch (err) {
    // One open change per extension (requests_open_change_per_extension): two askers at once leave one request.
    if (violatedUniqueConstraint(err) === 'requests_open_change_per_extension') {
      throw new InvalidInput([issue('extensionNumber', 'change_pending', `Extension ${extension.number} already has a change waiting for approval; decide that one first`)]);
    }
    throw err;
  }
}

export interface RotationPlan {
  kind: 'rotate_secret';
  extensionId: number;
  number: number;
  payload: RotationPayload;
}

/** Checked again at approval: the extension is still there. The secret itself is drawn in the transaction. */
export async function planRotation(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<RotationPlan> {
  const payload = parseInput(rotationPayload, request.payload);
  const extension = request.targetExtensionId === null ? undefined : await findExtensionById(deps.db, request.targetExtensionId);
  if (!extension) reject('extensionNumber', 'not_found', `There is no extension ${payload.extensionNumber} any more`);
  return { kind: 'rotate_secret', extensionId: extension.id, number: extension.number, payload };
}

/** The rotation's writes in the caller's transaction: the new secret (tokens and reveal record reset), audit, notice. */
export async function executeRotation(tx: Db, actor: Actor, request: RequestRow, plan: RotationPlan, context: { accountUrl: string }): Promise<ExecutionResult> {
  const rotated = await replaceDeviceSecret(tx, plan.extensionId, generateDeviceSecret());
  if (!rotated) reject('extensionNumber', 'not_found', `There is no extension ${plan.number} any more`);
  const holder = rotated.assignedUserId === null ? undefined : await findUserById(tx, rotated.assignedUserId);
  await recordAudit(tx, {
    actor: actor.id,
    action: 'extension.device_secret_rotated',
    entityType: 'extension',
    entityId: rotated.id,
    details: { requestId: request.id, number: rotated.number, holderUserId: rotated.assignedUserId, requestedBy: request.requesterId, approvedBy: request.approverId, secretGeneration: rotated.secretGeneration },
  });
  return { notifications: [rotatedNotice(request, { number: rotated.number, holderUsername: holder?.username ?? null, accountUrl: context.accountUrl })] };
}

/** What the approval message says once done. */
export function rotationResultText(request: Pick<RequestRow, 'payload'>): string | null {
  const parsed = rotationPayload.safeParse(request.payload);
  return parsed.success ? `Extension ${parsed.data.extensionNumber} has a new device secret; the old one no longer works` : null;
}
