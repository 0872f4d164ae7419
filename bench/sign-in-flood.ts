/**
 * `npm run build && node --import tsx bench/sign-in-flood.ts`: how an approval fares while a flood of
 * wrong passwords hits the sign-in door, with and without the hash slots. A benchmark, never a test.
 *
 * - idle: one approval at a time (its default password is one scrypt hash, on the thread pool).
 * - without the limit: FLOOD concurrent scrypt verifications started straight on the thread pool, as
 *   every sign-in attempt did before the slots (one verification each, unbounded), then an approval.
 * - with the limit: FLOOD concurrent POST /api/v1/sign-in to the real bot over HTTP (unknown names,
 *   so no lockout), then an approval; the answers are counted by status.
 *
 * Runs on embedded PGlite in a temporary folder, or on DATABASE_URL when set. FLOOD (default 20) and
 * ROUNDS (default 3) are knobs; the figure is the median of the rounds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBot } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { hashPassword, verifyPassword } from '../src/domain/password-hash.js';
import { createLogger } from '../src/logger.js';
import type { ServiceDeps } from '../src/services/context.js';
import { approveRequest } from '../src/services/decide-request.js';
import { submitUserRequest } from '../src/services/submit-request.js';
import { median } from './cold-start.js';
import { startBenchSlackDouble } from './slack-double.js';
import { APPROVALS_CHANNEL, APPROVER, REQUESTER, SIGNING_SECRET } from './slack-payloads.js';

const FLOOD = Number(process.env.FLOOD ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const log = (line: string) => process.stderr.write(`[sign-in-flood] ${line}\n`);
const quiet = new Writable({ write: (_c, _e, done) => done() });

async function main(): Promise<void> {
  const slack = await startBenchSlackDouble({ watchChannel: APPROVALS_CHANNEL });
  const dir = await mkdtemp(join(tmpdir(), 'sign-in-flood-'));
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { PGLITE_DIR: join(dir, 'pglite') }),
    OUTBOX_DIR: join(dir, 'outbox'),
    TENANT_SUFFIX: 'abc',
    APPROVALS_CHANNEL,
    APPROVER_IDS: APPROVER,
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const bot = await startBot(config, createLogger(config.logLevel, quiet));
  const origin = `http://127.0.0.1:${bot.port}`;
  const deps: ServiceDeps = {
    db: bot.database.db,
    now: () => new Date(),
    settings: { phoneDefaultCountry: config.phoneDefaultCountry, passwordPolicy: config.passwordPolicy, defaultPasswordTtlHours: config.defaultPasswordTtlHours, tenantSuffix: config.tenantSuffix, signInLimits: config.signIn.limits },
  };
  let n = 0;
  const approval = async (): Promise<number> => {
    n += 1;
    const { id } = await submitUserRequest(deps, { id: REQUESTER, portalAdmin: false }, { kind: 'create_user', input: { username: `flood${n}`, firstName: 'Flo', lastName: 'Od', phone: '555-555-1234' } });
    const t = performance.now();
    const result = await approveRequest(deps, { id: APPROVER, portalAdmin: false }, id, { allowSelfApproval: false, accountUrl: `${origin}/account` });
    if (result.outcome !== 'completed') throw new Error(`approval ${result.outcome}`);
    return performance.now() - t;
  };
  const stored = await hashPassword('the real password 1');
  try {
    await approval(); // warm-up
    const idle: number[] = [];
    const unbounded: number[] = [];
    const limited: number[] = [];
    const statuses: Record<string, number> = {};
    let floodMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      idle.push(await approval());

      const raw = Array.from({ length: FLOOD }, (_, i) => verifyPassword(`wrong ${i}`, stored));
      unbounded.push(await approval());
      await Promise.all(raw);

      const t0 = performance.now();
      const http = Array.from({ length: FLOOD }, (_, i) =>
        fetch(`${origin}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName: `nobody${round}x${i}@abc`, password: `wrong ${i}` }) }).then(async (r) => {
          await r.arrayBuffer();
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        }),
      );
      await new Promise((r) => setTimeout(r, 20)); // the flood reaches the bot first
      limited.push(await approval());
      await Promise.all(http);
      floodMs = [...floodMs, performance.now() - t0];
    }
    const f = (v: number[]) => `${median(v).toFixed(0)} ms (rounds: ${v.map((x) => x.toFixed(0)).join(', ')})`;
    const lines = [
      `machine: ${availableParallelism()} cores, Node ${process.version}, ${bot.database.driver}, load average ${loadavg()[0]?.toFixed(1)}; UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
      `approval, idle: ${f(idle)}`,
      `approval during ${FLOOD} unbounded scrypt verifications (before the slots): ${f(unbounded)}`,
      `approval during a ${FLOOD}-way HTTP flood of wrong passwords (with the slots): ${f(limited)}`,
      `the flood's answers over ${ROUNDS} rounds: ${JSON.stringify(statuses)} (401 = checked, 503 = busy, Retry-After); whole flood ${f(floodMs)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await bot.stop();
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
