import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/**
 * Cold start: spawn a process, time it until GET /healthz answers 200, then let it settle and read its
 * resident set size from /proc/<pid>/status (VmRSS).
 */
export interface StartFigure {
  readyMs: number;
  /** VmRSS after settling, in MiB. */
  rssMb: number;
  /** VmRSS once idle (idleMs after the first 200), when asked for. */
  idleRssMb?: number;
}

export interface StartOptions {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How long to wait after the first 200 before reading RSS. */
  settleMs: number;
  /**
   * Also read RSS this long after the first 200. V8 keeps the young generation it grew while loading
   * the modules until its memory reducer runs, some 10–30 s into an idle process; only then is the RSS
   * what an idle bot holds for hours.
   */
  idleMs?: number;
  timeoutMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts `node <args>` with PORT set, measures, and stops it (SIGTERM, as an orchestrator would). */
export async function measureStart(options: StartOptions): Promise<StartFigure> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: { ...options.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before /healthz answered: ${stderr}`);
      if (await healthy(port)) break;
      if (Date.now() > deadline) throw new Error(`/healthz did not answer 200 within ${options.timeoutMs ?? 60_000} ms: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((r) => setTimeout(r, options.settleMs));
    const settled = await rssMb(child.pid!);
    const { idleMs } = options;
    if (idleMs === undefined) return { readyMs, rssMb: settled };
    await new Promise((r) => setTimeout(r, Math.max(0, idleMs - options.settleMs)));
    return { readyMs, rssMb: settled, idleRssMb: await rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The floor: a bare Bolt app in HTTP mode (same signing secret, a /healthz route, a command handler
 * that only acks), run from source text so it needs no build step and no loader.
 */
export const BARE_BOLT_APP = `
import { App, LogLevel } from '@slack/bolt';
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  authorize: async () => ({ botToken: process.env.SLACK_BOT_TOKEN }),
  logLevel: LogLevel.ERROR,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); } }],
});
app.command('/provision', async ({ ack }) => { await ack(); });
await app.start(Number(process.env.PORT));
process.on('SIGTERM', () => { app.stop().then(() => process.exit(0)); });
`;
