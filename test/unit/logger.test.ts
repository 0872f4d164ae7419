import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger, createLogger, withoutPayloads } from '../../src/logger.js';

const SECRET = 'Harbor-Lantern-Typed-77';

function captured(level = 'debug') {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createLogger(level, stream);
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
