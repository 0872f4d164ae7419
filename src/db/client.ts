import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { copyTemplate, ensureTemplate, isNewFolder, type NewFolder, type PgliteTemplate } from './pglite-template.js';
import * as schema from './schema/index.js';

/**
 * The one database type the rest of the app sees. postgres.js and PGlite give different drizzle
 * classes over the same SQL dialect; repositories and services take this type (a transaction is one
 * too), so a single code path serves both drivers.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseDriver = 'postgres' | 'pglite';

/** The rows of a `db.execute`: postgres.js answers with an array of them, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

export interface Database {
  readonly db: Db;
  /**
   * Where `/provision find` runs its one statement. On Postgres, a small pool of its own whose sessions
   * plan each statement once and keep that plan (`plan_cache_mode = force_generic_plan`): the find
   * statement is long, and Postgres kept planning it afresh on every call (its custom plans looked
   * cheaper than a generic one), 1.4–1.8 ms of every find against 0.3–3.8 ms of running it. The
   * setting is per session, so it cannot go on the main pool, whose other statements rely on custom
   * plans. On PGlite, the one connection.
   */
  readonly searchDb: Db;
  readonly driver: DatabaseDriver;
  /** Where the data lives, for the start-up line: a host/database, or the PGlite folder. Never a password. */
  readonly location: string;
  /** PGlite in a folder that had no database yet: how it was made (copied from a template, or initdb). */
  readonly newFolder?: NewFolder;
  migrate(): Promise<void>;
  /** A round trip to the database, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Called with the text of every statement the driver sends (tests count a use case's round trips). */
export type QueryObserver = (statement: string) => void;

export type DatabaseTarget =
  | { driver: 'postgres'; url: string; poolSize?: number; onQuery?: QueryObserver }
  | {
      driver: 'pglite';
      onQuery?: QueryObserver;
      /** Undefined = in memory. */
      dataDir?: string;
      /** Starts from a dump (tests clone a migrated database). */
      loadDataDir?: Blob;
      /** A new (missing or empty) dataDir starts as a copy of this template instead of running initdb. */
      template?: PgliteTemplate;
      /** The migrations to apply; drizzle/ unless a test says otherwise. */
      migrationsFolder?: string;
    };

const MIGRATIONS_FOLDER = new URL('../../drizzle', import.meta.url).pathname;

/** Opens the database; drivers are imported lazily so a Postgres deployment never loads PGlite's WASM. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.driver === 'postgres' ? openPostgres(target.url, target.poolSize ?? 10, target.onQuery) : openPglite(target);
}

/** Finds are one short statement each; a few sessions serve many of them at once. */
const SEARCH_POOL_SIZE = 3;

async function openPostgres(url: string, poolSize: number, onQuery?: QueryObserver): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const observed = onQuery ? { debug: (_connection: number, statement: string) => onQuery(statement) } : {};
  const client = postgres(url, { max: poolSize, onnotice: () => undefined, ...observed });
  // postgres.js opens connections on first use, so an instance that is never asked to find opens none.
  const searchClient = postgres(url, { max: SEARCH_POOL_SIZE, onnotice: () => undefined, connection: { plan_cache_mode: 'force_generic_plan' }, ...observed });
  const parsed = new URL(url);
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    searchDb: drizzle(searchClient, { schema }) as unknown as Db,
    driver: 'postgres',
    location: `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    async migrate() {
      // Many instances may start together: a session advisory lock on one dedicated connection lets
      // exactly one of them apply the migrations while the others wait and then find nothing to do.
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      const single = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migrate(drizzle(single), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end();
      }
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), searchClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * Postgres's shared buffers live in PGlite's WASM memory, and all of it becomes resident: the default
 * 128 MB was a third of the process's RSS, and zeroing it a tenth of a second of every start. One
 * connection and a small directory need far less; the operating system's page cache sits below it.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * PGlite's Postgres runs on V8's baseline WASM compiler (Liftoff) only. By default V8 recompiles a
 * function with its optimizing compiler (TurboFan), on background threads, once it has run enough.
 * Postgres's own start (pg_control, the catalogs, the caches, PGlite's first queries) did that for
 * ~100 functions, among them the parser's and the executor's loops (40–100 KB of WASM each, 25 MB of
 * compiler memory each): a profiled restart spent a third of its CPU on those compiles, racing the
 * start for two cores, and held ~70 MiB more afterwards, compiler memory that malloc keeps. A higher
 * budget did not help: those loops reach any budget during the start. Liftoff code runs the bot's
 * statements (a few rows each) about 10 % slower, a sort or join over 50,000 rows about twice as
 * slow; the embedded database is for trying the bot and small setups, where that is microseconds.
 * The flags are V8's, for every WASM module compiled after this and only WASM: they must be set
 * before PGlite compiles its module, and a Postgres deployment never loads it. Functions Liftoff
 * cannot compile still go to TurboFan (unlike with --liftoff-only).
 */
const WASM_FLAGS = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'];
let wasmFlagsSet = false;
function baselineWasmOnly(): void {
  if (wasmFlagsSet) return;
  for (const flag of WASM_FLAGS) setFlagsFromString(flag);
  wasmFlagsSet = true;
}

type PgliteTarget = Omit<Extract<DatabaseTarget, { driver: 'pglite' }>, 'driver'>;

async function openPglite(target: PgliteTarget): Promise<Database> {
  baselineWasmOnly();
  const { PGlite } = await import('@electric-sql/pglite');
  // pg_trgm backs the trigram indexes `/provision find` uses (drizzle/0003); Postgres ships it as a contrib extension.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  const migrationsFolder = target.migrationsFolder ?? MIGRATIONS_FOLDER;
  let newFolder: NewFolder | undefined;
  if (target.dataDir && !target.loadDataDir && (await isNewFolder(target.dataDir))) {
    newFolder = target.template ? await fromTemplate(target.template, target.dataDir, migrationsFolder) : { from: 'initdb', why: 'no template' };
  }
  // PGlite creates its own folder but not the folders above it (./data on a fresh clone).
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  const client = await PGlite.create(target.dataDir, {
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
    ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
  });
  if (target.onQuery) observePglite(client, target.onQuery);
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    searchDb: db as unknown as Db,
    driver: 'pglite',
    location: target.dataDir ?? 'memory',
    ...(newFolder ? { newFolder } : {}),
    async migrate() {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(db, { migrationsFolder });
    },
    async ping() {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

/**
 * PGlite has no query hook, but every statement reaches Postgres as a wire-protocol message through
 * `execProtocolStream`: a Parse ('P') for a query with parameters (its Bind, Describe, Execute and
 * Sync follow), a simple Query ('Q') for BEGIN, COMMIT and plain SQL. Those two are the statements.
 */
function observePglite(client: { execProtocolStream: (message: Uint8Array, options?: never) => Promise<unknown> }, onQuery: QueryObserver): void {
  const send = client.execProtocolStream.bind(client);
  const decoder = new TextDecoder();
  client.execProtocolStream = (message, options) => {
    const type = message[0];
    if (type === 0x50 || type === 0x51) {
      // 'P': length, statement name (C string), query text (C string); 'Q': length, query text.
      let start = 5;
      if (type === 0x50) start = message.indexOf(0, start) + 1;
      onQuery(decoder.decode(message.subarray(start, message.indexOf(0, start))));
    }
    return send(message, options);
  };
}

/** Builds the template now unless it is current (`npm ci` does this for the default one). */
export function buildTemplate(template: PgliteTemplate, migrationsFolder = MIGRATIONS_FOLDER): Promise<{ dir: string; built: boolean }> {
  return ensureTemplate(template, migrationsFolder, async (dir) => {
    const building = await openPglite({ dataDir: dir, migrationsFolder });
    await building.migrate();
    return building;
  });
}

/**
 * Fills a new folder from the template, building the template first when there is none yet. A
 * template that cannot be built (a read-only cache folder) or copied leaves the folder as it was, and
 * PGlite creates the database there itself, as it would without a template.
 */
async function fromTemplate(template: PgliteTemplate, dataDir: string, migrationsFolder: string): Promise<NewFolder> {
  let source: { dir: string; built: boolean };
  try {
    source = await buildTemplate(template, migrationsFolder);
  } catch (err) {
    return { from: 'initdb', why: `no template: building one in ${template.cacheDir} failed (${problem(err)})` };
  }
  try {
    await copyTemplate(source.dir, dataDir);
    return { from: 'template', template: basename(source.dir), built: source.built };
  } catch (err) {
    // The folder was new (see isNewFolder): what the copy left is removed, so initdb finds it empty.
    for (const entry of await readdir(dataDir).catch(() => [])) await rm(join(dataDir, entry), { recursive: true, force: true });
    return { from: 'initdb', why: `copying the template ${basename(source.dir)} failed (${problem(err)})` };
  }
}

const problem = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** An arbitrary constant: the advisory lock key for "migrations in progress". */
const MIGRATION_LOCK_ID = 7_240_501;
