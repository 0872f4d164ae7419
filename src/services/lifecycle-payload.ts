import { z } from 'zod';
import type { RequestKind } from '../domain/request-state.js';

/**
 * What an offboarding or a reactivation request stores: whom it changes (requests.target_user_id is
 * the source of truth; the names are kept for showing the request), the user's version when it was
 * asked (the change applies only while the user is still at it), and the requester's words.
 */
export const LIFECYCLE_KINDS = ['deactivate_user', 'reactivate_user'] as const satisfies readonly RequestKind[];
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];

export function isLifecycleKind(kind: RequestKind): kind is LifecycleKind {
  return (LIFECYCLE_KINDS as readonly string[]).includes(kind);
}

export const CHANGE_REASON_MAX_LENGTH = 500;

const target = {
  username: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  userVersion: z.number().int().positive(),
};

export const deactivationPayload = z.object({
  ...target,
  reason: z.string().min(1).max(CHANGE_REASON_MAX_LENGTH * 2),
  /** ISO time it takes effect, or null for at approval; the same as requests.effective_at. */
  effectiveAt: z.iso.datetime().nullable(),
});
export type DeactivationPayload = z.output<typeof deactivationPayload>;

export const reactivationPayload = z.object({
  ...target,
  note: z.string().max(CHANGE_REASON_MAX_LENGTH * 2).nullable(),
});
export type ReactivationPayload = z.output<typeof reactivationPayload>;

export type LifecyclePayload = DeactivationPayload | ReactivationPayload;

export function lifecyclePayloadSchema(kind: LifecycleKind) {
  return kind === 'deactivate_user' ? deactivationPayload : reactivationPayload;
}

export function isDeactivationPayload(p: object): p is DeactivationPayload {
  return 'reason' in p && 'userVersion' in p;
}

export function isReactivationPayload(p: object): p is ReactivationPayload {
  return 'note' in p && 'userVersion' in p;
}


