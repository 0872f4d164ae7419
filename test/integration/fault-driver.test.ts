import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const child = fileURLToPath(new URL('../support/driver-kill-child.ts', import.meta.url));

/** Runs the child to its end (or kills it after 60 s) and returns its exit code and output. */
function runChild(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * postgres.js 3.4.9 threw from a timer when it wrote on a connection whose backend Postgres had
 * terminated (porsager/postgres#1154, #1208): an uncaughtException, so a failover or a DBA's
 * pg_terminate_backend ended the bot. patches/postgres+3.4.9.patch (applied by `npm ci`) makes the write
 * fail instead. The scenario runs in a child process because the honest check is that it lives on.
 */
describe.runIf(testDriver === 'postgres')('a Postgres backend terminated under a reserved connection', () => {
  let database: Database & { url?: string };
  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 1 });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('fails the writes on it, leaves the pool serving, and the process lives on', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runChild(database.url!);
    expect(stderr).not.toMatch(/TypeError|uncaught/i);
    expect(code).toBe(0);
    const results = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string[]>;
    // Every write on the dead connection is rejected with a catchable error: none ends the process, none hangs.
    // (CONNECTION_CLOSED, or ECONNRESET when the backend's RST arrives during the write.)
    for (const outcomes of [results.reserved, results.transaction]) {
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes!) expect(outcome).toMatch(/^rejected (CONNECTION_CLOSED|ECONNRESET)$/);
    }
    // The connection goes back to be reconnected, not handed dead to the next query.
    expect(results.poolAfter).toEqual(['ok']);
    expect(results.appPoolAfter?.at(-1)).toBe('ok');
    // Terminated during the array-type fetch on connect: the waiting query fails, the process lives on
    // (that fetch's rejection was unhandled), and the next query gets a fresh connection.
    expect(results.typeFetchSeen).toEqual(['yes']);
    expect(results.typeFetch?.[0]).toMatch(/^rejected (57P01|CONNECTION_CLOSED|ECONNRESET)$/);
    expect(results.typeFetch?.[1]).toBe('ok');
    console.info(`[driver] terminated backends: ${JSON.stringify(results)}`);
  });
});

describe.runIf(testDriver !== 'postgres')('a Postgres backend terminated under a reserved connection', () => {
  it.skip('runs on Postgres only: PGlite has no connections to terminate', () => undefined);
});
