import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { startBot, type RunningBot, type StartBotOptions } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { jobs } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { SWEEP_DEDUPE_KEY } from '../../src/services/sweep-schedule.js';
import { seedDemoReferenceData } from './fixtures.js';
import { clearReferenceData } from './queries.js';
import { startSlackDouble, type SlackDouble } from './slack-double.js';
import { APPROVER, PORTAL_ADMIN } from './slack-interactions.js';
import { SIGNING_SECRET, type SlackTarget } from './slack-request.js';
import { startSocketModeServer, type SocketModeServer } from './socket-mode-server.js';
import { openTestDatabase } from './test-db.js';

export interface TestBot {
  readonly bot: RunningBot;
  readonly db: Db;
  readonly slack: SlackDouble;
  /** The bot's own HTTP server (/healthz, /account, /api/v1, and /slack/events over HTTP). */
  readonly baseUrl: string;
  /** The Postgres database's URL (undefined on PGlite): a second instance can join it. */
  readonly databaseUrl: string | undefined;
  /** Where to send slash commands, interactions and events: baseUrl over HTTP, the socket in Socket Mode. */
  readonly slackTarget: SlackTarget;
  /** In Socket Mode: the stand-in for Slack's Socket Mode endpoint the bot is connected to. */
  readonly socket: SocketModeServer | undefined;
  /** Every log line the bot wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The raw log text, for secret-leak checks. */
  logText(): string;
  close(): Promise<void>;
}

export type SlackTransport = 'http' | 'socket';

export interface TestBotOptions {
  /** `none`: a database with no reference data, as an operator's Postgres is before a file is loaded. */
  referenceData?: 'demo' | 'none';
  /** Join another instance: its Postgres database (through a pool of this bot's own) and its Slack double. */
  sameAs?: TestBot;
  /** Over HTTP (the default), or in Socket Mode (an app token, no signing secret). */
  transport?: SlackTransport;
  /** Sets up the Slack double before the bot starts (e.g. the members of APPROVER_GROUP, read at start). */
  prepareSlack?: (slack: SlackDouble) => void;
  /** Passed to startBot (e.g. a short sweep interval). */
  bot?: StartBotOptions;
}

/** The app-level token a Socket Mode test bot connects with. */
export const APP_TOKEN = 'xapp-1-A0APP-1-test';

/** Waits (at most 15 s) for the bot's first sweep pass to end, done or failed: its row is then due again later. */
async function firstSweep(db: Db): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [row] = await db.select({ runAfter: jobs.runAfter, leasedUntil: jobs.leasedUntil }).from(jobs).where(eq(jobs.dedupeKey, SWEEP_DEDUPE_KEY));
    if (row && row.leasedUntil === null && row.runAfter.getTime() > Date.now()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A port free right now: in Socket Mode Bolt does not tell which port PORT=0 got. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * The real bot on its own database (PGlite or Postgres, as the project runs), with the demo reference
 * data (unless told otherwise), a Slack Web API double behind SLACK_API_URL, and its log captured.
 * Over HTTP by default; with transport 'socket', in Socket Mode connected to a local Socket Mode
 * server that the Web API double's apps.connections.open points to. With `sameAs`, a second instance
 * of the bot on the first one's Postgres database and Slack workspace.
 */
export async function startTestBot(env: Record<string, string> = {}, options: TestBotOptions = {}): Promise<TestBot> {
  const shared = options.sameAs;
  if (shared && !shared.databaseUrl) throw new Error('a second instance needs Postgres: PGlite is one process');
  const slack = shared?.slack ?? (await startSlackDouble());
  const socket = options.transport === 'socket' ? await startSocketModeServer() : undefined;
  if (socket) slack.useSocketMode(socket.url);
  const modeEnv: Record<string, string> = socket ? { SLACK_APP_TOKEN: APP_TOKEN, PORT: String(await freePort()) } : { SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0' };
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  // Mail goes to a folder of this test's own unless the test names an SMTP server.
  const outbox = await mkdtemp(join(tmpdir(), 'provision-outbox-'));
  const config = parseConfig({
    OUTBOX_DIR: outbox,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.url,
    TENANT_SUFFIX: 'abc',
    APPROVALS_CHANNEL: 'C0APPROVALS',
    APPROVER_IDS: APPROVER,
    PORTAL_ADMIN_IDS: PORTAL_ADMIN,
    LOG_LEVEL: 'debug',
    ...modeEnv,
    ...env,
  });
  const database = shared ? Object.assign(await openDatabase({ driver: 'postgres', url: shared.databaseUrl! }), { url: shared.databaseUrl }) : await openTestDatabase();
  const withReferenceData = shared !== undefined || (options.referenceData ?? 'demo') === 'demo';
  if (withReferenceData && !shared) await seedDemoReferenceData(database.db);
  options.prepareSlack?.(slack);
  let bot: RunningBot;
  try {
    bot = await startBot(config, createLogger(config.logLevel, stream), database, options.bot);
  } catch (err) {
    // A refused start (a ConfigError the test expects) leaves nothing running.
    await socket?.close();
    if (!shared) await slack.close();
    await rm(outbox, { recursive: true, force: true });
    throw err;
  }
  if (!withReferenceData) await clearReferenceData(database.db);
  const logText = () => chunks.join('');
  // The bot sweeps at start (the recurring sweep's row is due on a new database): the test begins
  // once that pass is over, so a request the test writes is not swept halfway through its setup. A
  // joining instance finds the row already taken.
  if (!shared) await firstSweep(database.db);
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  return {
    bot,
    db: database.db,
    slack,
    baseUrl,
    databaseUrl: database.url,
    slackTarget: socket ?? baseUrl,
    socket,
    get logs() {
      return logText()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText,
    async close() {
      await bot.stop();
      await socket?.close();
      if (!shared) await slack.close();
      await rm(outbox, { recursive: true, force: true });
    },
  };
}
