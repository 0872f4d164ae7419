import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';

/**
 * Regression test for patches/@slack+web-api+8.2.0.patch. Unpatched, every Web API call builds a
 * redacted copy of its request body, its headers and its result and turns each into JSON for three
 * `logger.debug` lines, at any log level: for a views.open of the bot's 30 KB User Info modal that is
 * ~5 ms of CPU per call, several times the call's own serialization, all of it thrown away by a logger
 * at info. Patched, those lines are built only when the logger's level is debug.
 */
function recordingLogger(level: LogLevel): Logger & { debugLines: string[] } {
  const debugLines: string[] = [];
  return {
    debugLines,
    debug: (...msg: unknown[]) => void debugLines.push(msg.map(String).join(' ')),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: () => undefined,
    getLevel: () => level,
    setName: () => undefined,
  };
}

const view = {
  type: 'modal' as const,
  callback_id: 'probe',
  title: { type: 'plain_text' as const, text: 'Probe' },
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hello' } }],
};

describe('the Web API client builds its debug lines only at debug level (patched)', () => {
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await startSlackDouble();
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('at info, views.open goes out without a request-body, header or result debug line', async () => {
    const logger = recordingLogger(LogLevel.INFO);
    const client = new WebClient('xoxb-probe-token', { slackApiUrl: slack.url, logger, retryConfig: { retries: 0 } });
    const since = slack.calls.length;
    await client.views.open({ trigger_id: 'T1', view });
    expect(slack.calls.slice(since).map((c) => c.method)).toContain('views.open');
    expect(logger.debugLines.filter((l) => /http request (body|headers|result)/.test(l))).toEqual([]);
  });

  it('at debug, the three lines are still written, with the token redacted', async () => {
    const logger = recordingLogger(LogLevel.DEBUG);
    const client = new WebClient('xoxb-probe-token', { slackApiUrl: slack.url, logger, retryConfig: { retries: 0 } });
    await client.views.open({ trigger_id: 'T2', view });
    const lines = logger.debugLines.filter((l) => /http request (body|headers|result)/.test(l));
    expect(lines.map((l) => /http request (body|headers|result)/.exec(l)?.[1])).toEqual(['body', 'headers', 'result']);
    expect(lines.find((l) => l.includes('http request body'))).toContain('"trigger_id":"T2"');
    expect(lines.join('\n')).not.toContain('xoxb-probe-token');
  });
});
