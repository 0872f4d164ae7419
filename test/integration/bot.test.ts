import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { hasReferenceData } from '../../src/db/repositories/reference-data.js';
import { createLogger } from '../../src/logger.js';
import { startSlackDouble } from '../support/slack-double.js';
import { SIGNING_SECRET, sendSlashCommand } from '../support/slack-request.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

/** The real bot in HTTP mode, receiving signed requests, calling a Slack Web API double over HTTP. */
describe(`the bot (${testDriver})`, () => {
  let bot: RunningBot;
  let slack: Awaited<ReturnType<typeof startSlackDouble>>;
  let baseUrl: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    slack = await startSlackDouble();
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      TENANT_SUFFIX: 'abc',
      APPROVALS_CHANNEL: 'C0APPROVALS',
      APPROVER_IDS: 'U0APPROVER',
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const database = await openTestDatabase();
    bot = await startBot({ ...config, port: 0 }, createLogger('info', logStream), database);
    baseUrl = `http://127.0.0.1:${bot.port}`;
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
  });

  it('says at start-up which database it uses, asks Slack who it is, and loads the demo data into an empty embedded database', async () => {
    const startLine = logLines.map((l) => JSON.parse(l) as { msg: string; driver?: string }).find((l) => l.msg.startsWith('database:'));
    expect(startLine?.driver).toBe(testDriver);
    expect(startLine?.msg).toMatch(testDriver === 'pglite' ? /embedded PGlite/ : /Postgres at/);
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    expect(await hasReferenceData(bot.database.db)).toBe(testDriver === 'pglite');
  });

  it('answers /healthz with 200 after checking the database', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: testDriver });
  });

  it('answers a signed `/provision help` and a bare `/provision` with the subcommands, only to the person who asked', async () => {
    for (const text of ['help', '', '  HELP ']) {
      const response = await sendSlashCommand(baseUrl, { text });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { response_type: string; blocks: { text?: { text: string } }[] };
      expect(body.response_type).toBe('ephemeral');
      const shown = body.blocks.map((b) => b.text?.text ?? '').join('\n');
      for (const sub of ['user', 'agent', 'clone &lt;username | @person&gt;', 'extension', 'find &lt;text&gt;', 'help']) expect(shown).toContain(`/provision ${sub}`);
    }
  });

  it('says what would work for an unknown subcommand or a missing argument, escaping what was typed', async () => {
    const unknown = (await (await sendSlashCommand(baseUrl, { text: 'frobnicate <!channel>' })).json()) as { blocks: { text?: { text: string } }[] };
    const first = unknown.blocks[0]?.text?.text ?? '';
    expect(first).toContain('/provision frobnicate is not a command I know');
    const missing = (await (await sendSlashCommand(baseUrl, { text: 'clone' })).json()) as { blocks: { text?: { text: string } }[] };
    expect(missing.blocks[0]?.text?.text).toContain('Say whom to clone');
    expect(missing.blocks[1]?.text?.text).toContain('/provision clone');
  });

  it('refuses requests that are unsigned, signed with another secret, or too old, with 401', async () => {
    expect((await sendSlashCommand(baseUrl, { text: 'help' }, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await sendSlashCommand(baseUrl, { text: 'help' }, { secret: 'another-secret' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendSlashCommand(baseUrl, { text: 'help' }, { timestamp: sixMinutesAgo })).status).toBe(401);
  });
});
