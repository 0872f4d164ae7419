import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the SMTP server accepted: the SMTP envelope and the parsed message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export type SmtpTestServer = Awaited<ReturnType<typeof startSmtpTestServer>>;

/**
 * A real SMTP server in the test process (smtp-server), no TLS, no auth. It can be stopped and started
 * again on the same port (an outage), and told to reject the next recipients with a reply code.
 */
export async function startSmtpTestServer() {
  const received: ReceivedMail[] = [];
  const rejections: { code: number; message: string }[] = [];
  const waiters = new Set<() => void>();
  let server: SMTPServer | undefined;
  let port = 0;

  function create(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onRcptTo(_address, _session, callback) {
        const rejection = rejections.shift();
        if (!rejection) return callback();
        const err = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
        callback(err);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed });
              for (const w of [...waiters]) w();
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });
  }

  async function start(): Promise<void> {
    const next = create();
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.server.address() as AddressInfo).port;
    // A client that vanishes mid-session (a bot process killed with SIGKILL) resets its connection: a
    // real mail server shrugs that off, and so does this one (unhandled, it would fail the test run).
    next.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
    });
    server = next;
  }

  async function stop(): Promise<void> {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await start();

  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    start,
    stop,
    /** Rejects the next RCPT TO with this reply (e.g. 450 mailbox busy, 550 no such user). */
    rejectNextRecipient(code: number, message = code >= 500 ? 'No such user here' : 'Mailbox busy, try later') {
      rejections.push({ code, message });
    },
    /** Resolves once `count` messages in all were received; rejects after timeoutMs. */
    waitForCount(count: number, timeoutMs = 3000): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${count} emails (got ${received.length})`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
}
