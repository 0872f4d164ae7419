import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadgenMessage, LoadgenRequest, RunResult, RunSpec } from './loadgen.js';
import type { DoubleStats, PostedMessage } from './slack-double.js';

type Op = Exclude<LoadgenRequest['op'], 'run' | 'addFile'>;

/** The orchestrator's handle on the load-generator process (autocannon + the Slack double). */
export interface Loadgen {
  /** SLACK_API_URL for the bot. */
  slackUrl: string;
  /** A response_url the double serves. */
  responseUrl: string;
  run(spec: RunSpec): Promise<RunResult>;
  stats(): Promise<DoubleStats>;
  reset(): Promise<void>;
  lastOpenedView(): Promise<Record<string, unknown> | null>;
  watched(): Promise<PostedMessage[]>;
  /** Shares a file in the double's workspace (an import's CSV); resolves with its file ID. */
  addFile(name: string, content: string): Promise<string>;
  /** command sent → views.open received, ms, for the calls since the last time asked. */
  modalDelays(): Promise<number[]>;
  /** Waits until the count of `method` calls stops moving (the bot's post-ack backlog has drained). */
  quiesce(method: string, quietMs?: number, timeoutMs?: number): Promise<number>;
  /** Waits until the double has answered `count` calls to `method` (the bot's work after its ack). */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startLoadgen(): Promise<Loadgen> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./loadgen.ts', import.meta.url)), [], {
    // Explicit, so a `node --cpu-prof` on the orchestrator does not profile the load generator too.
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const ready = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
    child.on('message', (m: LoadgenMessage) => {
      if ('op' in m) return resolve(m.slackUrl);
      const waiter = pending.get(m.id);
      if (!waiter) return;
      pending.delete(m.id);
      if (m.ok) waiter.resolve(m.value);
      else waiter.reject(new Error(`load generator: ${m.error}`));
    });
  });
  const slackUrl = await ready;
  child.on('exit', () => {
    for (const w of pending.values()) w.reject(new Error('load generator exited'));
    pending.clear();
  });

  function call<T>(req: { op: 'run'; spec: RunSpec } | { op: 'addFile'; name: string; content: string } | { op: Op }): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, ...req });
    });
  }

  const stats = () => call<DoubleStats>({ op: 'stats' });
  return {
    slackUrl,
    responseUrl: `${new URL(slackUrl).origin}/response/bench`,
    run: (spec) => call<RunResult>({ op: 'run', spec }),
    stats,
    reset: () => call<void>({ op: 'reset' }),
    lastOpenedView: () => call<Record<string, unknown> | null>({ op: 'lastView' }),
    watched: () => call<PostedMessage[]>({ op: 'watched' }),
    addFile: (name, content) => call<string>({ op: 'addFile', name, content }),
    modalDelays: () => call<number[]>({ op: 'modalDelays' }),
    async quiesce(method, quietMs = 300, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = -1;
      let since = Date.now();
      for (;;) {
        const n = (await stats()).counts[method] ?? 0;
        if (n !== last) {
          last = n;
          since = Date.now();
        } else if (Date.now() - since >= quietMs || Date.now() > deadline) return n;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async waitForCalls(method, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const n = (await stats()).counts[method] ?? 0;
        if (n >= count || Date.now() > deadline) return n;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call<void>({ op: 'stop' }).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
