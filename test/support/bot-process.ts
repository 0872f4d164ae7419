import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** The real bot as its own process (`node src/main.ts` through tsx), as an operator runs it. */
export interface BotProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  /** Its JSON log lines so far, parsed (lines that are not JSON are left out). */
  logs(): Record<string, unknown>[];
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the bot with exactly `env` (and PATH), in `cwd` (where no .env is), on `port`; resolves once
 * /healthz answers. The caller ends it: SIGKILL for a crash, SIGTERM for a clean stop.
 */
export async function startBotProcess(env: Record<string, string>, options: { cwd: string; port: number; startTimeoutMs?: number }): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(options.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the bot exited at start-up:\n${out}`);
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot did not answer /healthz in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    output: () => out,
    logs: () =>
      out.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // the last line, still being written
        }
      }),
    exited,
  };
}

/** The rows an instance says it carried out (its `import row carried out` log lines) for one import. */
export function rowsCarriedOut(logs: readonly Record<string, unknown>[], requestId: string): number[] {
  return logs.filter((l) => l.msg === 'import row carried out' && l.requestId === requestId).map((l) => Number(l.row));
}
