import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { requests } from '../../src/db/schema/index.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { startSocketModeServer, type SocketModeServer } from '../support/socket-mode-server.js';
import { APP_TOKEN, freePort } from '../support/test-bot.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** src/main.ts: how long stopping may take. */
const DEADLINE_MS = 10_000;

interface BotProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code and when it came. */
  exited: Promise<{ code: number | null; at: number }>;
}

/** The exit, or undefined when the process is still running after `ms`. */
function exitWithin(bot: BotProcess, ms: number): Promise<{ code: number | null; at: number } | undefined> {
  return Promise.race([bot.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

async function until(ok: () => boolean | Promise<boolean>, what: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A bot in Socket Mode with work in flight: its database holds an approved request, with an approval
 * message, whose notifications are queued; each one delivered refreshes that message, and the Web API
 * double leaves chat.update unanswered.
 */
async function startStuckBot(cwd: string, databaseEnv: Record<string, string>): Promise<BotProcess & { slack: SlackDouble; socket: SocketModeServer }> {
  const slack = await startSlackDouble();
  const socket = await startSocketModeServer();
  slack.useSocketMode(socket.url);
  // The approval message's refresh after a notification settles: a call with no timeout of its own.
  slack.stall('chat.update');
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    ...databaseEnv,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.url,
    OUTBOX_DIR: join(cwd, 'outbox'),
    TENANT_SUFFIX: 'abc',
    APPROVALS_CHANNEL: 'C0APPROVALS',
    APPROVER_IDS: approver.id,
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', TSX, MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const output = () => out;
  await until(() => child.exitCode === null && fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), '/healthz', output);
  await socket.waitForConnection();
  await until(() => slack.callsTo('chat.update').length > 0, 'a Web API call in flight', output, 30_000);
  return { child, output, exited, slack, socket };
}

/**
 * Stopping while the network vanishes: the Socket Mode endpoint and the Web API go silent at the same
 * moment as SIGTERM arrives (a laptop losing Wi-Fi as its owner presses Ctrl-C). A Web API call in
 * flight then never returns (the Web API client has no timeout); stopping has a deadline instead, and
 * a second signal exits at once.
 */
describe(`stopping in Socket Mode when the network vanishes (${testDriver})`, () => {
  let cwd: string;
  let databaseEnv: Record<string, string>;
  const children: ChildProcess[] = [];
  const servers: { kill(): Promise<void> }[] = [];

  /** A fresh database for each bot process, with one approved request whose notifications wait. */
  async function preparedDatabase(name: string): Promise<Record<string, string>> {
    let opened: Database & { url?: string };
    let env: Record<string, string>;
    if (testDriver === 'postgres') {
      opened = await openTestDatabase();
      env = { DATABASE_URL: opened.url! };
    } else {
      const dataDir = join(cwd, `pglite-${name}`);
      opened = await openDatabase({ driver: 'pglite', dataDir });
      await opened.migrate();
      env = { PGLITE_DIR: dataDir };
    }
    await seedDemoReferenceData(opened.db);
    const deps = depsFor(opened.db);
    const id = (await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: `stop${name}`, email: `stop${name}@example.com` }) })).id;
    expect((await approveRequest(deps, approver, id, { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' })).outcome).toBe('completed');
    await opened.db.update(requests).set({ approvalChannel: 'C0APPROVALS', approvalTs: '1700000001.000100' }).where(eq(requests.id, id));
    // The child process opens it itself (two processes cannot share an embedded PGlite folder).
    await opened.close();
    return env;
  }

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'provision-stop-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.kill()));
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  /** A bot in Socket Mode on its own database whose Slack (the socket and the Web API) has just gone silent. */
  async function botWhoseNetworkVanished(name: string) {
    databaseEnv = await preparedDatabase(name);
    const bot = await startStuckBot(cwd, databaseEnv);
    children.push(bot.child);
    servers.push(bot.socket, bot.slack);
    bot.socket.vanish();
    bot.slack.vanish();
    return bot;
  }

  it('SIGTERM as the WebSocket and the Web API vanish: exits non-zero at the deadline, naming what was pending', { timeout: 180_000 }, async () => {
    const bot = await botWhoseNetworkVanished('a');
    const stopAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, DEADLINE_MS + 10_000);
    expect(exit, `still running ${DEADLINE_MS + 10_000} ms after SIGTERM:\n${bot.output()}`).toBeDefined();
    const { code, at } = exit!;
    const tookMs = at - stopAt;
    expect(code).toBe(1);
    expect(tookMs).toBeGreaterThanOrEqual(DEADLINE_MS - 500);
    expect(tookMs).toBeLessThan(DEADLINE_MS + 10_000);
    const lines = bot.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; pending?: string[] });
    const gaveUp = lines.find((l) => l.msg.startsWith('stopping did not finish within 10 s'));
    expect(gaveUp, bot.output()).toBeDefined();
    console.info(`[fault] SIGTERM with the network gone: exited ${code} after ${tookMs} ms (deadline ${DEADLINE_MS} ms), pending: ${gaveUp?.pending?.join('; ')}`);
    expect(gaveUp?.pending).toContain('notifications (sends in flight)');
    expect(gaveUp?.pending).not.toContain('database');
  });

  it('a second SIGTERM while stopping exits at once', { timeout: 180_000 }, async () => {
    const bot = await botWhoseNetworkVanished('b');
    bot.child.kill('SIGTERM');
    await until(() => bot.output().includes('"msg":"stopping"'), 'the first signal to be taken', bot.output, 10_000);
    const secondAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, 5000);
    expect(exit, `still running 5 s after the second SIGTERM:\n${bot.output()}`).toBeDefined();
    const { code, at } = exit!;
    console.info(`[fault] second SIGTERM while stopping: exited ${code} after ${at - secondAt} ms`);
    expect(code).toBe(128 + 15);
    expect(at - secondAt).toBeLessThan(3000);
    expect(bot.output()).toContain('second signal while stopping: exiting now');
  });
});
