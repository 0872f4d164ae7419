import type { RunningBot } from './bot.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { databaseTarget } from './embedded-database.js';
import { createLogger, logFormatFor, type Logger } from './logger.js';

/** Composition root: read config, start, and stop cleanly on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, logFormatFor(process.stdout.isTTY));
  // The database starts opening before the Slack side loads: PGlite compiles its WASM on other threads
  // while this one loads Bolt and the listeners, so a start costs the longer of the two, not their sum.
  const database = openDatabase(databaseTarget(config));
  database.catch(() => undefined); // awaited by startBot, which reports a failure
  const { startBot } = await import('./bot.js');
  const bot = await startBot(config, logger, database);

  const stop = stopOnSignals(bot, logger, STOP_DEADLINE_MS);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * How long stopping may take. Work in flight gets this long to finish; a Web API call retrying against
 * a network that is gone would otherwise keep the process up for half an hour. 10 s is what `docker
 * stop` waits before SIGKILL, and inside Kubernetes' default grace period (30 s).
 */
const STOP_DEADLINE_MS = 10_000;

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * The first signal stops cleanly: exit 0 once everything has stopped, 1 if stopping failed or did not
 * finish within the deadline (then the log names what was still pending). A second signal exits at
 * once (128 + the signal's number, as a shell reports it): the operator has already waited.
 */
function stopOnSignals(bot: RunningBot, logger: Logger, deadlineMs: number): (signal: string) => void {
  let stopping = false;
  return (signal: string) => {
    if (stopping) {
      logger.warn({ signal, pending: bot.stillStopping() }, 'second signal while stopping: exiting now');
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
    }
    stopping = true;
    const startedAt = Date.now();
    logger.info({ signal, deadlineMs }, 'stopping');
    const deadline = setTimeout(() => {
      logger.error({ pending: bot.stillStopping(), waitedMs: Date.now() - startedAt }, `stopping did not finish within ${deadlineMs / 1000} s: exiting with work still pending`);
      process.exit(1);
    }, deadlineMs);
    bot.stop().then(
      () => {
        clearTimeout(deadline);
        logger.info({ tookMs: Date.now() - startedAt }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        logger.error({ err, pending: bot.stillStopping() }, 'error while stopping');
        process.exit(1);
      },
    );
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
