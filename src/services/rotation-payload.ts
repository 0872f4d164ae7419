import { z } from 'zod';

/**
 * What a `rotate_device_secret` request stores: the extension (requests.target_extension_id is the
 * source of truth; the number and holder are kept for showing the request). Never a secret: the new
 * one is drawn from the CSPRNG only when the approval carries the request out.
 */
export const rotationPayload = z.object({
  rotate: z.literal('device_secret'),
  extensionNumber: z.number().int().positive(),
  /** Who held the extension when it was asked, or null for a free one. */
  holderUsername: z.string().nullable(),
});
export type RotationPayload = z.output<typeof rotationPayload>;

export function isRotationPayload(p: object): p is RotationPayload {
  return 'rotate' in p && (p as { rotate?: unknown }).rotate === 'device_secret';
}
