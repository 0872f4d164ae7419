/**
 * Run as a child process by test/integration/fault-driver.test.ts, so that a driver throwing from a timer
 * (an uncaughtException) ends this process, not the test runner. It terminates the backend of a reserved
 * connection from another connection, then writes on the reserved one, as a failover does to a bot in the
 * middle of an approval. It prints one JSON line of what each write did and exits 0 if it lived on.
 *
 * Usage: node --import tsx test/support/driver-kill-child.ts <postgres url>
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.js';

const url = process.argv[2];
if (!url) throw new Error('usage: driver-kill-child.ts <postgres url>');

/** A write that has not settled within 5 s counts as hung (the caller would wait for ever). */
const settle = (p: PromiseLike<unknown>): Promise<string> =>
  Promise.race([
    Promise.resolve(p).then(
      () => 'ok',
      (err: { code?: string; cause?: { code?: string } }) => `rejected ${err.code ?? err.cause?.code ?? 'error'}`,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 5000).unref()),
  ]);

// Above 1024 bytes postgres.js writes at once instead of on setImmediate: the path that threw on a null socket.
const big = 'x'.repeat(2048);
const killer = postgres(url, { max: 1, onnotice: () => undefined });
const terminate = async (pid: number) => {
  await killer`select pg_terminate_backend(${pid})`;
  // Wait until the backend is gone, so the writes below meet a dead connection every time.
  for (let i = 0; i < 100 && (await killer`select 1 from pg_stat_activity where pid = ${pid}`).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
};

const results: Record<string, string[]> = {};

// 1. A reserved connection (porsager/postgres#1208): every write after the kill must fail, not kill or hang.
const pool = postgres(url, { max: 2, onnotice: () => undefined });
await pool`create table if not exists kill_probe (id serial primary key, body text not null)`;
const reserved = await pool.reserve();
const [backend] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
await terminate(backend!.pid);
results.reserved = [
  await settle(reserved`insert into kill_probe (body) values (${big})`),
  await settle(reserved`insert into kill_probe (body) values (${big})`),
  await settle(reserved`insert into kill_probe (body) values ('small')`),
];
reserved.release();
results.poolAfter = [await settle(pool`insert into kill_probe (body) values ('after')`)];
await pool.end({ timeout: 5 });

// 2. The app's own pool: a transaction (a reserved connection too) whose backend is terminated mid-write.
const database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
let inner: Promise<string[]> | undefined;
const transaction = database.db.transaction(async (tx) => {
  let done: (writes: string[]) => void = () => undefined;
  inner = new Promise((resolve) => (done = resolve));
  const writes: string[] = [];
  const result: unknown = await tx.execute(sql`select pg_backend_pid() as pid`);
  const [row] = result as { pid: number }[];
  await tx.execute(sql`insert into kill_probe (body) values (${big})`);
  await terminate(row!.pid);
  writes.push(await settle(tx.execute(sql`insert into kill_probe (body) values (${big})`)));
  writes.push(await settle(tx.execute(sql`insert into kill_probe (body) values ('small')`)));
  done(writes);
});
// The transaction fails as soon as its connection closes; the writes its callback still makes fail too.
results.transaction = [await settle(transaction), ...(await inner!)];
// The same pool serves the next request (the first query on a connection killed while idle may fail).
const after: string[] = [];
for (let i = 0; i < 3 && after.at(-1) !== 'ok'; i++) after.push(await settle(database.db.execute(sql`insert into kill_probe (body) values ('after')`)));
results.appPoolAfter = after;
await database.close();

// 3. A connection terminated while postgres.js fetches the array types on connect (a failover as the
// pool reconnects). Nobody awaits that fetch, so its rejection was unhandled, which ends a Node process.
// pg_type is locked meanwhile, so the fetch waits where the test can see it and terminate it.
const lockPool = postgres(url, { max: 1, onnotice: () => undefined });
const locker = await lockPool.reserve();
await locker`begin`;
await locker`lock table pg_catalog.pg_type in access exclusive mode`;
const fresh = postgres(url, { max: 1, onnotice: () => undefined, connection: { application_name: 'type-fetch-probe' } });
const first = settle(fresh`select 1 as one`);
let fetching: { pid: number }[] = [];
for (let i = 0; i < 250 && fetching.length === 0; i++) {
  fetching = await killer<{ pid: number }[]>`select pid from pg_stat_activity where application_name = 'type-fetch-probe' and query like '%typarray%'`;
  if (fetching.length === 0) await new Promise((r) => setTimeout(r, 20));
}
results.typeFetchSeen = [fetching.length > 0 ? 'yes' : 'no'];
if (fetching[0]) await killer`select pg_terminate_backend(${fetching[0].pid})`;
await locker`rollback`;
locker.release();
await lockPool.end({ timeout: 5 });
results.typeFetch = [await first, await settle(fresh`select 1 as one`)];
await fresh.end({ timeout: 5 });
await killer.end();

console.log(JSON.stringify(results));
