import type { Db } from '../db/client.js';
import { claimDueJobs, failJob, finishJob, type JobRow } from '../db/repositories/jobs.js';
import { errorMessage, type Logger } from '../logger.js';

/**
 * The background job worker. Any number of them (one per bot instance) run against one database: all
 * the coordination is in the `jobs` table (db/repositories/jobs.ts), none in memory.
 *
 * A round claims up to `concurrency` due jobs in one statement (lease + FOR UPDATE SKIP LOCKED) and runs
 * their handlers in parallel. A handler whose work writes finishes its job inside its own transaction
 * (`lockClaimedJob` then `finishJob`, see services/import-execution.ts), so the work and the done mark
 * commit together and a crash leaves either both or neither: the lease runs out and another worker
 * takes the job again, finding nothing done. A handler that throws is retried after a backoff, and
 * dead after `maxAttempts`. While a round runs, a free slot takes the next job at once (no waiting for
 * the slowest of the round), so slow steps — a password hash in libuv's thread pool — overlap.
 */

/** What a handler reports: it finished the job itself (in its own transaction), or the worker marks it done with `result`. */
export type JobOutcome = { finished: true } | { finished?: false; result: Record<string, unknown> | null };
export type JobHandler = (job: JobRow) => Promise<JobOutcome>;

export interface JobWorkerOptions {
  db: Db;
  logger: Logger;
  handlers: Readonly<Record<string, JobHandler>>;
  now?: () => Date;
  /** Jobs running at once in this instance. Default 4. */
  concurrency?: number;
  /** Poll interval when idle (ms). Default 1000. 0 = no background polling (call runOnce / drain). */
  pollIntervalMs?: number;
  /** How long a claim holds. Default 2 minutes: far longer than a row's work. */
  leaseMs?: number;
  maxAttempts?: number;
  backoff?: (attempts: number) => number;
}

export interface JobWorker {
  /** Claims what is due (up to the free slots) and runs it; resolves when those jobs are settled, with how many it claimed. */
  runOnce(): Promise<number>;
  /** Polls again now instead of at the next interval (e.g. right after work was queued in this instance). */
  wake(): void;
  stop(): Promise<void>;
}

export const DEFAULT_JOB_MAX_ATTEMPTS = 5;

export function defaultJobBackoff(attempts: number, random: () => number = Math.random): number {
  const full = Math.min(10 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const { db, handlers } = options;
  const logger = options.logger.child({ component: 'jobs' });
  const clock = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 2 * 60_000;
  const maxAttempts = options.maxAttempts ?? DEFAULT_JOB_MAX_ATTEMPTS;
  const backoff = options.backoff ?? ((a: number) => defaultJobBackoff(a));
  const kinds = Object.keys(handlers);

  const running = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<number> | undefined;

  async function run(job: JobRow): Promise<void> {
    const about = { jobId: job.id, kind: job.kind, requestId: job.requestId, attempt: job.attempts };
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      if (job.attempts > maxAttempts) throw new GaveUp();
      const outcome = await handler(job);
      if (!outcome.finished && !(await finishJob(db, job, outcome.result, clock()))) logger.warn(about, 'job outcome not recorded: another worker took it over');
    } catch (err) {
      const lastError = errorMessage(err).slice(0, 500);
      const dead = err instanceof GaveUp || job.attempts >= maxAttempts;
      try {
        const kept = await failJob(db, job, { ...(dead ? {} : { runAfter: new Date(clock().getTime() + backoff(job.attempts)) }), lastError, at: clock() });
        if (dead) logger.error({ ...about, error: lastError }, 'job dead: no attempts left');
        else logger.warn({ ...about, error: lastError, recorded: kept }, 'job failed, will retry');
      } catch (recordErr) {
        // The lease runs out and the job is taken again.
        logger.error({ ...about, err: errorMessage(recordErr) }, 'could not record a job failure');
      }
    }
  }

  async function claimFreeSlots(): Promise<number> {
    const free = concurrency - running.size;
    if (stopped || free <= 0) return 0;
    const claimed = await claimDueJobs(db, { kinds, now: clock(), batchSize: free, leaseMs });
    for (const job of claimed) {
      const p: Promise<void> = run(job).finally(() => {
        running.delete(p);
        // A slot is free: take the next due job now rather than at the next poll.
        if (!stopped) void claimRound().catch(() => undefined);
      });
      running.add(p);
    }
    return claimed.length;
  }

  /** One claim at a time per worker: a caller during a claim shares it. */
  function claimRound(): Promise<number> {
    if (claiming) return claiming;
    // Cleared in a reaction, which always runs after this assignment: an async body that returned at once
    // (no free slot) would otherwise clear `claiming` before it was set, and leave it set for good.
    const round = claimFreeSlots().finally(() => {
      claiming = undefined;
    });
    claiming = round;
    return round;
  }

  async function runOnce(): Promise<number> {
    const before = new Set(running);
    const claimed = await claimRound();
    await Promise.allSettled([...running].filter((p) => !before.has(p)));
    return claimed;
  }

  function schedule(ms: number): void {
    if (stopped || pollIntervalMs <= 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void poll(), ms);
    timer.unref();
  }

  async function poll(): Promise<void> {
    timer = undefined;
    try {
      await claimRound();
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'job round failed');
    }
    schedule(pollIntervalMs);
  }

  schedule(0);

  return {
    runOnce,
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await claiming?.catch(() => undefined);
      await Promise.allSettled([...running]);
    },
  };
}

class GaveUp extends Error {
  constructor() {
    super('gave up: the worker running the last attempt stopped before recording it');
  }
}
