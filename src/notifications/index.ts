import type { Config } from '../config.js';
import type { JobKind } from '../jobs/worker.js';
import type { Logger } from '../logger.js';
import { createMailer } from './mailer.js';
import { createNotificationSender, notificationSlackClient } from './senders.js';
import { notificationJobKinds, type NotificationPolicyOptions } from './worker.js';

export type { NotificationWorker, NotificationWorkerOptions } from './worker.js';
export type { NotificationRow, SendNotification, SendOutcome } from './senders.js';

export interface Notifications {
  /** The `notify.*` kinds for the bot's job worker. */
  readonly kinds: Record<string, JobKind>;
  /** Closes the mail transport: after the job worker stopped (no send in flight). */
  close(): void;
}

/**
 * The notification kinds as the bot runs them: mail over SMTP_URL or into OUTBOX_DIR, Slack through
 * SLACK_API_URL with the bot token. `options` passes through to the kinds' policy (onSettled, backoff…).
 */
export function createNotifications(config: Config, logger: Logger, options: Partial<Omit<NotificationPolicyOptions, 'send' | 'logger'>> = {}): Notifications {
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, outboxDir: config.mail.outboxDir });
  const slack = notificationSlackClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger });
  const kinds = notificationJobKinds({ logger, send: createNotificationSender({ mailer, slack }), ...options });
  logger.info(mailer.mode === 'smtp' ? { mail: 'smtp' } : { mail: 'outbox', outboxDir: config.mail.outboxDir }, mailer.mode === 'smtp' ? 'notifications: email over SMTP_URL' : `notifications: no SMTP_URL, email is written as .eml files to ${config.mail.outboxDir}`);
  return { kinds, close: () => mailer.close() };
}
