import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Db } from './client.js';

/**
 * A new embedded database starts as a copy of a template folder: a PGlite data folder that was
 * created, migrated and filled (the demo reference data) once, then closed. Creating a PGlite folder
 * costs initdb, every migration and the demo data (~5 s and ~500 MiB at its peak); copying one costs
 * what a restart costs. `npm ci` builds the default template (postinstall); any other is built on
 * the first start that needs it, and every later new folder is a copy.
 *
 * A template is named by a hash of everything it was made from: the PGlite version, the migrations
 * (journal and SQL), TEMPLATE_FORMAT and the template's own inputs (the demo file). Add a migration and
 * the next new folder gets a new template; the bot still runs migrate() on every start, so a folder
 * copied from any template ends up current.
 */
export interface PgliteTemplate {
  /** The folder templates live in. */
  readonly cacheDir: string;
  /** What it holds beyond the migrations (`demo`, `migrated`): the start of its folder name. */
  readonly name: string;
  /** What fill() depends on besides the migrations (the demo file's text): a change makes a new template. */
  readonly inputs: () => Promise<readonly string[]>;
  /** Runs on the freshly migrated database before it is closed and becomes the template. */
  readonly fill?: (db: Db) => Promise<unknown>;
}

/**
 * Bump when what a template holds changes without any of its inputs changing: the options a folder
 * is created with, or what fill() writes for the same file.
 */
export const TEMPLATE_FORMAT = 1;

/** How a new folder was made, for the start-up log line. */
export type NewFolder = { from: 'template'; template: string; built: boolean } | { from: 'initdb'; why: string };

export async function templateKey(template: Pick<PgliteTemplate, 'name' | 'inputs'>, migrationsFolder: string): Promise<string> {
  const hash = createHash('sha256');
  const part = (s: string | Buffer) => hash.update(`${Buffer.byteLength(s)}:`).update(s);
  part(`format ${TEMPLATE_FORMAT}`);
  part(`pglite ${await pgliteVersion()}`);
  part(`template ${template.name}`);
  part(await readFile(join(migrationsFolder, 'meta', '_journal.json')));
  for (const file of (await readdir(migrationsFolder)).filter((f) => f.endsWith('.sql')).sort()) part(file).update(await readFile(join(migrationsFolder, file)));
  for (const input of await template.inputs()) part(input);
  return hash.digest('hex').slice(0, 16);
}

async function pgliteVersion(): Promise<string> {
  // The package's exports do not include package.json; it sits above the entry point it resolves to.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 3; i++, dir = dirname(dir)) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (text) return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  }
  return 'unknown';
}

const exists = (path: string) => access(path).then(
  () => true,
  () => false,
);

/** True when `dir` holds a database (PGlite writes PG_VERSION at initdb; a copy writes it last). */
export const holdsDatabase = (dir: string) => exists(join(dir, 'PG_VERSION'));

/** Written into a folder before a template is copied into it, removed once the copy is whole. */
const COPYING = '.copying-template';

/**
 * True when `dir` is missing or empty, or holds a copy that was cut short (the marker, no
 * PG_VERSION): the only folders a template is copied into. Any other folder is left to PGlite.
 */
export async function isNewFolder(dir: string): Promise<boolean> {
  const entries: string[] | null = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : null));
  if (entries === null) return false;
  return entries.length === 0 || (entries.includes(COPYING) && !entries.includes('PG_VERSION'));
}

/**
 * The template's folder, built first when it is missing. `create` makes a migrated database in a
 * folder and closes it when asked. Two processes building the same template at once both build; the
 * first rename wins and the other's copy is removed. A half-built one is never seen: it is built
 * under a temporary name and renamed when closed.
 */
export async function ensureTemplate(template: PgliteTemplate, migrationsFolder: string, create: (dir: string) => Promise<{ db: Db; close(): Promise<void> }>): Promise<{ dir: string; built: boolean }> {
  const base = `pglite-${template.name}-`;
  const dir = join(template.cacheDir, `${base}${await templateKey(template, migrationsFolder)}`);
  if (await holdsDatabase(dir)) return { dir, built: false };
  await mkdir(template.cacheDir, { recursive: true });
  const building = `${dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const database = await create(building);
    try {
      await template.fill?.(database.db);
    } finally {
      await database.close();
    }
    await rename(building, dir).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await holdsDatabase(dir))) throw err;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  await prune(template.cacheDir, base, dir);
  return { dir, built: true };
}

/**
 * Templates of this name made from older inputs are never used again; nor is a half-built one whose
 * process is gone (killed while building). One still being built elsewhere is left alone.
 */
async function prune(cacheDir: string, base: string, keep: string): Promise<void> {
  for (const entry of await readdir(cacheDir)) {
    const path = join(cacheDir, entry);
    if (!entry.startsWith(base) || path === keep) continue;
    const builder = /\.building-(\d+)-/.exec(entry)?.[1];
    if (builder && processAlive(Number(builder))) continue;
    await rm(path, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Copies the template into a new folder (see isNewFolder), PG_VERSION last: a copy cut short leaves
 * the marker and no PG_VERSION, which the next start treats as new and copies into again.
 */
export async function copyTemplate(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  await writeFile(join(to, COPYING), '');
  await copyTree(from, to, 'PG_VERSION');
  await copyFile(join(from, 'PG_VERSION'), join(to, 'PG_VERSION'));
  await rm(join(to, COPYING), { force: true });
}

/**
 * A plain recursive copy (a data folder holds only folders and files): ~1,000 files, 40 MB in ~0.1 s,
 * where fs.cp, which stats every entry several times over, takes ~1 s.
 */
async function copyTree(from: string, to: string, skip?: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries
      .filter((e) => e.name !== skip)
      .map((e) => (e.isDirectory() ? copyTree(join(from, e.name), join(to, e.name)) : copyFile(join(from, e.name), join(to, e.name)))),
  );
}
