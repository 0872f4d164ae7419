import { Writable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { enqueueJobs } from '../../src/db/repositories/jobs.js';
import { enqueueNotifications, notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs } from '../../src/db/schema/index.js';
import { DEFAULT_LANE, startJobWorker } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';
import type { SendNotification } from '../../src/notifications/senders.js';
import { notificationJobKinds, NOTIFY_LANE } from '../../src/notifications/worker.js';
import { IMPORT_ROW_JOB } from '../../src/services/import-execution.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const logLines: string[] = [];
const logger = createLogger('debug', new Writable({ write(chunk: Buffer, _e, done) { logLines.push(chunk.toString('utf8')); done(); } }));

describe(`background jobs (${testDriver})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('runs each queued job once, retries a failing one after its backoff, and marks it dead after the last attempt', async () => {
    const db = database.db;
    await enqueueJobs(db, [
      ...Array.from({ length: 12 }, (_, i) => ({ kind: 'count', dedupeKey: `count:${i}`, payload: { i } })),
      { kind: 'flaky', dedupeKey: 'flaky', payload: {} },
      { kind: 'broken', dedupeKey: 'broken', payload: {} },
    ]);
    // The same job queued again is a no-op.
    expect(await enqueueJobs(db, [{ kind: 'count', dedupeKey: 'count:0', payload: { i: 0 } }])).toBe(0);
    const seen: number[] = [];
    let flaky = 0;
    const worker = startJobWorker({
      db,
      logger,
      concurrency: 3,
      pollIntervalMs: 0,
      maxAttempts: 3,
      backoff: () => 0,
      handlers: {
        count: (job) => {
          seen.push((job.payload as { i: number }).i);
          return Promise.resolve({ result: { ok: true } });
        },
        flaky: () => {
          flaky += 1;
          if (flaky < 2) return Promise.reject(new Error('not yet'));
          return Promise.resolve({ result: { after: flaky } });
        },
        broken: () => {
          return Promise.reject(new Error('always'));
        },
      },
    });
    for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round++);
    await worker.stop();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const rows = await db.select().from(jobs);
    expect(rows.filter((j) => j.kind === 'count').every((j) => j.state === 'done' && j.attempts === 1)).toBe(true);
    const [flakyRow] = rows.filter((j) => j.kind === 'flaky');
    expect(flakyRow).toMatchObject({ state: 'done', attempts: 2, result: { after: 2 } });
    const [brokenRow] = await db.select().from(jobs).where(eq(jobs.kind, 'broken'));
    expect(brokenRow).toMatchObject({ state: 'dead', attempts: 3, lastError: 'always' });
  });
});

describe(`background jobs, polling (${testDriver})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('a polling worker takes jobs queued after it started, and a woken one at once', async () => {
    const db = database.db;
    const ran: string[] = [];
    const worker = startJobWorker({ db, logger, concurrency: 2, pollIntervalMs: 100, handlers: { note: (job) => (ran.push(job.dedupeKey), Promise.resolve({ result: null })) } });
    await new Promise((r) => setTimeout(r, 300));
    await enqueueJobs(db, [{ kind: 'note', dedupeKey: 'late:1', payload: {} }, { kind: 'note', dedupeKey: 'late:2', payload: {} }, { kind: 'note', dedupeKey: 'late:3', payload: {} }]);
    await expect.poll(() => ran.length, { timeout: 10_000 }).toBe(3);
    await worker.stop();
    expect(ran.sort()).toEqual(['late:1', 'late:2', 'late:3']);
  });

  it('goes on claiming after a poll came while every slot was busy (the worker once stalled there for good)', async () => {
    const db = database.db;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    // One slot, held by the first job while the 20 ms poll fires again and again with no free slot.
    const worker = startJobWorker({
      db,
      logger,
      concurrency: 1,
      pollIntervalMs: 20,
      handlers: { slow: async (job) => (ran.push(job.dedupeKey), job.dedupeKey === 'busy:1' ? await held : undefined, { result: null }) },
    });
    await enqueueJobs(db, [1, 2, 3].map((i) => ({ kind: 'slow', dedupeKey: `busy:${i}`, payload: {} })));
    await expect.poll(() => ran.length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    release();
    await expect.poll(() => ran.length, { timeout: 10_000 }).toBe(3);
    await worker.stop();
  });
});

describe(`one worker, every kind, in lanes (${testDriver})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('claims a notification and import rows in the one worker, and a lane full of import rows does not hold a due notification back', async () => {
    const db = database.db;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const rowsRun: string[] = [];
    const sent: { id: string; topic: string; at: number }[] = [];
    const send: SendNotification = (n) => {
      sent.push({ id: n.id, topic: n.topic, at: Date.now() });
      return Promise.resolve({ status: 'sent' as const });
    };
    // Both slots of the import lane held by rows that do not finish until told; more rows queued behind them.
    const worker = startJobWorker({
      db,
      logger,
      pollIntervalMs: 20,
      lanes: { [DEFAULT_LANE]: 2, [NOTIFY_LANE]: 1 },
      handlers: { [IMPORT_ROW_JOB]: async (job) => (rowsRun.push(job.dedupeKey), await held, { result: { outcome: 'created' } }) },
      kinds: notificationJobKinds({ send, logger }),
    });
    try {
      await enqueueJobs(db, Array.from({ length: 20 }, (_, i) => ({ kind: IMPORT_ROW_JOB, dedupeKey: `lane:row:${i}`, payload: { i } })));
      await expect.poll(() => rowsRun.length, { timeout: 10_000 }).toBe(2);
      // The welcome email is due after every one of the 20 rows: in one lane it would wait for all of them.
      await enqueueNotifications(db, [{ dedupeKey: 'lane:welcome', channel: 'email', topic: 'welcome_email', payload: { to: { address: 'x@example.com' }, subject: 's', text: 't', html: 'h' } }]);
      await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(1);
      expect(rowsRun).toHaveLength(2);
      const [notification] = await notificationRows(db, eq(jobs.dedupeKey, 'lane:welcome'));
      expect(notification).toMatchObject({ channel: 'email', topic: 'welcome_email', state: 'sent', attempts: 1 });
      const [queuedRows] = await db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(and(eq(jobs.kind, IMPORT_ROW_JOB), eq(jobs.state, 'queued')));
      expect(Number(queuedRows!.n)).toBe(20);
    } finally {
      release();
    }
    await expect.poll(async () => (await db.select().from(jobs).where(and(eq(jobs.kind, IMPORT_ROW_JOB), eq(jobs.state, 'done')))).length, { timeout: 30_000 }).toBe(20);
    await worker.stop();
    expect(new Set(rowsRun).size).toBe(20);
  });
});
