/**
 * Issue 11, part 5: the two candidates for the bot's one durable queue, measured side by side on
 * Postgres and on PGlite. A benchmark, not a test: it prints a markdown table and fails only if it
 * cannot run. See bench/README.md, "Queue candidates (issue 11)".
 *
 *   npm install --no-save pg-boss@10.4.2     # pg-boss is not a dependency of the project
 *   node --import tsx bench/queue-candidates.ts
 *
 * `DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/postgres) is the server it creates its
 * throw-away databases on; `QUEUE_BENCH_JOBS` (default 1000) and `QUEUE_BENCH_SAMPLES` (default 25)
 * size the runs.
 *
 * Candidates: pg-boss 10 driven through its `db: { executeSql }` option on the app's own connection
 * (drizzle's postgres.js or PGlite client, so a job can be sent inside an application transaction),
 * and the project's `jobs` table (enqueueJobs / claimDueJobs / finishJob and src/jobs/worker.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database, type Db, type DatabaseDriver } from '../src/db/client.js';
import { claimDueJobs, enqueueJobs, finishJob, type NewJob } from '../src/db/repositories/jobs.js';
import { startJobWorker, type JobWorker } from '../src/jobs/worker.js';
import { createLogger } from '../src/logger.js';
import { createBenchDatabase, type BenchDatabase } from './database.js';
import { percentile } from './loadgen.js';
import { machine } from './report.js';

const env = process.env;
const ADMIN_URL = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const JOBS = Number(env.QUEUE_BENCH_JOBS ?? 1000);
const SAMPLES = Number(env.QUEUE_BENCH_SAMPLES ?? 25);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const log = (line: string) => process.stderr.write(`[queue-bench] ${line}\n`);
const logger = createLogger('error');

// ---------------------------------------------------------------------------------------------------
// pg-boss, through the few parts this benchmark uses: it is not a dependency, so the types are local
// and the import is dynamic (the file type-checks and lints without pg-boss installed).

type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

interface BossJob {
  id: string;
  name: string;
  data: unknown;
}

interface BossOptions {
  db: { executeSql: ExecuteSql };
  schema?: string;
  supervise?: boolean;
  schedule?: boolean;
}

interface SendOptions {
  db?: { executeSql: ExecuteSql };
  singletonKey?: string;
}

interface PgBoss {
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; close?: boolean; wait?: boolean; timeout?: number }): Promise<void>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  createQueue(name: string, options?: { policy?: string }): Promise<void>;
  send(name: string, data: object, options?: SendOptions): Promise<string | null>;
  insert(jobs: { name: string; data: object }[], options?: { db?: { executeSql: ExecuteSql } }): Promise<unknown>;
  sendThrottled(name: string, data: object, options: SendOptions | null, seconds: number, key: string): Promise<string | null>;
  fetch(name: string, options: { batchSize: number }): Promise<BossJob[]>;
  complete(name: string, ids: string[]): Promise<unknown>;
  work(name: string, options: { batchSize: number; pollingIntervalSeconds: number }, handler: (jobs: BossJob[]) => Promise<unknown>): Promise<string>;
  offWork(name: string): Promise<void>;
  getQueueSize(name: string): Promise<number>;
}

type PgBossClass = new (options: BossOptions) => PgBoss;

/** pg-boss's class, or undefined when it is not installed. */
async function loadPgBoss(): Promise<PgBossClass | undefined> {
  const specifier = 'pg-boss';
  try {
    const mod = (await import(specifier)) as { default: PgBossClass };
    return mod.default;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** The driver's own client under a drizzle database or transaction (drizzle keeps it in `session.client`, not public API). */
function driverClient(db: Db): unknown {
  return (db as unknown as { session: { client: unknown } }).session.client;
}

interface PostgresJsClient {
  unsafe(text: string, values?: unknown[]): PromiseLike<unknown[]>;
  reserve?(): Promise<PostgresJsClient & { release(): void }>;
}

interface PgliteClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<{ rows: unknown[] }[]>;
}

/**
 * pg-boss's executor on postgres.js (the adapter the measurements found necessary):
 * - its schema creation and maintenance send `BEGIN; …; COMMIT;` as one text, which postgres.js
 *   refuses on a pool (UNSAFE_TRANSACTION): that text goes to one reserved connection;
 * - postgres.js rejects `undefined` parameters (pg sends NULL);
 * - drizzle turns postgres.js's json serializer off, so plain objects are sent as JSON text.
 */
function postgresExecutor(client: PostgresJsClient): ExecuteSql {
  return async (text, values) => {
    if (/^\s*BEGIN;/.test(text) && client.reserve) {
      const reserved = await client.reserve();
      try {
        await reserved.unsafe(text);
        return { rows: [] };
      } finally {
        reserved.release();
      }
    }
    const params = (values ?? []).map((v) => (v === undefined ? null : v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? JSON.stringify(v) : v));
    const result = await client.unsafe(text, params);
    // Several statements in one text answer with one result per statement: pg-boss reads none of them.
    return { rows: Array.isArray(result[0]) ? [] : [...result] };
  };
}

/** pg-boss's executor on PGlite: text with several statements (no parameters) goes through `exec`, which `query` refuses. */
function pgliteExecutor(client: PgliteClient): ExecuteSql {
  return async (text, values) => {
    if (!values || values.length === 0) {
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    }
    return client.query(text, values);
  };
}

function executorFor(driver: DatabaseDriver, db: Db): ExecuteSql {
  const client = driverClient(db);
  return driver === 'postgres' ? postgresExecutor(client as PostgresJsClient) : pgliteExecutor(client as PgliteClient);
}

/** The executor one would write first: the driver's query call as it is. */
function naiveExecutor(driver: DatabaseDriver, db: Db): ExecuteSql {
  const client = driverClient(db);
  if (driver === 'pglite') return (text, values) => (client as PgliteClient).query(text, values);
  return async (text, values) => ({ rows: [...(await (client as PostgresJsClient).unsafe(text, values ?? []))] });
}

// ---------------------------------------------------------------------------------------------------
// Where the candidates run: a fresh Postgres database, or a PGlite folder. An "instance" is a second
// connection pool to the same database on Postgres; PGlite has one connection in one process, so its
// second instance shares the first one's.

interface Target {
  driver: DatabaseDriver;
  main: Database;
  /** Another bot instance's connection (the same one on PGlite). */
  other(): Promise<Database>;
  close(): Promise<void>;
}

async function openTarget(driver: DatabaseDriver): Promise<Target> {
  if (driver === 'postgres') {
    const bench = await createBenchDatabase(ADMIN_URL, '_queue');
    const main = await openDatabase({ driver: 'postgres', url: bench.url, poolSize: 10 });
    await main.migrate();
    const others: Database[] = [];
    return {
      driver,
      main,
      async other() {
        const db = await openDatabase({ driver: 'postgres', url: bench.url, poolSize: 10 });
        others.push(db);
        return db;
      },
      async close() {
        for (const db of [main, ...others]) await db.close();
        await bench.drop();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'queue-bench-'));
  const main = await openDatabase({ driver: 'pglite', dataDir: join(dir, 'db') });
  await main.migrate();
  return {
    driver,
    main,
    other: () => Promise.resolve(main),
    async close() {
      await main.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Figures

interface Figures {
  starts?: string;
  enqueueTxMs?: number;
  enqueueTxNote?: string;
  rollbackLeaves?: number;
  tp1?: number;
  tp2?: number;
  tpNote?: string;
  tpWork1?: number;
  tpWork2?: number;
  tpWorkNote?: string;
  latency?: { p50: number; p99: number; max: number; n: number };
  latencyNote?: string;
  once?: string;
  startMs?: number;
  restartMs?: number;
  rssMb?: number;
  objects?: string;
  errors: string[];
}

const now = () => performance.now();
const perSecond = (n: number, ms: number) => (n * 1000) / ms;
const randomBetween = (a: number, b: number) => a + Math.random() * (b - a);

async function untilTrue(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 5): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}

function summary(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

/** A warm-up of 10 jobs (the first statements pay for preparing and JIT), then the median of three runs of JOBS. */
async function medianOf3(run: (count: number) => Promise<unknown>): Promise<number> {
  await run(10);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = now();
    await run(JOBS);
    times.push(now() - t);
  }
  return times.sort((a, b) => a - b)[1]!;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);

// ---------------------------------------------------------------------------------------------------
// pg-boss

async function measurePgBoss(PgBossCtor: PgBossClass, target: Target): Promise<Figures> {
  const figures: Figures = { errors: [] };
  const { driver, main } = target;
  const bosses: PgBoss[] = [];
  const newBoss = (db: Db) => {
    const boss = new PgBossCtor({ db: { executeSql: executorFor(driver, db) } });
    boss.on('error', (err) => figures.errors.push(message(err)));
    bosses.push(boss);
    return boss;
  };

  // 1. Does it start? First with the driver's query call as it is, in a schema of its own (it fails
  // before it creates anything), then with the adapter.
  const naive = new PgBossCtor({ db: { executeSql: naiveExecutor(driver, driver === 'postgres' ? (await target.other()).db : main.db) }, schema: 'pgboss_naive', supervise: false, schedule: false });
  naive.on('error', () => undefined);
  let naiveResult: string;
  try {
    await naive.start();
    naiveResult = 'starts as is';
    await naive.stop({ graceful: false, close: false });
  } catch (err) {
    naiveResult = `as is: fails, "${message(err)}"`;
  }
  const boss = newBoss(main.db);
  try {
    await boss.start();
    figures.starts = `${naiveResult}; with the adapter: starts`;
  } catch (err) {
    figures.starts = `${naiveResult}; with the adapter: fails, "${message(err)}"`;
    return figures;
  }

  for (const q of ['enqueue', 'enqueue_batch', 'rollback', 'tp1', 'tp2', 'work1', 'work2', 'latency', 'tick']) await boss.createQueue(q);

  // 2. 1,000 jobs in one application transaction: send() per job through an executor bound to the
  // transaction (the approval's case), and insert() of all of them in one statement.
  const sendAll = (count: number) =>
    main.db.transaction(async (tx) => {
      const executeSql = executorFor(driver, tx);
      for (let i = 0; i < count; i++) await boss.send('enqueue', { i }, { db: { executeSql } });
    });
  const insertAll = (count: number) =>
    main.db.transaction(async (tx) => {
      await boss.insert(
        Array.from({ length: count }, (_, i) => ({ name: 'enqueue_batch', data: { i } })),
        { db: { executeSql: executorFor(driver, tx) } },
      );
    });
  figures.enqueueTxMs = await medianOf3(sendAll);
  const batchMs = await medianOf3(insertAll);
  const queued = (await boss.getQueueSize('enqueue')) + (await boss.getQueueSize('enqueue_batch'));
  figures.enqueueTxNote = `send() ×${JOBS}; insert() of ${JOBS} in one statement: ${batchMs.toFixed(0)} ms; ${queued} queued`;
  let t: number;
  await main.db
    .transaction(async (tx) => {
      await boss.send('rollback', { i: 1 }, { db: { executeSql: executorFor(driver, tx) } });
      throw new Error('roll back');
    })
    .catch(() => undefined);
  figures.rollbackLeaves = await boss.getQueueSize('rollback');

  // 3. Throughput. fetch → complete as fast as the library allows (batches of 4, like our worker's
  // concurrency), one loop per instance; then work() as an application would use it.
  const second = driver === 'postgres' ? newBoss((await target.other()).db) : boss;
  if (second !== boss) await second.start();
  const drain = async (b: PgBoss, queue: string): Promise<number> => {
    let n = 0;
    for (;;) {
      const jobs = await b.fetch(queue, { batchSize: 4 });
      if (jobs.length === 0) return n;
      await b.complete(queue, jobs.map((j) => j.id));
      n += jobs.length;
    }
  };
  const seed = (queue: string) => boss.insert(Array.from({ length: JOBS }, (_, i) => ({ name: queue, data: { i } })));
  await seed('tp1');
  t = now();
  await drain(boss, 'tp1');
  figures.tp1 = perSecond(JOBS, now() - t);
  await seed('tp2');
  t = now();
  const counts = await Promise.all([drain(boss, 'tp2'), drain(second, 'tp2')]);
  figures.tp2 = perSecond(JOBS, now() - t);
  figures.tpNote = `2 workers took ${counts.join(' + ')}`;

  // work(): the worker waits the polling interval after every batch, even a full one, so its rate
  // is batchSize ÷ interval; batches of 100 at the minimum interval (0.5 s).
  for (const [queue, instances] of [
    ['work1', [boss]],
    ['work2', [boss, second]],
  ] as const) {
    await seed(queue);
    let done = 0;
    t = now();
    for (const b of instances)
      await b.work(queue, { batchSize: 100, pollingIntervalSeconds: 0.5 }, (jobs) => {
        done += jobs.length;
        return Promise.resolve();
      });
    await untilTrue(async () => done >= JOBS && (await boss.getQueueSize(queue)) === 0, 120_000, 20);
    const rate = perSecond(JOBS, now() - t);
    for (const b of instances) await b.offWork(queue);
    if (queue === 'work1') figures.tpWork1 = rate;
    else figures.tpWork2 = rate;
  }

  // 4. Latency at idle: committed send → handler start, work() at the minimum polling interval.
  const started = new Map<string, number>();
  await second.work('latency', { batchSize: 1, pollingIntervalSeconds: 0.5 }, (jobs) => {
    for (const j of jobs) started.set((j.data as { k: string }).k, now());
    return Promise.resolve();
  });
  await sleep(600);
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(randomBetween(0, 500));
    const k = `l${i}`;
    await boss.send('latency', { k });
    const sent = now();
    if (await untilTrue(() => started.has(k), 10_000, 1)) latencies.push(started.get(k)! - sent);
  }
  figures.latency = summary(latencies);
  figures.latencyNote = 'pollingIntervalSeconds 0.5 (its minimum), the sender is another instance';

  // 5. Once across instances: two instances send the same throttled job (2 s window, one key) every
  // 100 ms for 6 s, and both work the queue.
  const runs: string[] = [];
  for (const b of [boss, second]) await b.work('tick', { batchSize: 1, pollingIntervalSeconds: 0.5 }, (jobs) => Promise.resolve(void runs.push(...jobs.map((j) => j.id))));
  let created = 0;
  const attempts = { n: 0 };
  const sender = async (b: PgBoss) => {
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      attempts.n++;
      if (await b.sendThrottled('tick', {}, null, 2, 'sweep')) created++;
      await sleep(100);
    }
  };
  await Promise.all([sender(boss), sender(second)]);
  await untilTrue(() => runs.length >= created, 5000, 20);
  await sleep(1000);
  const perWindow = rowsOf<{ n: number }>(await main.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'tick' group by singleton_on`));
  figures.once = `${attempts.n} sends → ${created} jobs in ${perWindow.length} windows (most in one window: ${Math.max(0, ...perWindow.map((r) => Number(r.n)))}), ${runs.length} runs (${new Set(runs).size} distinct)`;

  for (const b of bosses) await b.stop({ graceful: false, close: false, wait: true });
  await sleep(1200); // offWork's watchers poll once a second before they let go
  return figures;
}

// ---------------------------------------------------------------------------------------------------
// Ours: the jobs table and src/jobs/worker.ts

async function measureOurs(target: Target): Promise<Figures> {
  const figures: Figures = { errors: [], starts: 'yes (the app migrations)' };
  const { main } = target;
  const job = (kind: string, i: number | string): NewJob => ({ kind, dedupeKey: `${kind}:${i}`, payload: { i } });

  // 2. 1,000 jobs in one application transaction.
  let round = 0;
  figures.enqueueTxMs = await medianOf3((count) => {
    const r = round++;
    return main.db.transaction(async (tx) => {
      await enqueueJobs(tx, Array.from({ length: count }, (_, i) => job('bench_enqueue', `${r}:${i}`)));
    });
  });
  const oneByOneMs = await medianOf3((count) => {
    const r = round++;
    return main.db.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await enqueueJobs(tx, [job('bench_enqueue_one', `${r}:${i}`)]);
    });
  });
  const queued = await countKind(main.db, 'bench_enqueue');
  figures.enqueueTxNote = `enqueueJobs of ${JOBS} (2 statements); ${JOBS} calls of one job: ${oneByOneMs.toFixed(0)} ms; ${queued + (await countKind(main.db, 'bench_enqueue_one'))} queued`;
  await main.db
    .transaction(async (tx) => {
      await enqueueJobs(tx, [job('bench_rollback', 1)]);
      throw new Error('roll back');
    })
    .catch(() => undefined);
  figures.rollbackLeaves = await countKind(main.db, 'bench_rollback');

  // 3. Throughput: the real worker (4 at once, a free slot claims the next job at once), 1 and 2 instances.
  const workers: JobWorker[] = [];
  const runWorkers = async (kind: string, dbs: Database[]) => {
    await enqueueJobs(main.db, Array.from({ length: JOBS }, (_, i) => job(kind, i)));
    let done = 0;
    const handlers = {
      [kind]: () => {
        done++;
        return Promise.resolve({ result: null });
      },
    };
    const start = now();
    const ws = dbs.map((d) => startJobWorker({ db: d.db, logger, handlers, pollIntervalMs: 1000 }));
    await untilTrue(() => done >= JOBS, 120_000, 2);
    await Promise.all(ws.map((w) => w.stop()));
    return perSecond(JOBS, now() - start);
  };
  const second = await target.other();
  // The primitives as fast as they go, like pg-boss's fetch → complete loop: claim 4, finish each.
  const drain = async (d: Database, kind: string): Promise<number> => {
    let n = 0;
    for (;;) {
      const claimed = await claimDueJobs(d.db, { leaseMs: { [kind]: 120_000 }, now: new Date(), batchSize: 4 });
      if (claimed.length === 0) return n;
      await Promise.all(claimed.map((j) => finishJob(d.db, j, null, new Date())));
      n += claimed.length;
    }
  };
  await enqueueJobs(main.db, Array.from({ length: JOBS }, (_, i) => job('bench_drain1', i)));
  let t = now();
  await drain(main, 'bench_drain1');
  figures.tp1 = perSecond(JOBS, now() - t);
  await enqueueJobs(main.db, Array.from({ length: JOBS }, (_, i) => job('bench_drain2', i)));
  t = now();
  const counts = await Promise.all([drain(main, 'bench_drain2'), drain(second, 'bench_drain2')]);
  figures.tp2 = perSecond(JOBS, now() - t);
  figures.tpNote = `2 workers took ${counts.join(' + ')}`;
  figures.tpWork1 = await runWorkers('bench_tp1', [main]);
  figures.tpWork2 = await runWorkers('bench_tp2', [main, second]);
  const leftover = await main.db.execute(sql`select count(*)::int as n from jobs where (kind like 'bench_tp%' or kind like 'bench_drain%') and state <> 'done'`);
  figures.tpWorkNote = `not done after: ${rowsOf<{ n: number }>(leftover)[0]?.n}`;

  // 4. Latency at idle: committed enqueue → handler start, the worker at its 1 s poll, in another instance.
  const started = new Map<string, number>();
  workers.push(
    startJobWorker({
      db: second.db,
      logger,
      pollIntervalMs: 1000,
      handlers: {
        bench_latency: (j) => {
          started.set(String((j.payload as { i: number }).i), now());
          return Promise.resolve({ result: null });
        },
      },
    }),
  );
  await sleep(1100);
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(randomBetween(0, 1000));
    await enqueueJobs(main.db, [job('bench_latency', i)]);
    const sent = now();
    if (await untilTrue(() => started.has(String(i)), 10_000, 1)) latencies.push(started.get(String(i))! - sent);
  }
  figures.latency = summary(latencies);
  figures.latencyNote = 'pollIntervalMs 1000 (the default), the sender is another instance';

  // 5. Once across instances: two instances enqueue the same job (dedupe key per 2 s window) every
  // 100 ms for 6 s, and two workers run the kind.
  const runs: string[] = [];
  for (const d of [main, second])
    workers.push(
      startJobWorker({
        db: d.db,
        logger,
        pollIntervalMs: 1000,
        handlers: {
          bench_tick: (j) => {
            runs.push(j.dedupeKey);
            return Promise.resolve({ result: null });
          },
        },
      }),
    );
  let created = 0;
  let attempts = 0;
  const sender = async (d: Database) => {
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      attempts++;
      const added = await enqueueJobs(d.db, [{ kind: 'bench_tick', dedupeKey: `tick:${Math.floor(Date.now() / 2000)}`, payload: {} }]);
      created += added;
      await sleep(100);
    }
  };
  await Promise.all([sender(main), sender(second)]);
  await untilTrue(() => runs.length >= created, 5000, 20);
  await sleep(1000);
  const rows = await countKind(main.db, 'bench_tick');
  figures.once = `${attempts} enqueues → ${created} jobs (${rows} rows, one per window by the unique dedupe key), ${runs.length} runs (${new Set(runs).size} distinct keys)`;
  await Promise.all(workers.map((w) => w.stop()));
  return figures;
}

async function countKind(db: Db, kind: string): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from jobs where kind = ${kind}`))[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// 6. Footprint, each in a process of its own: RSS before and after the candidate starts (after the
// app's database is open and migrated, as in the bot), start time (schema creation on first start),
// a second start, and the schema objects it made.

interface Footprint {
  startMs: number;
  restartMs: number;
  rssMb: number;
  objects: string;
}

const ourObjects = sql`select
  (select count(*)::int from pg_class where relname = 'jobs' and relkind in ('r', 'p')) as tables,
  (select count(*)::int from pg_indexes where tablename = 'jobs') as indexes,
  0 as functions,
  (select count(*)::int from pg_type where typname = 'job_state') as types`;
const bossObjects = sql`select
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'pgboss' and c.relkind in ('r', 'p')) as tables,
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'pgboss' and c.relkind in ('i', 'I')) as indexes,
  (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'pgboss') as functions,
  (select count(*)::int from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'pgboss' and t.typtype = 'e') as types`;

async function footprintChild(candidate: string, driver: DatabaseDriver, where: string): Promise<void> {
  const database = driver === 'postgres' ? await openDatabase({ driver: 'postgres', url: where }) : await openDatabase({ driver: 'pglite', dataDir: where });
  await database.migrate();
  await database.ping();
  await sleep(500);
  const rssBefore = process.memoryUsage().rss;
  let t = now();
  let restartMs = 0;
  if (candidate === 'pgboss') {
    const PgBossCtor = (await loadPgBoss())!;
    const boss = new PgBossCtor({ db: { executeSql: executorFor(driver, database.db) } });
    boss.on('error', () => undefined);
    await boss.start();
    await boss.createQueue('one');
    const startMs = now() - t;
    await sleep(500);
    const rss = process.memoryUsage().rss;
    await boss.stop({ graceful: false, close: false });
    const again = new PgBossCtor({ db: { executeSql: executorFor(driver, database.db) } });
    again.on('error', () => undefined);
    t = now();
    await again.start();
    restartMs = now() - t;
    await again.stop({ graceful: false, close: false });
    await sleep(1200);
    report(startMs, rss, bossObjects);
  } else {
    const { startJobWorker: start } = await import('../src/jobs/worker.js');
    const worker = start({ db: database.db, logger, handlers: { one: () => Promise.resolve({ result: null }) } });
    await worker.runOnce();
    const startMs = now() - t;
    await sleep(500);
    const rss = process.memoryUsage().rss;
    await worker.stop();
    report(startMs, rss, ourObjects);
  }
  function report(startMs: number, rss: number, objects: ReturnType<typeof sql>) {
    void database.db.execute(objects).then(async (result) => {
      const o = rowsOf<Record<string, number>>(result)[0]!;
      const figure: Footprint = { startMs, restartMs, rssMb: (rss - rssBefore) / 2 ** 20, objects: `${o.tables} tables, ${o.indexes} indexes, ${o.functions} functions, ${o.types} enum` };
      process.stdout.write(`${JSON.stringify(figure)}\n`);
      await database.close();
      // Whatever timers a stopped candidate left behind must not hold the child open.
      process.exit(0);
    });
  }
}

const execFileAsync = promisify(execFile);

async function footprint(candidate: 'pgboss' | 'ours', driver: DatabaseDriver): Promise<Footprint> {
  let bench: BenchDatabase | undefined;
  let dir: string | undefined;
  try {
    if (driver === 'postgres') bench = await createBenchDatabase(ADMIN_URL, '_queue_fp');
    else dir = await mkdtemp(join(tmpdir(), 'queue-bench-fp-'));
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', THIS_FILE, '--footprint', candidate, driver, bench?.url ?? join(dir!, 'db')], { cwd: REPO, timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Footprint;
  } finally {
    await bench?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** The packages pg-boss brings, walked through the installed package.json files. */
function pgBossDependencies(): { count: number; names: string[]; alreadyInLockfile: number } {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const seen = new Map<string, string>();
  const walk = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const resolve = createRequire(join(dir, 'package.json'));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      let found: string;
      try {
        found = dirname(resolve.resolve(`${name}/package.json`));
      } catch {
        continue; // an optional peer that is not installed (pg-native, pg-cloudflare on Node)
      }
      if (seen.has(found)) continue;
      seen.set(found, `${name}@${(JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')) as { version: string }).version}`);
      walk(found);
    }
  };
  walk(join(REPO, 'node_modules', 'pg-boss'));
  const names = [...seen.values()].sort();
  const alreadyInLockfile = [...seen.keys()].filter((p) => `node_modules/${p.split('/node_modules/').at(-1)}` in lock.packages).length;
  return { count: names.length, names, alreadyInLockfile };
}

// ---------------------------------------------------------------------------------------------------

function table(results: Record<string, Figures>): string {
  const columns = ['pgboss/postgres', 'ours/postgres', 'pgboss/pglite', 'ours/pglite'];
  const heads = ['pg-boss · Postgres', 'ours · Postgres', 'pg-boss · PGlite', 'ours · PGlite'];
  const f = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
  const rows: [string, (x: Figures) => string][] = [
    ['1. starts', (x) => x.starts ?? '–'],
    [`2. ${JOBS} jobs in one app transaction (ms)`, (x) => `${f(x.enqueueTxMs)} (${x.enqueueTxNote ?? ''})`],
    ['2. rolled-back transaction leaves (jobs)', (x) => f(x.rollbackLeaves)],
    [`3. ${JOBS} jobs, primitives loop fetch/claim 4 → complete, 1 worker (jobs/s)`, (x) => f(x.tp1)],
    [`3. same, 2 workers (jobs/s)`, (x) => `${f(x.tp2)} (${x.tpNote ?? ''})`],
    ['3. the library\'s worker, 1 / 2 instances (jobs/s): pg-boss work() batchSize 100 at poll 0.5 s; ours startJobWorker, concurrency 4', (x) => (x.tpWork1 === undefined ? '–' : `${f(x.tpWork1)} / ${f(x.tpWork2)}${x.tpWorkNote ? ` (${x.tpWorkNote})` : ''}`)],
    [`4. idle latency enqueue → handler, p50 / p99 / max (ms, n)`, (x) => (x.latency ? `${f(x.latency.p50)} / ${f(x.latency.p99)} / ${f(x.latency.max)} (n=${x.latency.n}; ${x.latencyNote})` : '–')],
    ['5. once across 2 instances (2 s window, one key)', (x) => x.once ?? '–'],
    ['6. start time, first / second start (ms)', (x) => (x.startMs === undefined ? '–' : `${f(x.startMs)} / ${x.restartMs ? f(x.restartMs) : '–'}`)],
    ['6. extra RSS after start (MiB)', (x) => f(x.rssMb, 1)],
    ['6. schema objects', (x) => x.objects ?? '–'],
    ['errors emitted', (x) => (x.errors.length ? `${x.errors.length}: ${[...new Set(x.errors)].slice(0, 2).join('; ')}` : '0')],
  ];
  const lines = [`| Measure | ${heads.join(' | ')} |`, `|---|${heads.map(() => '---').join('|')}|`];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${columns.map((c) => (results[c] ? cell(results[c]) : '–').replace(/\|/g, '\\|')).join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const PgBossCtor = await loadPgBoss();
  if (!PgBossCtor) {
    console.log('pg-boss is not installed: run `npm install --no-save pg-boss@10` first (it is not a dependency of the project).');
    // Exit at once: without this the process stayed up after the line (seen with tsx 4.23 after a failed dynamic import).
    process.exit(0);
  }
  const loadBefore = loadavg()[0]!.toFixed(2);
  const results: Record<string, Figures> = {};
  for (const driver of ['postgres', 'pglite'] as const) {
    for (const candidate of ['pgboss', 'ours'] as const) {
      log(`${candidate} on ${driver}`);
      const target = await openTarget(driver);
      try {
        results[`${candidate}/${driver}`] = candidate === 'pgboss' ? await measurePgBoss(PgBossCtor, target) : await measureOurs(target);
      } finally {
        await target.close();
      }
      log(`${candidate} on ${driver}: footprint`);
      Object.assign(results[`${candidate}/${driver}`]!, await footprint(candidate, driver));
    }
  }
  const deps = pgBossDependencies();
  console.log(`\n## Queue candidates (issue 11) — ${machine()}\n`);
  console.log(`load average ${loadBefore} at the start, ${loadavg()[0]!.toFixed(2)} at the end; ${JOBS} jobs, ${SAMPLES} latency samples\n`);
  console.log(table(results));
  console.log(`\npg-boss brings ${deps.count} packages (${deps.alreadyInLockfile} already in the lockfile): ${deps.names.join(', ')}`);
}

if (process.argv[2] === '--footprint') {
  await footprintChild(process.argv[3]!, process.argv[4] as DatabaseDriver, process.argv[5]!);
} else {
  await main();
}
