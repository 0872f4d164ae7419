import { mkdir } from 'node:fs/promises';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';

/**
 * The one database type the rest of the app sees. postgres.js and PGlite give different drizzle
 * classes over the same SQL dialect; repositories and services take this type (a transaction is one
 * too), so a single code path serves both drivers.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseDriver = 'postgres' | 'pglite';

export interface Database {
  readonly db: Db;
  readonly driver: DatabaseDriver;
  /** Where the data lives, for the start-up line: a host/database, or the PGlite folder. Never a password. */
  readonly location: string;
  migrate(): Promise<void>;
  /** A round trip to the database, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { driver: 'postgres'; url: string; poolSize?: number }
  /** `dataDir` undefined = in memory; `loadDataDir` starts from a dump (tests clone a migrated database). */
  | { driver: 'pglite'; dataDir?: string; loadDataDir?: Blob };

const migrationsFolder = new URL('../../drizzle', import.meta.url).pathname;

/** Opens the database; drivers are imported lazily so a Postgres deployment never loads PGlite's WASM. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.driver === 'postgres' ? openPostgres(target.url, target.poolSize ?? 10) : openPglite(target);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max: poolSize, onnotice: () => undefined });
  const parsed = new URL(url);
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    driver: 'postgres',
    location: `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    async migrate() {
      // Many instances may start together: a session advisory lock on one dedicated connection lets
      // exactly one of them apply the migrations while the others wait and then find nothing to do.
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      const single = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migrate(drizzle(single), { migrationsFolder });
      } finally {
        await single.end();
      }
    },
    async ping() {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(target: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  // pg_trgm backs the trigram indexes `/provision find` uses (drizzle/0003); Postgres ships it as a contrib extension.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  // PGlite creates its own folder but not the folders above it (./data on a fresh clone).
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  const client = await PGlite.create(target.dataDir, { extensions: { pg_trgm }, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    location: target.dataDir ?? 'memory',
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

/** An arbitrary constant: the advisory lock key for "migrations in progress". */
const MIGRATION_LOCK_ID = 7_240_501;
