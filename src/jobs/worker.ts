import type { Db } from '../db/client.js';
import { claimDueJobs, failJob, finishJob, type JobRow } from '../db/repositories/jobs.js';
import { errorMessage, type Logger } from '../logger.js';

/**
 * The one background worker: every kind of durable work — notifications (`notify.*`), an import's rows
 * and results file, the recurring sweep — is a row of `jobs`, and this worker runs them all. Any number
 * of them (one per bot instance) run against one database: all the coordination is in the table
 * (db/repositories/jobs.ts), none in memory.
 *
 * Each kind has its policy (`JobKind`): attempts, backoff, lease, which errors are permanent, the wait a
 * server asked for, a secret to erase when the row settles, a hook once it settled. Kinds run in LANES,
 * each with slots of its own and ONE claim statement (lease + FOR UPDATE SKIP LOCKED) over its kinds: a
 * 200-row import fills its own lane and a welcome email still goes out at once in the notification lane.
 *
 * A handler whose work writes finishes its job inside its own transaction (`lockClaimedJob` then
 * `finishJob`, see services/import-execution.ts), so the work and the done mark commit together and a
 * crash leaves either both or neither: the lease runs out and another worker takes the job again,
 * finding nothing done. A handler that throws is retried after its kind's backoff (or the server's
 * retry-after, whichever is longer), and dead after its last attempt or at once on a permanent error.
 * While polling, a free slot takes the next job of its lane at once (no waiting for the slowest of a
 * round), so slow steps — a password hash in libuv's thread pool, an SMTP round trip — overlap.
 *
 * Time comes from `now()` (the app's clock, injectable in tests), not from the database's now():
 * instances' clocks are expected to agree within seconds, which the leases' lengths make harmless.
 */

/**
 * What a handler reports: it settled the job itself (finished it in its own transaction, or rescheduled
 * a recurring one), or the worker marks it done with `result`.
 */
export type JobOutcome = { finished: true } | { finished?: false; result: Record<string, unknown> | null };
export type JobHandler = (job: JobRow) => Promise<JobOutcome>;

/** One kind of job and how it is run. */
export interface JobKind {
  run: JobHandler;
  /** Which lane's slots run it. Default `default`. */
  lane?: string;
  /** Attempts before the job goes dead. Default the worker's maxAttempts; Infinity: never (a recurring job). */
  maxAttempts?: number;
  /** Delay in ms before the next attempt, given how many attempts were made (1, 2, …). */
  backoff?: (attempts: number) => number;
  /** How long a claim holds: far longer than the work may take. */
  leaseMs?: number;
  /** A failure that will not go better by retrying: dead at once. */
  permanent?: (err: unknown) => boolean;
  /** The least wait a server asked for (a Retry-After), which a shorter backoff does not undercut. */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** Record the done mark even when the lease was lost meanwhile: the work did happen (a delivery). */
  recordLateDone?: boolean;
  /** A payload key erased when the row settles (done or dead), leaving SECRET_ERASED_KEY. */
  secretKey?: string;
  /** Called once the worker settled the row (done or dead), with the row as stored. Errors are logged. */
  onSettled?: (job: JobRow) => Promise<void>;
  /** A failure as stored in last_error and logged. Default errorMessage (which adds an error's causes). */
  errorText?: (err: unknown) => string;
  /** Log fields naming the job beyond id and kind (e.g. a notification's topic). */
  logFields?: (job: JobRow) => Record<string, unknown>;
}

export interface JobWorkerOptions {
  db: Db;
  logger: Logger;
  /** Kinds with a policy of their own. */
  kinds?: Readonly<Record<string, JobKind>>;
  /** Plain handlers: the `default` lane, with the worker's maxAttempts, backoff and leaseMs. */
  handlers?: Readonly<Record<string, JobHandler>>;
  /** Slots per lane. A lane not named has `concurrency` slots. */
  lanes?: Readonly<Record<string, number>>;
  now?: () => Date;
  /** Slots of a lane `lanes` does not size (the `default` lane). Default 4. */
  concurrency?: number;
  /** Poll interval when idle (ms). Default 1000. 0 = nothing in the background (call runOnce). */
  pollIntervalMs?: number;
  /** How long a claim holds, for a kind without its own. Default 2 minutes: far longer than a row's work. */
  leaseMs?: number;
  maxAttempts?: number;
  backoff?: (attempts: number) => number;
}

export interface JobWorker {
  /**
   * Claims what is due (up to the free slots) in these lanes (default all) and runs it; resolves once
   * those jobs, and the lanes' jobs already in flight, are settled, with how many it claimed.
   */
  runOnce(options?: { lanes?: readonly string[] }): Promise<number>;
  /** Polls again now instead of at the next interval (e.g. right after work was queued in this instance). */
  wake(): void;
  /** The lanes with work in flight (while stopping: what is still pending). */
  busyLanes(): string[];
  stop(): Promise<void>;
}

export const DEFAULT_LANE = 'default';
export const DEFAULT_JOB_MAX_ATTEMPTS = 5;
const MAX_ERROR_LENGTH = 500;

/**
 * Exponential backoff with "equal jitter": `baseMs` after the first attempt, doubling up to `capMs`,
 * each delay drawn uniformly from [half, full] so that jobs failed together (an outage) do not retry
 * together. Every kind's default backoff is this with its own base and cap.
 */
export function equalJitterBackoff(attempts: number, limits: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const full = Math.min(limits.capMs, limits.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** An import row's: 5 s, 10 s, … up to 10 minutes. */
export function defaultJobBackoff(attempts: number, random: () => number = Math.random): number {
  return equalJitterBackoff(attempts, { baseMs: 5_000, capMs: 10 * 60_000 }, random);
}

type Policy = Required<Pick<JobKind, 'run' | 'lane' | 'maxAttempts' | 'backoff' | 'leaseMs'>> & Omit<JobKind, 'run' | 'lane' | 'maxAttempts' | 'backoff' | 'leaseMs'>;

interface Lane {
  readonly name: string;
  readonly slots: number;
  /** Kind → lease, for the lane's claim statement. */
  readonly leaseMs: Record<string, number>;
  readonly running: Set<Promise<void>>;
  claiming: Promise<number> | undefined;
  /** A slot came free while a claim was in flight (that claim only filled the slots free at its start). */
  freedDuringClaim: boolean;
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const { db } = options;
  const logger = options.logger.child({ component: 'jobs' });
  const clock = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const defaults = {
    lane: DEFAULT_LANE,
    leaseMs: options.leaseMs ?? 2 * 60_000,
    maxAttempts: options.maxAttempts ?? DEFAULT_JOB_MAX_ATTEMPTS,
    backoff: options.backoff ?? ((a: number) => defaultJobBackoff(a)),
  };
  const policies = new Map<string, Policy>();
  for (const [kind, run] of Object.entries(options.handlers ?? {})) policies.set(kind, { ...defaults, run });
  for (const [kind, policy] of Object.entries(options.kinds ?? {})) policies.set(kind, { ...defaults, ...policy });

  const lanes = new Map<string, Lane>();
  for (const [kind, policy] of policies) {
    let lane = lanes.get(policy.lane);
    if (!lane) {
      lane = { name: policy.lane, slots: options.lanes?.[policy.lane] ?? concurrency, leaseMs: {}, running: new Set(), claiming: undefined, freedDuringClaim: false };
      lanes.set(policy.lane, lane);
    }
    lane.leaseMs[kind] = policy.leaseMs;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function settled(policy: Policy, row: JobRow | undefined, about: Record<string, unknown>): Promise<void> {
    if (!row || !policy.onSettled) return;
    await policy.onSettled(row).catch((err: unknown) => logger.warn({ ...about, err: errorMessage(err) }, 'onSettled failed'));
  }

  async function run(job: JobRow): Promise<void> {
    const policy = policies.get(job.kind)!;
    const about = { jobId: job.id, kind: job.kind, requestId: job.requestId, attempt: job.attempts, ...policy.logFields?.(job) };
    try {
      if (job.attempts > policy.maxAttempts) throw new GaveUp();
      const outcome = await policy.run(job);
      if (outcome.finished) return;
      const row = await finishJob(db, job, outcome.result, clock(), { fenced: !policy.recordLateDone, secretKey: policy.secretKey });
      if (row) await settled(policy, row, about);
      else logger.warn(about, 'job outcome not recorded: another worker took it over');
    } catch (err) {
      const lastError = (err instanceof GaveUp ? err.message : (policy.errorText ?? errorMessage)(err)).slice(0, MAX_ERROR_LENGTH);
      const permanent = !(err instanceof GaveUp) && (policy.permanent?.(err) ?? false);
      const dead = err instanceof GaveUp || permanent || job.attempts >= policy.maxAttempts;
      try {
        const delay = Math.max(policy.backoff(job.attempts), policy.retryAfterMs?.(err) ?? 0);
        const runAfter = new Date(clock().getTime() + delay);
        const row = await failJob(db, job, { ...(dead ? {} : { runAfter }), lastError, at: clock(), secretKey: policy.secretKey });
        if (dead) logger.error({ ...about, error: lastError, recorded: row !== undefined }, permanent ? 'job dead: permanent error' : 'job dead: no attempts left');
        else logger.warn({ ...about, error: lastError, retryAt: runAfter.toISOString(), recorded: row !== undefined }, 'job failed, will retry');
        if (dead) await settled(policy, row, about);
      } catch (recordErr) {
        // The database failed while recording: the lease runs out and the job is taken again.
        logger.error({ ...about, err: errorMessage(recordErr) }, 'could not record a job failure');
      }
    }
  }

  async function claimFreeSlots(lane: Lane): Promise<number> {
    const free = lane.slots - lane.running.size;
    if (stopped || free <= 0) return 0;
    const claimed = await claimDueJobs(db, { leaseMs: lane.leaseMs, now: clock(), batchSize: free });
    for (const job of claimed) {
      const p: Promise<void> = run(job).finally(() => {
        lane.running.delete(p);
        // A slot is free: take the lane's next due job now rather than at the next poll. During a claim,
        // the claim asks again once it is done (it only fills the slots that were free when it began).
        if (stopped || pollIntervalMs <= 0) return;
        if (lane.claiming) lane.freedDuringClaim = true;
        else void claimRound(lane).catch(() => undefined);
      });
      lane.running.add(p);
    }
    return claimed.length;
  }

  /** One claim at a time per lane: a caller during a claim shares it. */
  function claimRound(lane: Lane): Promise<number> {
    if (lane.claiming) return lane.claiming;
    // Cleared in a reaction, which always runs after this assignment: an async body that returned at once
    // (no free slot) would otherwise clear `claiming` before it was set, and leave it set for good.
    lane.freedDuringClaim = false;
    const round = claimFreeSlots(lane).finally(() => {
      lane.claiming = undefined;
      if (lane.freedDuringClaim && !stopped) void claimRound(lane).catch(() => undefined);
    });
    lane.claiming = round;
    return round;
  }

  async function runOnce(runOptions: { lanes?: readonly string[] } = {}): Promise<number> {
    const chosen = runOptions.lanes ? [...lanes.values()].filter((l) => runOptions.lanes!.includes(l.name)) : [...lanes.values()];
    const claimed = await Promise.all(chosen.map(claimRound));
    await Promise.allSettled(chosen.flatMap((l) => [...l.running]));
    return claimed.reduce((a, b) => a + b, 0);
  }

  function schedule(ms: number): void {
    if (stopped || pollIntervalMs <= 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void poll(), ms);
    timer.unref();
  }

  async function poll(): Promise<void> {
    timer = undefined;
    await Promise.all(
      [...lanes.values()].map((lane) =>
        claimRound(lane).catch((err: unknown) => {
          logger.error({ lane: lane.name, err: errorMessage(err) }, 'job round failed');
        }),
      ),
    );
    schedule(pollIntervalMs);
  }

  schedule(0);

  return {
    runOnce,
    wake: () => schedule(0),
    busyLanes: () => [...lanes.values()].filter((l) => l.running.size > 0 || l.claiming !== undefined).map((l) => l.name),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const all = [...lanes.values()];
      await Promise.allSettled(all.flatMap((l) => (l.claiming ? [l.claiming] : [])));
      await Promise.allSettled(all.flatMap((l) => [...l.running]));
    },
  };
}

class GaveUp extends Error {
  constructor() {
    super('gave up: the worker running the last attempt stopped before recording it');
  }
}
