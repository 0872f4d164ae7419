/**
 * The slots in which sign-in attempts may run their scrypt hash, and the short queue in front of them.
 *
 * Every scrypt (≈ 0.45 s, 128 MiB) runs on libuv's thread pool: 4 threads unless UV_THREADPOOL_SIZE
 * says otherwise, shared with the approvals and typed-password submissions that hash too. Unbounded,
 * a flood of 20 wrong passwords fills every thread for seconds and every approval waits behind it.
 * Bounded to 2 at a time, two threads stay free for the bot's own work, and sign-in's memory stays
 * at 2 × 128 MiB. A few attempts may wait for a slot; one more is refused at once (the caller answers
 * 503 with Retry-After), since waiting longer helps nobody.
 *
 * One set per process, because the thread pool is one per process; instances sharing a database each
 * have their own, which is right: each has its own threads.
 */
export const SIGN_IN_HASH_CONCURRENCY = 2;
/** Attempts that may wait for a slot: at ≈ 0.45 s a hash, the last waits about two seconds. */
export const SIGN_IN_HASH_QUEUE = 8;
/** What the 503 says: by then the queue has drained. */
export const SIGN_IN_BUSY_RETRY_SECONDS = 2;

/** Every slot taken and the queue full: try again in `retryAfterSeconds`. */
export class SignInBusy extends Error {
  override readonly name = 'SignInBusy';
  readonly retryAfterSeconds = SIGN_IN_BUSY_RETRY_SECONDS;
  constructor() {
    super('every sign-in hash slot is taken and the queue is full');
  }
}

export interface HashSlots {
  /** Runs `work` in a slot, after waiting in the queue if need be; throws SignInBusy when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** For tests and logs: slots in use, attempts waiting. */
  readonly running: number;
  readonly waiting: number;
}

export function hashSlots(concurrency = SIGN_IN_HASH_CONCURRENCY, queueLength = SIGN_IN_HASH_QUEUE): HashSlots {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next(); // the slot passes straight on: `running` stays the same
    else running -= 1;
  };
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < concurrency) running += 1;
      else if (queue.length < queueLength) await new Promise<void>((resolve) => queue.push(resolve));
      else throw new SignInBusy();
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** This process's slots, used by every sign-in and password change. */
export const signInHashSlots = hashSlots();
