import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { CollectionKind } from '../../domain/collections.js';
import type { ExtensionRange } from '../../domain/extension-number.js';
import type { ReferenceData } from '../../domain/reference-data.js';
import type { Db } from '../client.js';
import {
  billingUnits,
  callerIds,
  collections,
  cucmClusters,
  departments,
  e911Locations,
  extensionRanges,
  profiles,
  sites,
} from '../schema/index.js';

type KeyedTable = PgTable & { key: PgColumn; active: PgColumn; name: PgColumn; updatedAt: PgColumn };

/**
 * Upserts one keyed list and marks the rows that left the file inactive (users still point at them).
 * An empty list deactivates everything in the table, which is what an operator who removed it meant.
 */
async function syncKeyed<T extends KeyedTable>(db: Db, table: T, rows: Record<string, unknown>[], updateColumns: string[]) {
  const keys = rows.map((r) => r.key as string);
  if (rows.length > 0) {
    const set: Record<string, unknown> = { active: true, updatedAt: sql`now()` };
    for (const column of updateColumns) set[column] = sql.raw(`excluded.${columnName(table, column)}`);
    await db
      .insert(table)
      .values(rows.map((r) => ({ ...r, active: true })) as never)
      .onConflictDoUpdate({ target: table.key, set: set });
  }
  const stale = keys.length > 0 ? and(eq(table.active, true), notInArray(table.key, keys)) : eq(table.active, true);
  await db.update(table).set({ active: false, updatedAt: sql`now()` } as never).where(stale);
}

function columnName(table: PgTable, property: string): string {
  const column = (table as unknown as Record<string, PgColumn>)[property];
  if (!column) throw new Error(`unknown column ${property}`);
  return `"${column.name}"`;
}

const REFERENCE_DATA_LOCK_ID = 7_240_502;

/** Applies the operator's file to the database. Run inside a transaction; running it twice changes nothing. */
export async function syncReferenceData(db: Db, data: ReferenceData): Promise<void> {
  // Instances starting together each reload the file: take turns, or their deletes and inserts collide.
  await db.execute(sql`select pg_advisory_xact_lock(${REFERENCE_DATA_LOCK_ID})`);
  await syncKeyed(db, sites, data.sites.map(({ key, name }) => ({ key, name })), ['name']);
  await syncKeyed(db, departments, data.departments.map(({ key, name }) => ({ key, name })), ['name']);
  await syncKeyed(db, billingUnits, data.billingUnits.map(({ key, name }) => ({ key, name })), ['name']);
  await syncKeyed(db, cucmClusters, data.clusters.map(({ key, name }) => ({ key, name })), ['name']);
  await syncKeyed(db, callerIds, data.callerIds.map(({ key, name, number }) => ({ key, name, number })), ['name', 'number']);
  await syncKeyed(
    db,
    e911Locations,
    data.e911Locations.map((l) => ({
      key: l.key,
      name: l.name,
      street: l.street,
      suite: l.suite ?? null,
      city: l.city,
      state: l.state,
      postalCode: l.postalCode,
      country: l.country,
    })),
    ['name', 'street', 'suite', 'city', 'state', 'postalCode', 'country'],
  );
  // The one-default index would trip over a default moving from one profile to another mid-upsert.
  await db.update(profiles).set({ isDefault: false }).where(eq(profiles.isDefault, true));
  await syncKeyed(
    db,
    profiles,
    data.profiles.map((p) => ({ key: p.key, name: p.name, isDefault: p.default === true })),
    ['name', 'isDefault'],
  );
  await syncCollections(db, data.collections);
  await db.delete(extensionRanges);
  await db.insert(extensionRanges).values(data.extensionRanges.map(({ from, to }) => ({ from, to })));
}

async function syncCollections(db: Db, wanted: readonly { name: string; kind: CollectionKind }[]) {
  if (wanted.length > 0) {
    await db
      .insert(collections)
      .values(wanted.map(({ name, kind }) => ({ name, kind, active: true })))
      .onConflictDoUpdate({ target: [collections.kind, collections.name], set: { active: true, updatedAt: sql`now()` } });
  }
  const current = await db.select({ id: collections.id, name: collections.name, kind: collections.kind }).from(collections);
  const wantedKeys = new Set(wanted.map((c) => `${c.kind}\u0000${c.name}`));
  const stale = current.filter((c) => !wantedKeys.has(`${c.kind}\u0000${c.name}`)).map((c) => c.id);
  if (stale.length > 0) await db.update(collections).set({ active: false, updatedAt: sql`now()` }).where(inArray(collections.id, stale));
}

export async function hasReferenceData(db: Db): Promise<boolean> {
  const rows = await db.select({ key: profiles.key }).from(profiles).limit(1);
  return rows.length > 0;
}

export interface Choice {
  key: string;
  name: string;
  /** Set only on an edited user's own value that a reload retired: kept for them, offered to nobody else (services/edit-user.ts). */
  retired?: boolean;
}
export interface ReferenceChoices {
  sites: Choice[];
  departments: Choice[];
  billingUnits: Choice[];
  profiles: (Choice & { isDefault: boolean })[];
  clusters: Choice[];
  callerIds: (Choice & { number: string })[];
  e911Locations: Choice[];
  collections: { id: number; name: string; kind: CollectionKind }[];
  extensionRanges: ExtensionRange[];
  /**
   * The rows a reload retired (users may still point at them), for their names only: a summary or an
   * edit shows "Old site" rather than its key. Never offered as a choice.
   */
  retiredNames: Record<'sites' | 'departments' | 'billingUnits' | 'profiles', Choice[]>;
}

/**
 * Everything a form offers, active rows only, in display order, and the retired rows' names. Nine
 * statements: the four lists that keep retired names read active and retired rows together.
 */
export async function listReferenceChoices(db: Db): Promise<ReferenceChoices> {
  const keyed = (table: KeyedTable) =>
    db
      .select({ key: table.key, name: table.name })
      .from(table)
      .where(eq(table.active, true))
      .orderBy(asc(table.name)) as Promise<Choice[]>;
  const withRetired = (table: KeyedTable) =>
    db.select({ key: table.key, name: table.name, active: table.active }).from(table).orderBy(asc(table.name)) as Promise<(Choice & { active: boolean })[]>;
  const [siteRows, departmentRows, billingRows, clusterRows, e911Rows, profileRows, callerRows, collectionRows, rangeRows] = await Promise.all([
    withRetired(sites),
    withRetired(departments),
    withRetired(billingUnits),
    keyed(cucmClusters),
    keyed(e911Locations),
    db.select({ key: profiles.key, name: profiles.name, isDefault: profiles.isDefault, active: profiles.active }).from(profiles).orderBy(asc(profiles.name)),
    db
      .select({ key: callerIds.key, name: callerIds.name, number: callerIds.number })
      .from(callerIds)
      .where(eq(callerIds.active, true))
      .orderBy(asc(callerIds.name)),
    db
      .select({ id: collections.id, name: collections.name, kind: collections.kind })
      .from(collections)
      .where(eq(collections.active, true))
      .orderBy(asc(collections.kind), asc(collections.name)),
    db.select({ from: extensionRanges.from, to: extensionRanges.to }).from(extensionRanges).orderBy(asc(extensionRanges.from)),
  ]);
  const active = <T extends { active: boolean }>(rows: T[]): Omit<T, 'active'>[] => rows.filter((r) => r.active).map(({ active: _, ...rest }) => rest);
  const retired = (rows: (Choice & { active: boolean })[]): Choice[] => rows.filter((r) => !r.active).map(({ key, name }) => ({ key, name }));
  return {
    sites: active(siteRows),
    departments: active(departmentRows),
    billingUnits: active(billingRows),
    clusters: clusterRows,
    e911Locations: e911Rows,
    profiles: active(profileRows),
    callerIds: callerRows,
    collections: collectionRows,
    extensionRanges: rangeRows,
    retiredNames: { sites: retired(siteRows), departments: retired(departmentRows), billingUnits: retired(billingRows), profiles: retired(profileRows) },
  };
}

/** Every site and department, retired ones too (users keep them): what a typed find filter is matched against. */
export async function allSitesAndDepartments(db: Db): Promise<{ sites: Choice[]; departments: Choice[] }> {
  const [siteRows, departmentRows] = await Promise.all([
    db.select({ key: sites.key, name: sites.name }).from(sites).orderBy(asc(sites.name)),
    db.select({ key: departments.key, name: departments.name }).from(departments).orderBy(asc(departments.name)),
  ]);
  return { sites: siteRows, departments: departmentRows };
}
