import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { EmailPayload } from './payloads.js';

/**
 * Sends the outbox's emails. With SMTP_URL, over SMTP; without it, each email is written as an .eml
 * file into OUTBOX_DIR (named by notification ID, so a retry overwrites rather than duplicates).
 *
 * Every message gets a Message-ID made from its notification ID (`<id@host of MAIL_FROM>`): when a
 * crash between "sent" and "marked sent" makes the worker deliver again, the copy has the same
 * Message-ID, which mail systems and people can recognise as the same message.
 *
 * nodemailer is loaded at the first email, not at start-up: most of the time the bot sends none, and
 * loading it costs ~1.5 MiB of heap (39 modules) in every idle process.
 */
export interface Mailer {
  readonly mode: 'smtp' | 'outbox';
  send(notificationId: string, message: EmailPayload): Promise<{ messageId: string; file?: string }>;
  close(): void;
}

export interface MailerOptions {
  /** smtp:// or smtps:// URL; without it, mail goes to outboxDir as .eml files. */
  smtpUrl?: string | undefined;
  /** MAIL_FROM, e.g. `Provisioning Bot <provisioning@example.com>`. */
  from: string;
  outboxDir: string;
  /** SMTP connection/greeting/socket timeouts: a hung server must not hold a lease for long. Default 30 s. */
  timeoutMs?: number;
}

export function createMailer(options: MailerOptions): Mailer {
  const host = messageIdHost(options.from);
  const messageId = (id: string) => `<${id}@${host}>`;
  const timeout = options.timeoutMs ?? 30_000;
  const compose = (id: string, m: EmailPayload): SendMailOptions => ({
    from: options.from,
    to: m.to.name ? { name: m.to.name, address: m.to.address } : m.to.address,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: messageId(id),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Notification-Id': id },
  });

  const { smtpUrl } = options;
  if (smtpUrl) {
    const transport = lazyTransport((nodemailer) =>
      nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout, dnsTimeout: timeout }),
    );
    return {
      mode: 'smtp',
      async send(id, m) {
        const info = await (await transport.get()).sendMail(compose(id, m));
        return { messageId: info.messageId };
      },
      close: transport.close,
    };
  }

  const transport = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  let folderReady: Promise<unknown> | undefined;
  return {
    mode: 'outbox',
    async send(id, m) {
      const info = await (await transport.get()).sendMail(compose(id, m));
      folderReady ??= mkdir(options.outboxDir, { recursive: true });
      await folderReady;
      const file = join(options.outboxDir, `${safeFileName(id)}.eml`);
      // Written aside then renamed: a crash mid-write never leaves half an email in the outbox.
      const partial = `${file}.partial`;
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
      return { messageId: info.messageId, file };
    },
    close: transport.close,
  };
}

/** A transport made at its first use. A transport never made has nothing to close; one being made is closed once it is. */
function lazyTransport<T>(make: (nodemailer: typeof Nodemailer.default) => Transporter<T>) {
  let transport: Promise<Transporter<T>> | undefined;
  return {
    get: () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => make(nodemailer))),
    close: () => void transport?.then(
      (t) => t.close(),
      () => undefined,
    ),
  };
}

/** The domain of MAIL_FROM's address (`Bot <bot@example.com>` → `example.com`), else `localhost`. */
export function messageIdHost(from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim();
  return address.includes('@') && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}

function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
