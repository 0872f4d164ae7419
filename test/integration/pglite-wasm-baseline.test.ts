import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDriver } from '../support/test-db.js';

const execFileAsync = promisify(execFile);
const CLIENT = new URL('../../src/db/client.ts', import.meta.url).href;

/**
 * What a start of the embedded database runs (Postgres's start, every migration, some queries), in a
 * process of its own that prints each WASM function V8 compiles and with which compiler.
 */
const SCRIPT = `
const { openDatabase } = await import(${JSON.stringify(CLIENT)});
const database = await openDatabase({ driver: 'pglite' });
await database.migrate();
for (let i = 0; i < 50; i++) await database.ping();
await database.close();
`;

/**
 * PGlite's Postgres runs on V8's baseline WASM compiler only (src/db/client.ts): left to tier up, a
 * restart optimized ~100 functions on background threads, a third of its CPU and ~70 MiB of RSS.
 */
describe.runIf(testDriver === 'pglite')('the embedded database runs on the baseline WASM compiler', () => {
  it('compiles no function of PGlite with the optimizing compiler while it starts, migrates and answers', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--trace-wasm-compilation-times', '--input-type=module', '-e', SCRIPT], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // "Compiled function 0x7f…#2272 using Liftoff, …": the module's address, the function, the compiler.
    const compiles = [...stdout.matchAll(/Compiled function (0x[0-9a-f]+)#\d+ using (\w+)/g)].map(([, module, compiler]) => ({ module, compiler }));
    const perModule = new Map<string, number>();
    for (const c of compiles) perModule.set(c.module!, (perModule.get(c.module!) ?? 0) + 1);
    // PGlite's Postgres is the module with thousands of functions run (Node's own small ones, such
    // as its CommonJS lexer's, are compiled before the flags are set and are not its concern).
    const [pglite, functionsRun] = [...perModule].sort((a, b) => b[1] - a[1])[0]!;
    expect(functionsRun).toBeGreaterThan(1000);
    expect(compiles.filter((c) => c.module === pglite && c.compiler !== 'Liftoff')).toEqual([]);
  });
});
