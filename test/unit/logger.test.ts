import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger, createLogger, errorMessage, logFormatFor, withoutPayloads, type LogFormat } from '../../src/logger.js';

const SECRET = 'Harbor-Lantern-Typed-77';

function captured(level = 'debug', format: LogFormat = 'json') {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createLogger(level, stream, format);
  return { logger, text: () => chunks.join('') };
}

/** The lines @slack/socket-mode 3, @slack/web-api 8 and Bolt 5 write at debug, each with a payload. */
const envelope = JSON.stringify({ envelope_id: 'e1', type: 'interactive', payload: { view: { state: { values: { password: { value: { value: SECRET } } } } } } });
const LIBRARY_LINES = [
  `Received a message on the WebSocket: ${envelope}`,
  `Unable to parse an incoming WebSocket message (will ignore): SyntaxError: bad, ${SECRET}`,
  `Calling ack() - type: interactive, envelope_id: 4b9c-11, data: {"response_action":"update","view":{"blocks":[{"text":"${SECRET}"}]}}`,
  `Sending a WebSocket message: {"envelope_id":"e1","payload":{"text":"${SECRET}"}}`,
  `ack() call begins (body: {"text":"${SECRET}"})`,
  `ack() response sent (body: {"text":"${SECRET}"})`,
  `Error details: Error: Failed query: insert into "extensions" params: ${SECRET}, storedResponse: undefined`,
  `http request body: {"text":"one-time password: ${SECRET}"}`,
  `http request result: {"ok":true,"message":{"text":"${SECRET}"}}`,
  // A line no rule names: cut where its JSON starts.
  `Some future debug line: {"password":"${SECRET}"}`,
];

describe('the Slack libraries’ log lines', () => {
  it.each(LIBRARY_LINES)('keep their words and drop their payload: %s', (line) => {
    const kept = withoutPayloads(line);
    expect(kept).not.toContain(SECRET);
    expect(kept).toMatch(/\[\d+ characters not logged\]$/);
    expect(kept.slice(0, 12)).toBe(line.slice(0, 12));
  });

  it('leave lines without a payload whole', () => {
    for (const line of ['Going to retrieve a new WSS URL ...', 'WebSocket open event received (connection established)!', 'isActive(): websocket ready state is OPEN']) expect(withoutPayloads(line)).toBe(line);
  });

  it('go through the Bolt adapter filtered, at debug, in the pino stream', () => {
    const { logger, text } = captured();
    const bolt = boltLogger(logger, 'socket-mode');
    for (const line of LIBRARY_LINES) bolt.debug(line);
    bolt.debug('Received a message on the WebSocket:', { payload: SECRET });
    expect(text()).not.toContain(SECRET);
    expect(text().split('\n').filter(Boolean)).toHaveLength(LIBRARY_LINES.length + 1);
    expect(text()).toContain('"component":"socket-mode"');
  });
});

describe('errors in the log', () => {
  /** drizzle's wrapper around a postgres.js error, as an approval's failed insert throws it. */
  function drizzleError(): Error {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "users_username"'), { name: 'PostgresError', code: '23505', constraint_name: 'users_username', table_name: 'users', schema_name: 'public', severity: 'ERROR', detail: `Key (username)=(${SECRET}) already exists.` });
    Object.defineProperty(driver, 'parameters', { value: [SECRET], enumerable: false });
    class DrizzleQueryError extends Error {
      constructor(
        readonly query: string,
        readonly params: unknown[],
        override readonly cause: unknown,
      ) {
        super(`Failed query: ${query}\nparams: ${params.join(',')}`);
      }
    }
    return new DrizzleQueryError('insert into "users" ("username", "password_hash") values ($1, $2)', ['jdoe', SECRET], driver);
  }

  it('a database error: code, constraint, table and statement, and its stack frames; never its parameters, detail or message', () => {
    const { logger, text } = captured('info');
    logger.error({ err: drizzleError() }, 'approval failed');
    const line = JSON.parse(text()) as { err: Record<string, unknown> };
    expect(text()).not.toContain(SECRET);
    expect(line.err).toMatchObject({ type: 'DrizzleQueryError', code: '23505', constraint: 'users_username', table: 'users', statement: 'insert into "users"', message: 'database error 23505 in insert into "users" (constraint users_username, table users)' });
    expect(String(line.err.stack)).toMatch(/^DrizzleQueryError: database error 23505[^\n]*\n\s+at /);
    expect(Object.keys(line.err)).not.toEqual(expect.arrayContaining(['params']));
  });

  it('an error wrapping one, or one that copied its message, is cut the same way', () => {
    const { logger, text } = captured('info');
    logger.error({ err: new Error('could not record', { cause: drizzleError() }) }, 'wrapped');
    logger.error({ err: new Error(`recording failed: ${drizzleError().message}`) }, 'copied');
    expect(text()).not.toContain(SECRET);
    expect(errorMessage(new Error(`x: ${drizzleError().message}`))).toBe('x: [query not logged]');
  });

  it('any other error keeps pino’s standard shape', () => {
    const { logger, text } = captured('info');
    logger.error({ err: Object.assign(new TypeError('bad input'), { status: 400 }) }, 'other');
    const { err } = JSON.parse(text()) as { err: Record<string, unknown> };
    expect(err).toMatchObject({ type: 'TypeError', message: 'bad input', status: 400 });
    expect(String(err.stack)).toContain('TypeError: bad input');
  });
});

describe('the log on a terminal', () => {
  it('is readable lines on a TTY and JSON lines anywhere else', () => {
    expect(logFormatFor(true)).toBe('pretty');
    expect(logFormatFor(false)).toBe('json');
    expect(logFormatFor(undefined)).toBe('json');
  });

  it('reads like pino-pretty, and still redacts secrets and cuts database errors', () => {
    const { logger, text } = captured('info', 'pretty');
    logger.info({ requestId: 'r-1', password: SECRET, user: { passwordHash: SECRET } }, 'request approved');
    const driver = Object.assign(new Error('boom'), { code: '23505', table: 'users', query: 'insert into "users" values ($1)', params: [SECRET] });
    logger.error({ err: driver }, 'approval failed');
    const out = text();
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request approved\n/);
    expect(out).toContain('requestId: "r-1"');
    expect(out).toContain('password: "[redacted]"');
    expect(out).toMatch(/ERROR: approval failed\n/);
    expect(out).toContain('database error 23505 in insert into "users"');
    expect(out).not.toContain(SECRET);
    expect(() => JSON.parse(out.split('\n')[0]!) as unknown).toThrow();
  });
});
