import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { enqueueJobs } from '../../src/db/repositories/jobs.js';
import { jobs } from '../../src/db/schema/index.js';
import { startJobWorker } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';
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
