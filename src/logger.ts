import { createRequire } from 'node:module';
import { pino, stdSerializers, type Logger as Pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { queryErrorFacts, type QueryErrorFacts } from './db/errors.js';

export type Logger = Pino;

export type LogFormat = 'json' | 'pretty';

/**
 * Readable lines for a person at a terminal; JSON lines everywhere else (a pipe, a file, a container's
 * log collector), where a program reads them.
 */
export function logFormatFor(isTTY: boolean | undefined): LogFormat {
  return isTTY ? 'pretty' : 'json';
}

/**
 * pino-pretty as a stream inside this process, not as a worker transport: every line has passed the
 * redaction and the serializers below before it is made readable, exactly as the JSON lines have.
 */
function prettyStream(destination: NodeJS.WritableStream | undefined): NodeJS.WritableStream {
  // Required here, not imported at the top: a bot whose stdout is not a terminal never loads it.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  const colorize = destination === undefined && pinoPretty.isColorSupported;
  return pinoPretty({ colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', ...(destination ? { destination } : {}) });
}

/**
 * Structured logs: JSON lines, or readable lines with format 'pretty'. Secrets are redacted by key
 * wherever they appear in a logged object, as a second line of defence: the code never logs them on
 * purpose; errors go through serializeError.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const stream = format === 'pretty' ? prettyStream(destination) : destination;
  return pino(
    {
      level,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'password',
          '*.password',
          'newPassword',
          '*.newPassword',
          'currentPassword',
          '*.currentPassword',
          'oneTimePassword',
          '*.oneTimePassword',
          'passwordHash',
          '*.passwordHash',
          'deviceSecret',
          '*.deviceSecret',
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'appToken',
          '*.appToken',
          'signingSecret',
          '*.signingSecret',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    stream as pino.DestinationStream | undefined,
  );
}

/** From drizzle's `Failed query: <sql>\nparams: <values>` to the end of that message (the stack frames stay). */
const QUERY_TEXT = /Failed query:[\s\S]*?(?=\n\s+at |$)/g;

function withoutQueryText(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(QUERY_TEXT, '[query not logged]') : value;
}

function describeQueryError(facts: QueryErrorFacts): string {
  const where = [facts.constraint && `constraint ${facts.constraint}`, facts.table && `table ${facts.table}`, facts.column && `column ${facts.column}`].filter(Boolean).join(', ');
  return `database error ${facts.code ?? '(no code)'}${facts.statement ? ` in ${facts.statement}` : ''}${where ? ` (${where})` : ''}`;
}

/**
 * The `err` of every log line. A database error (anywhere in the cause chain) is logged by its facts
 * (code, constraint, table, statement) and its stack frames, never by its message or fields: they
 * carry the statement's parameters. Any other error is pino's standard shape, with any query text
 * an outer message copied from a database error cut out.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const facts = queryErrorFacts(err);
  if (!facts) {
    const standard = stdSerializers.err(err) as unknown as Record<string, unknown>;
    standard.message = withoutQueryText(standard.message);
    standard.stack = withoutQueryText(standard.stack);
    return standard;
  }
  const type = err.constructor.name || err.name;
  const message = describeQueryError(facts);
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return { type, message, ...facts, stack: [`${type}: ${message}`, ...frames].join('\n') };
}

/** An error as one line of text that is safe to log or store: see serializeError. */
export function errorMessage(err: unknown): string {
  const serialized = serializeError(err);
  if (serialized && typeof serialized === 'object' && 'message' in serialized) return String(serialized.message);
  return String(err);
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
 * At debug, Slack's libraries log what they carry: the Web API client every request body and result
 * (a one-time password in the new user's DM, a typed value echoed in a view), the Socket Mode client
 * every envelope and ack (a typed Password in a view submission, the text of an HR post), Bolt every
 * ack body and the error behind a failed one. For the lines known to carry a payload, the words before
 * it stay and its size replaces it. Any other line is cut where a JSON object starts: a line added by
 * a later library version is cut by the same rule, not let through by luck.
 */
const PAYLOAD_LINES: readonly RegExp[] = [
  /^(http request body|http request result|http response body):\s*/i,
  /^(Received a message on the WebSocket):\s*/,
  /^(Sending a WebSocket message):\s*/,
  /^(Unable to parse an incoming WebSocket message \(will ignore\)):\s*/,
  /^(Calling ack\(\) - type: [\w.-]+, envelope_id: [\w.-]+, data):\s*/,
  /^(ack\(\) (?:call begins|response stored|response sent)) \(body:\s*/,
  /^(Error details):\s*/,
];

const notLogged = (line: string, from: number) => `[${line.length - from} characters not logged]`;

export function withoutPayloads(line: string): string {
  for (const pattern of PAYLOAD_LINES) {
    const match = pattern.exec(line);
    if (match) return `${match[1]}: ${notLogged(line, match[0].length)}`;
  }
  const json = line.search(/[{]/);
  return json === -1 ? line : `${line.slice(0, json)}${notLogged(line, json)}`;
}

/** Bolt and the Web API client log through their own interface; this routes them into the same pino stream. */
export function boltLogger(logger: Logger, component = 'bolt'): BoltLogger {
  const child = logger.child({ component });
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(withoutPayloads(line(msg))),
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[logger.level] ?? LogLevel.INFO,
    setName: () => undefined,
  };
}
