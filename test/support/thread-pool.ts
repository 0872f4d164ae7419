import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Occupies every thread of libuv's pool in this process (where scrypt runs) until `release()`: each
 * thread blocks opening a FIFO that nobody writes to yet. A password hash started meanwhile cannot
 * finish, so a test can prove what the bot does before its hashes complete, in order, without timing.
 * Linux and macOS (mkfifo). Everything here is synchronous or pool-free, or it would wait for itself.
 */
export function blockThreadPool(): { release(): Promise<void> } {
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const dir = mkdtempSync(join(tmpdir(), 'thread-pool-'));
  const fifos = Array.from({ length: size }, (_, i) => join(dir, `fifo-${i}`));
  execFileSync('mkfifo', fifos);
  // Queued first, these take every thread; work queued later waits behind them.
  const reads = fifos.map((fifo) => readFile(fifo));
  return {
    async release() {
      const pending = new Set(fifos);
      // A writer opened without blocking needs its reader there already (ENXIO otherwise): retry.
      while (pending.size > 0) {
        for (const fifo of [...pending]) {
          try {
            closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
            pending.delete(fifo);
          } catch {
            // its reader has not reached open() yet
          }
        }
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(reads);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
