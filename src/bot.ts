import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { ConfigError, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { databaseTarget } from './embedded-database.js';
import { hasReferenceData } from './db/repositories/reference-data.js';
import { releaseOrphanedClaims } from './db/repositories/orphaned-claims.js';
import { accountRoutes } from './http/account.js';
import { healthRoute } from './http/health.js';
import { boltLogger, type Logger } from './logger.js';
import { createNotifications } from './notifications/index.js';
import { NOTIFY_LANE, NOTIFY_LANE_SLOTS } from './notifications/worker.js';
import { DEMO_REFERENCE_DATA, loadReferenceDataFile } from './services/load-reference-data.js';
import { accessPolicy } from './domain/access.js';
import { approverGroupClient, startApproverGroup, UnknownApproverGroup, type ApproverGroup } from './slack/approver-group.js';
import { buildSlackApp } from './slack/app.js';
import type { SlackDeps } from './slack/context.js';
import { refreshApprovalMessage } from './slack/flows/approval.js';
import { resolveBotIdentity } from './slack/identity.js';
import { slackMemberFinder } from './slack/member-lookup.js';
import { RECURRING_LANE, sweep, sweepJobKind, type Sweeper } from './slack/sweeper.js';
import { scheduleSweep, SWEEP_KIND } from './services/sweep-schedule.js';
import { importJobHandlers } from './slack/flows/import-run.js';
import { DEFAULT_JOB_MAX_ATTEMPTS, DEFAULT_LANE, startJobWorker, type JobWorker } from './jobs/worker.js';
import { availableParallelism } from 'node:os';
import { webApiEndpoint } from './web-api-fetch.js';

/** How often pending requests are checked for reminders and expiry (the recurring sweep job). */
const SWEEP_INTERVAL_MS = 60_000;

/** What a test (or a benchmark) may change about a started bot; an operator sets none of it. */
export interface StartBotOptions {
  /** Between the end of one sweep and the next, across instances. Default 60 s. */
  sweepIntervalMs?: number;
  /** The job worker's poll interval when idle. Default 1 s. */
  jobPollIntervalMs?: number;
}

/** What stillStopping() names for a lane of the job worker with work in flight. */
const LANE_WORK: Record<string, string> = {
  [NOTIFY_LANE]: 'notifications (sends in flight)',
  [RECURRING_LANE]: 'sweeper (a sweep in flight)',
  [DEFAULT_LANE]: 'jobs (import rows in flight)',
};
const JOBS_STEP = 'jobs';

function busyWork(jobs: JobWorker): string[] {
  const lanes = jobs.busyLanes();
  return lanes.length > 0 ? lanes.map((lane) => LANE_WORK[lane] ?? `jobs (${lane})`) : ['jobs (stopping)'];
}

/** How long one Web API call of the bot's own client may take before it is given up (and retried). */
const SLACK_CALL_TIMEOUT_MS = 10_000;

export interface RunningBot {
  readonly database: Database;
  readonly app: App;
  /** The HTTP port actually listened on (useful when PORT=0 in tests). */
  readonly port: number;
  /** The notifications' lane of the job worker: runOnce delivers what is due now (and waits for sends in flight). */
  readonly notifications: { runOnce(): Promise<number> };
  /** Reminders, expiry and approval messages that could not be posted: runOnce runs a pass now, beside the recurring sweep job. */
  readonly sweeper: Sweeper;
  /** The one job worker (notifications, an approved import's rows and results file, the recurring sweep): runOnce runs what is due now. */
  readonly jobs: JobWorker;
  /** APPROVER_GROUP's members as last read (refresh() reads now); undefined without the setting. */
  readonly approverGroup: ApproverGroup | undefined;
  stop(): Promise<void>;
  /** While stop() runs: the parts that have not stopped yet, e.g. `notifications (sends in flight)`. */
  stillStopping(): string[];
}

/**
 * Opens the database (or takes one already open, or opening: tests hand in their own, and main.ts
 * starts opening it before this module loads), migrates, makes sure there is reference data, then
 * starts the Slack app.
 */
export async function startBot(config: Config, logger: Logger, opened?: Database | Promise<Database>, options: StartBotOptions = {}): Promise<RunningBot> {
  const identity = resolveBotIdentity(config.slack.botToken, config.slack.apiUrl, logger);
  const database = await (opened ?? openDatabase(databaseTarget(config)));
  logger.info(
    { driver: database.driver, location: database.location },
    database.driver === 'pglite'
      ? `database: embedded PGlite in ${database.location} (for trying the bot and small single-instance setups; set DATABASE_URL for Postgres)`
      : `database: Postgres at ${database.location}`,
  );
  const made = database.newFolder;
  if (made?.from === 'template') logger.info({ template: made.template, built: made.built }, `new embedded database: a copy of the template ${made.template}${made.built ? ' (built just now: the next new database is a copy at once)' : ''}`);
  else if (made) logger.warn({ why: made.why }, `new embedded database: created from scratch, ${made.why}`);
  let group: ApproverGroup | undefined;
  try {
    await database.migrate();
    // The embedded database is this process's alone: a claim found in it was left by a process that
    // died (killed, power lost). Its rows are taken again now, not minutes later when the lease runs out.
    if (database.driver === 'pglite') {
      const released = await releaseOrphanedClaims(database.db);
      if (released.jobs + released.approvalMessages > 0) logger.warn(released, 'work a previous run left in flight (it stopped without finishing it) is taken up again');
    }
    await ensureReferenceData(database, config, logger);
    group = await approverGroupOf(config, logger);
    let listening = config.port;
    const deps: SlackDeps = {
      services: {
        db: database.db,
        searchDb: database.searchDb,
        now: () => new Date(),
        settings: {
          phoneDefaultCountry: config.phoneDefaultCountry,
          passwordPolicy: config.passwordPolicy,
          defaultPasswordTtlHours: config.defaultPasswordTtlHours,
          tenantSuffix: config.tenantSuffix,
          signInLimits: config.signIn.limits,
          twoApprovalsFor: config.twoApprovalsFor,
        },
      },
      access: accessPolicy(config, group),
      logger,
      phoneDefaultCountry: config.phoneDefaultCountry,
      approvals: {
        channel: config.approvalsChannel,
        allowSelfApproval: config.allowSelfApproval,
        resetNeedsApproval: config.resetNeedsApproval,
        remindAfterHours: config.remindAfterHours,
        expireAfterHours: config.expireAfterHours,
      },
      // PUBLIC_URL when set; otherwise this host on the port actually listened on (known after start).
      get accountUrl() {
        return `${config.publicUrl.replace(/:0$/, `:${listening}`)}/account`;
      },
      findSlackMember: slackMemberFinder({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger }),
    };
    const app = buildSlackApp(config, deps, [healthRoute(database, logger), ...accountRoutes(deps.services, logger, { ...config.signIn, sipRegistrar: config.sipRegistrar })], identity);
    const started = (await app.start(config.port)) as unknown;
    const port = listeningPort(started) ?? config.port;
    listening = port;
    logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, config.slack.appToken ? 'bot connected to Slack in Socket Mode' : `bot listening on port ${port} (POST /slack/events, GET /healthz)`);
    // Work outside a listener has no listener's client: this one carries the bot token itself. Its
    // calls (approval-message refreshes, announcements) are bounded: a Slack that stops answering
    // must not hold a refresh, or a stop, for the half hour of the client's default retries. What
    // such a call leaves undone, the next refresh or sweep does again.
    const botClient = new WebClient(config.slack.botToken, {
      ...webApiEndpoint(config.slack.apiUrl),
      timeout: SLACK_CALL_TIMEOUT_MS,
      retryConfig: { retries: 3 },
      logger: boltLogger(logger, 'slack-web-api'),
    });
    const notifications = createNotifications(config, logger, {
      // The approval message shows how the new user's email and DM are doing.
      onSettled: (n) => (n.requestId ? refreshApprovalMessage(deps, botClient, n.requestId) : Promise.resolve()),
    });
    await scheduleSweep(deps.services);
    // One worker for every kind of background work, each lane with slots of its own: notifications
    // never wait behind an import's rows, nor the sweep behind either. Import rows get twice the cores:
    // while one row's hash runs in libuv's thread pool, another row's checks and writes talk to the
    // database, so every core hashes and each transaction stays short.
    const jobs = startJobWorker({
      db: database.db,
      logger,
      ...(options.jobPollIntervalMs !== undefined ? { pollIntervalMs: options.jobPollIntervalMs } : {}),
      maxAttempts: DEFAULT_JOB_MAX_ATTEMPTS,
      lanes: { [NOTIFY_LANE]: NOTIFY_LANE_SLOTS, [RECURRING_LANE]: 1, [DEFAULT_LANE]: Math.max(4, availableParallelism() * 2) },
      handlers: importJobHandlers(deps, botClient, { maxAttempts: DEFAULT_JOB_MAX_ATTEMPTS }),
      kinds: { ...notifications.kinds, [SWEEP_KIND]: sweepJobKind(deps, botClient, { intervalMs: options.sweepIntervalMs ?? SWEEP_INTERVAL_MS }) },
    });
    const pending = new Set<string>();
    const step = async (name: string, run: () => Promise<unknown>) => {
      pending.add(name);
      try {
        await run();
      } finally {
        pending.delete(name);
      }
    };
    return {
      database,
      app,
      port,
      notifications: { runOnce: () => jobs.runOnce({ lanes: [NOTIFY_LANE] }) },
      sweeper: { runOnce: () => sweep(deps, botClient) },
      jobs,
      approverGroup: group,
      // New work stops coming (job claims, Slack), work in flight finishes, then the database closes.
      async stop() {
        group?.stop();
        const stopped = await Promise.allSettled([
          step(JOBS_STEP, async () => {
            await jobs.stop();
            notifications.close();
          }),
          step(config.slack.appToken ? 'Slack Socket Mode connection and HTTP server' : 'HTTP server', () => app.stop()),
        ]);
        await step('database', () => database.close());
        const failed = stopped.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
      // The job worker's part named by what its busy lanes hold, e.g. `notifications (sends in flight)`.
      stillStopping: () => [...pending].flatMap((name) => (name === JOBS_STEP ? busyWork(jobs) : [name])),
    };
  } catch (err) {
    group?.stop();
    await database.close().catch(() => undefined);
    throw err;
  }
}

/**
 * APPROVER_GROUP, read once before the bot takes requests. A group Slack does not know stops start-up
 * naming the setting. With TWO_APPROVALS_FOR, fewer than two possible approvers (APPROVER_IDS and the
 * group's members together) stop it too: such requests could never be approved. When Slack cannot be
 * asked at start, that check cannot be made: the bot starts (logged), the group counts as empty until
 * read, and four-eyes requests wait for two approvers as always.
 */
async function approverGroupOf(config: Config, logger: Logger): Promise<ApproverGroup | undefined> {
  if (!config.approverGroup) return undefined;
  let group: ApproverGroup;
  try {
    group = await startApproverGroup({ ref: config.approverGroup, client: approverGroupClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger }), logger });
  } catch (err) {
    if (err instanceof UnknownApproverGroup) throw new ConfigError(`Invalid configuration:\n- ${err.message}\nSee README.md ("Settings").`);
    throw err;
  }
  if (config.twoApprovalsFor.length > 0) {
    if (group.lastReadAt() === undefined) {
      logger.warn('TWO_APPROVALS_FOR: the approver group could not be read at start, so whether two approvers exist is not checked');
    } else {
      const possible = new Set([...config.approverIds, ...group.members()]);
      if (possible.size < 2) {
        group.stop();
        throw new ConfigError(
          `Invalid configuration:\n- TWO_APPROVALS_FOR needs at least two approvers, but APPROVER_IDS and APPROVER_GROUP together name ${possible.size}: no ${config.twoApprovalsFor.join('/')} request could ever be approved\nSee README.md ("Settings").`,
        );
      }
    }
  }
  return group;
}

function listeningPort(started: unknown): number | undefined {
  const address = (started as Partial<Server> | undefined)?.address?.();
  return address && typeof address === 'object' ? address.port : undefined;
}

/**
 * The operator's file, when configured, is applied at every start (idempotent). Without one, an empty
 * embedded database gets the demo set so the bot can be tried at once; Postgres is never filled with
 * demo data behind an operator's back.
 */
async function ensureReferenceData(database: Database, config: Config, logger: Logger): Promise<void> {
  if (config.referenceDataFile) {
    const counts = await loadReferenceDataFile(database.db, config.referenceDataFile);
    logger.info({ file: config.referenceDataFile, ...counts }, 'reference data loaded');
    return;
  }
  if (await hasReferenceData(database.db)) return;
  if (database.driver === 'pglite') {
    const counts = await loadReferenceDataFile(database.db, DEMO_REFERENCE_DATA);
    logger.info({ file: 'reference-data/demo.yml', ...counts }, 'empty embedded database: loaded the demo reference data');
  } else {
    logger.warn('there is no reference data yet: set REFERENCE_DATA_FILE, or run `npm run reference:load -- <file>`');
  }
}
