import { z } from 'zod';
import type { NotificationChannel } from '../db/repositories/notifications.js';

/**
 * What a notification row's `payload` holds, per channel. Builders (messages.ts) write these; the
 * sender (senders.ts) reads them back through the same schemas, so a row written by an older or a
 * broken builder fails once, permanently, instead of being retried for hours.
 *
 * Everything is rendered at enqueue time (the row is the message), except a one-time password: it is
 * kept apart in `oneTimePassword`, put into the Slack message only when sending, and erased from the
 * row once the notification is settled.
 */

/** A Block Kit block, as Slack takes it. Kept loose: the builders are the only writers. */
const slackBlock = z.record(z.string(), z.unknown());
export type SlackBlock = z.infer<typeof slackBlock>;

export const emailPayload = z.object({
  to: z.object({ name: z.string().optional(), address: z.string().min(3) }),
  subject: z.string().min(1),
  text: z.string().min(1),
  html: z.string().min(1),
});
export type EmailPayload = z.infer<typeof emailPayload>;

export const slackDmPayload = z.object({
  /** The recipient is found at send time with users.lookupByEmail: no member with it → skipped. */
  email: z.string().min(3),
  text: z.string().min(1),
  blocks: z.array(slackBlock).optional(),
  /** A secret shown in the DM only, added when sending; erased from the row once settled. */
  oneTimePassword: z.string().min(1).optional(),
});
export type SlackDmPayload = z.infer<typeof slackDmPayload>;

export const slackPostPayload = z.object({
  /** A channel ID, or a user ID for a message in the app's DM with that user. */
  channel: z.string().min(1),
  text: z.string().min(1),
  blocks: z.array(slackBlock).optional(),
  thread_ts: z.string().optional(),
});
export type SlackPostPayload = z.infer<typeof slackPostPayload>;

export const PAYLOAD_SCHEMAS = {
  email: emailPayload,
  slack_dm: slackDmPayload,
  slack_post: slackPostPayload,
} as const satisfies Record<NotificationChannel, z.ZodType>;

/** The payload key a settled notification must no longer hold. */
export const SECRET_PAYLOAD_KEY = 'oneTimePassword';
