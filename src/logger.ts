import { pino, type Logger as Pino } from 'pino';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

export type Logger = Pino;

/**
 * Structured JSON logs. Secrets are redacted by key wherever they appear in a logged object, as a
 * second line of defence: the code never logs them on purpose.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'password',
          '*.password',
          'newPassword',
          '*.newPassword',
          'passwordHash',
          '*.passwordHash',
          'deviceSecret',
          '*.deviceSecret',
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'signingSecret',
          '*.signingSecret',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

const BOLT_LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/**
 * At debug the Web API client logs every request body and result: a one-time password in the new
 * user's DM, a typed value echoed in a view. Their size stays; their content does not reach the log.
 */
const BODY_LINE = /^(http request body|http request result|http response body):\s*/i;

function withoutBodies(line: string): string {
  const match = BODY_LINE.exec(line);
  return match ? `${match[1]}: [${line.length - match[0].length} characters not logged]` : line;
}

/** Bolt and the Web API client log through their own interface; this routes them into the same pino stream. */
export function boltLogger(logger: Logger, component = 'bolt'): BoltLogger {
  const child = logger.child({ component });
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(withoutBodies(line(msg))),
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[logger.level] ?? LogLevel.INFO,
    setName: () => undefined,
  };
}
