import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { createMailer } from './mailer.js';
import { createNotificationSender, notificationSlackClient } from './senders.js';
import { startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from './worker.js';

export type { NotificationWorker, NotificationWorkerOptions } from './worker.js';
export type { NotificationRow, SendNotification, SendOutcome } from './senders.js';

/**
 * The outbox worker as the bot runs it: mail over SMTP_URL or into OUTBOX_DIR, Slack through
 * SLACK_API_URL with the bot token. `options` passes through to the worker (onSettled, intervals…).
 * stop() stops the worker (waiting for sends in flight) and then closes the mail transport.
 */
export function startNotifications(config: Config, db: Db, logger: Logger, options: Partial<Omit<NotificationWorkerOptions, 'db' | 'send' | 'logger'>> = {}): NotificationWorker {
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, outboxDir: config.mail.outboxDir });
  const slack = notificationSlackClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger });
  const worker = startNotificationWorker({ db, logger, send: createNotificationSender({ mailer, slack }), ...options });
  logger.info(mailer.mode === 'smtp' ? { mail: 'smtp' } : { mail: 'outbox', outboxDir: config.mail.outboxDir }, mailer.mode === 'smtp' ? 'notifications: email over SMTP_URL' : `notifications: no SMTP_URL, email is written as .eml files to ${config.mail.outboxDir}`);
  return {
    runOnce: () => worker.runOnce(),
    async stop() {
      await worker.stop();
      mailer.close();
    },
  };
}
